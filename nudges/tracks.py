"""Role-based training tracks (seed 000: executives, Slack admins, employees and champions each learn the use
cases of their role): which lesson each person with a role gets next, and recording a lesson as done.

A person with a role (sponsor, ambassador, admin: see `role_holders`) whose role has a track in the playbook gets
the track's lessons in order, one a week at most, whether or not they are in a wave (sponsors and admins often
are not). Lessons are ordinary outbox rows of kind `track_lesson`: the delivery worker applies the same budget,
gap, working hours and do-not-disturb rules as to every coaching message. A lesson is asked once; "Done" on its
DM records a LessonCompletion. The employee track is the ladder, planned by nudges/planner.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.db import insert_ignore
from bot.playbook.schema import TRACK_ROLES, Lesson, Playbook, Track
from bot.services.callers import admin_condition
from models import LessonCompletion, NudgeDelivery, Person, Role
from models.base import UTCDateTime, table_of
from nudges.kinds import NudgeKind
from nudges.outbox import enqueue, outbox_key
from nudges.planner import person_rules
from nudges.rules import CadenceRules, next_working_moment

KIND = NudgeKind.TRACK_LESSON
LESSON_GAP = timedelta(days=7)  # at most one role lesson a week per person, across all their tracks


@dataclass(frozen=True)
class TrackProgress:
    """How far one person is in one role's track."""

    role: str
    done: int
    total: int


def tracked_roles(playbook: Playbook) -> dict[str, Track]:
    """The roles whose track has lessons of its own, in a fixed order (the employee track is the ladder)."""
    return {
        role: playbook.tracks[role] for role in TRACK_ROLES if role in playbook.tracks and playbook.tracks[role].lessons
    }


def next_lesson(track: Track, done: Iterable[str], asked: Iterable[str]) -> Lesson | None:
    """The first lesson neither done nor asked already (a lesson is asked once; "Done" works any time later)."""
    skip = set(done) | set(asked)
    return next((lesson for lesson in track.lessons if lesson.key not in skip), None)


def lesson_key(person_id: int, role: str, lesson: str) -> str:
    return outbox_key(KIND.value, person_id, role, lesson)


def role_holders(
    session: Session, roles: Iterable[str], *, admins: Iterable[str], now: datetime, person_id: int | None = None
) -> dict[int, tuple[str, set[str]]]:
    """person id → (time zone, tracked roles) of everyone the person-row rules let coach now, or — for one
    `person_id`, at send time, when their own row is already being sent — of that person whatever the rules.

    Roles come from the roles table; admins also from COACH_ADMINS and Slack's admin flag, as for the admin Home
    (bot/services/callers.py), since they are the ones who run the rollout.
    """
    wanted = set(roles)
    found: dict[int, tuple[str, set[str]]] = {}
    if person_id is not None:
        only = [Person.id == person_id]
        by_role: Any = _holders_by_role(only)
        admin: Any = select(Person.id, Person.tz).where(admin_condition(admins), *only)
        params: dict[str, Any] = {"roles": sorted(wanted)}
    else:  # the planning pass, every few minutes: its two statements are built once (`now` is a parameter)
        by_role, admin = _planning_holders()
        params = {"roles": sorted(wanted), "now": now, "admins": sorted(set(admins))}
    for pid, role, tz in session.execute(by_role, params):
        found.setdefault(pid, (tz, set()))[1].add(role)
    if "admin" in wanted:
        for pid, tz in session.execute(admin, params):
            found.setdefault(pid, (tz, set()))[1].add("admin")
    return found


def _holders_by_role(only: list[Any]) -> Any:
    return (
        select(Role.person_id, Role.role, Person.tz)
        .join(Person, Person.id == Role.person_id)
        .where(Role.role.in_(bindparam("roles", expanding=True)), *only)
    )


@cache
def _planning_holders() -> tuple[Any, Any]:
    """`role_holders`' two statements under the person-row rules, built once (`now`, roles and admins are
    parameters): the planning pass runs every few minutes and building them cost more than running them."""
    only = person_rules(KIND, bindparam("now", type_=UTCDateTime()))
    admins = admin_condition(bindparam("admins", expanding=True))
    return _holders_by_role(only), select(Person.id, Person.tz).where(admins, *only)


def plan_track_lessons(
    session: Session, *, playbook: Playbook, rules: CadenceRules, now: datetime, admins: Iterable[str] = ()
) -> int:
    """Queue the next lesson for every person with a tracked role who had none in the last week."""
    tracks = tracked_roles(playbook)
    if not tracks:
        return 0
    holders = role_holders(session, tracks, admins=admins, now=now)
    if not holders:
        return 0
    roles = {pid: held for pid, (_, held) in holders.items()}
    zones = {pid: tz for pid, (tz, _) in holders.items()}
    done = _lessons_done(session, roles)
    asked: dict[tuple[int, str], set[str]] = {}
    recent: set[int] = set()
    for person_id, payload, subject, created_at in session.execute(
        select(NudgeDelivery.person_id, NudgeDelivery.payload, NudgeDelivery.subject, NudgeDelivery.created_at).where(
            NudgeDelivery.kind == KIND.value, NudgeDelivery.person_id.in_(roles)
        )
    ):
        asked.setdefault((person_id, str((payload or {}).get("track", ""))), set()).add(subject or "")
        if created_at > now - LESSON_GAP:
            recent.add(person_id)
    queued = 0
    for person_id in sorted(set(roles) - recent):
        for role, track in tracks.items():
            if role not in roles[person_id]:
                continue
            lesson = next_lesson(track, done.get((person_id, role), ()), asked.get((person_id, role), ()))
            if lesson is None:
                continue
            queued += enqueue(
                session,
                person_id=person_id,
                kind=KIND.value,
                idempotency_key=lesson_key(person_id, role, lesson.key),
                due_at=next_working_moment(rules, zones[person_id], now),
                payload={"track": role},
                subject=lesson.key,
                created_at=now,
            )
            break  # one lesson per person per run, and LESSON_GAP until the next
    return queued


def _lessons_done(session: Session, roles: Mapping[int, Iterable[str]]) -> dict[tuple[int, str], set[str]]:
    done: dict[tuple[int, str], set[str]] = {}
    for person_id, track, key in session.execute(
        select(LessonCompletion.person_id, LessonCompletion.track, LessonCompletion.lesson_key).where(
            LessonCompletion.person_id.in_(roles)
        )
    ):
        done.setdefault((person_id, track), set()).add(key)
    return done


def stale_reason(
    session: Session,
    *,
    person_id: int,
    role: str,
    lesson: str,
    playbook: Playbook,
    admins: Iterable[str],
    now: datetime,
) -> str:
    """Why a queued lesson should not be sent any more, or "" (the role was taken away, the lesson removed)."""
    track = tracked_roles(playbook).get(role)
    if track is None or track.lesson(lesson) is None:
        return f"the {role} track has no lesson {lesson} any more"
    if (
        role
        not in role_holders(session, [role], admins=admins, now=now, person_id=person_id).get(person_id, ("", set()))[1]
    ):
        return f"no longer {role}"
    return ""


def mark_done(
    session: Session, *, person: Person, role: str, lesson: str, playbook: Playbook, now: datetime
) -> TrackProgress | None:
    """Record the lesson as done (once; a second press changes nothing); None when it is not in the track."""
    track = tracked_roles(playbook).get(role)
    if track is None or track.lesson(lesson) is None:
        return None
    insert_ignore(
        session,
        table_of(LessonCompletion),
        {"person_id": person.id, "track": role, "lesson_key": lesson, "completed_at": now, "created_at": now},
        conflict=["person_id", "track", "lesson_key"],
    )
    keys = {item.key for item in track.lessons}
    done = _lessons_done(session, {person.id: [role]}).get((person.id, role), set()) & keys
    return TrackProgress(role=role, done=len(done), total=len(keys))
