"""Department views and actions for ambassadors, and the employee's own `/coach me|snooze|stop`.

Scope is decided here, on the server: `scope_for` turns what the caller typed into departments they may
steer (or a refusal), and every person-level action re-checks the target's department.

Enrolled, active and ignition are defined once, in `bot.services.metrics` (so `/coach status` and the admin Home
agree). Defined here: open help — help requests not closed whose asker is in the department; trend — the same
numbers 7 days earlier, rebuilt from enrolment, DailyActivity and Completion timestamps.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from bot.domain.progression import PersonProgress, next_use_case, reached_stage
from bot.playbook import Playbook
from bot.services.callers import Caller
from bot.services.metrics import (
    IGNITION_LINE,
    IGNITION_STAGE,
    WINDOW_DAYS,
    any_wave,
    enrolled_memberships,
    recently_seen,
)
from bot.services.progress import confirm_completion
from models import Completion, DailyActivity, HelpRequest, Person, WaveMembership
from nudges.kinds import OPTABLE_KINDS, NudgeKind
from nudges.rules import CadenceRules
from nudges.service import request_nudge

SCOPE_MAX_DEPARTMENTS = 5
ACTIVITY_SUM = DailyActivity.total


# -- scope --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The departments a request covers, or why it covers none (`problem`: not_yours | unknown | choose)."""

    departments: tuple[str, ...] = ()
    problem: str | None = None
    choices: tuple[str, ...] = ()
    wanted: str = ""


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def all_departments(session: Session) -> list[str]:
    """Departments people belong to (for admins, who may steer any)."""
    rows = session.scalars(
        select(Person.department).where(Person.department.is_not(None), Person.deactivated.is_(False)).distinct()
    )
    return sorted(d for d in rows if d)


def scope_for(session: Session, caller: Caller, wanted: str) -> Scope:
    """Which departments `caller` asked about; an ambassador never gets one outside `ambassador_of`."""
    wanted = " ".join(wanted.split())[:128]
    own = tuple(sorted(caller.ambassador_of))
    if not wanted:
        if own:
            return Scope(departments=own[:SCOPE_MAX_DEPARTMENTS])
        if caller.is_admin and caller.department:
            return Scope(departments=(caller.department,))
        return Scope(problem="choose", choices=tuple(all_departments(session)[:20]) if caller.is_admin else ())
    pool = list(own) + (all_departments(session) if caller.is_admin else [])
    for department in pool:
        if _fold(department) == _fold(wanted):
            return Scope(departments=(department,), wanted=wanted)
    if caller.is_admin:
        return Scope(problem="unknown", choices=tuple(pool[:20]), wanted=wanted)
    # Say the same thing whether or not the department exists: nothing about other departments leaks.
    return Scope(problem="not_yours", choices=own, wanted=wanted)


# -- status -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentNumbers:
    """The department's numbers at one moment."""

    enrolled: int = 0
    active: int = 0
    stages: tuple[int, ...] = ()  # people per stage, index 0 = not started
    ignited: int = 0  # active and at stage >= IGNITION_STAGE
    open_help: int = 0

    @property
    def ignition(self) -> float:
        return self.ignited / self.enrolled if self.enrolled else 0.0

    @property
    def ignited_line_reached(self) -> bool:
        return self.enrolled > 0 and self.ignition >= IGNITION_LINE


@dataclass(frozen=True)
class DepartmentStatus:
    department: str
    current: DepartmentNumbers
    week_ago: DepartmentNumbers


def members_query(session: Session, department: str, at: datetime | None = None) -> Select[Any]:
    """Ids of the department's enrolled people, now or (with `at`) as they were then; see the module docstring."""
    query = select(Person.id).where(Person.department == department, Person.deactivated.is_(False))
    if not any_wave(session):
        return query if at is None else query.where(or_(Person.created_at.is_(None), Person.created_at <= at))
    return query.where(Person.id.in_(enrolled_memberships(at)))


def _active_ids(session: Session, members: Select[Any], at: datetime, *, current: bool) -> set[int]:
    """Active members by `bot.services.metrics`' rule (a past date has only the counters to go by)."""
    last_day = at.date()
    first_day = last_day - timedelta(days=WINDOW_DAYS - 1)
    rows = set(
        session.scalars(
            select(DailyActivity.person_id)
            .where(
                DailyActivity.person_id.in_(members), DailyActivity.day.between(first_day, last_day), ACTIVITY_SUM > 0
            )
            .distinct()
        )
    )
    if current:
        rows |= set(session.scalars(select(Person.id).where(Person.id.in_(members), recently_seen(at))))
    return rows


def _stages_at(session: Session, playbook: Playbook, members: Select[Any], at: datetime) -> dict[int, int]:
    """person id → stage at `at`; only people who moved since are rebuilt from their completions."""
    stages: dict[int, int] = {}
    moved: list[int] = []
    for person_id, stage, reached_at in session.execute(
        select(Person.id, Person.current_stage, Person.stage_reached_at).where(Person.id.in_(members))
    ):
        if reached_at is None or reached_at <= at:
            stages[person_id] = stage
        else:
            moved.append(person_id)
    done: dict[int, set[str]] = {person_id: set() for person_id in moved}
    for start in range(0, len(moved), 500):
        for person_id, key in session.execute(
            select(Completion.person_id, Completion.use_case_key).where(
                Completion.person_id.in_(moved[start : start + 500]),
                Completion.status == "done",
                Completion.completed_at <= at,
            )
        ):
            done[person_id].add(key)
    for person_id, keys in done.items():
        stages[person_id] = reached_stage(playbook, frozenset(keys))
    return stages


def _open_help(session: Session, department: str, at: datetime, *, now: bool) -> int:
    query = (
        select(func.count(HelpRequest.id))
        .join(Person, Person.id == HelpRequest.asker_id)
        .where(Person.department == department)
    )
    if now:
        query = query.where(HelpRequest.state != "closed")
    else:
        query = query.where(
            HelpRequest.created_at <= at, or_(HelpRequest.closed_at.is_(None), HelpRequest.closed_at > at)
        )
    return int(session.scalar(query) or 0)


def department_numbers(
    session: Session, *, playbook: Playbook, department: str, at: datetime, current: bool
) -> DepartmentNumbers:
    """Enrolled, active, stage distribution, ignition and open help for `department` at `at`."""
    members = members_query(session, department, None if current else at)
    active = _active_ids(session, members, at, current=current)
    stages = _stages_at(session, playbook, members, at) if not current else _current_stages(session, members)
    counts = [0] * (len(playbook.stages) + 1)
    for stage in stages.values():
        counts[min(max(stage, 0), len(playbook.stages))] += 1
    ignited = sum(1 for person_id, stage in stages.items() if stage >= IGNITION_STAGE and person_id in active)
    return DepartmentNumbers(
        enrolled=len(stages),
        active=len(active),
        stages=tuple(counts),
        ignited=ignited,
        open_help=_open_help(session, department, at, now=current),
    )


def _current_stages(session: Session, members: Select[Any]) -> dict[int, int]:
    return dict(session.execute(select(Person.id, Person.current_stage).where(Person.id.in_(members))).all())


def department_status(session: Session, *, playbook: Playbook, department: str, now: datetime) -> DepartmentStatus:
    """The department now and a week ago, for `/coach status` and the weekly digest."""
    return DepartmentStatus(
        department=department,
        current=department_numbers(session, playbook=playbook, department=department, at=now, current=True),
        week_ago=department_numbers(
            session, playbook=playbook, department=department, at=now - timedelta(days=7), current=False
        ),
    )


# -- stuck --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StuckPerson:
    user_id: str
    name: str
    department: str
    stage: int
    last_active: datetime | None
    idle_days: int


def _latest(values: Iterable[datetime | None]) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def stuck_people(
    session: Session, *, playbook: Playbook, departments: Collection[str], now: datetime, days: int
) -> list[StuckPerson]:
    """Enrolled people with neither progress nor activity in `days` days, longest idle first.

    Progress is a stage reached, a completion, or enrolment itself (newcomers are not stuck on day one);
    people who finished every stage are never stuck.
    """
    cutoff = now - timedelta(days=days)
    result: list[StuckPerson] = []
    for department in departments:
        members = members_query(session, department)
        last_day = dict(
            session.execute(
                select(DailyActivity.person_id, func.max(DailyActivity.day))
                .where(DailyActivity.person_id.in_(members), ACTIVITY_SUM > 0)
                .group_by(DailyActivity.person_id)
            ).all()
        )
        last_done = dict(
            session.execute(
                select(Completion.person_id, func.max(Completion.completed_at))
                .where(Completion.person_id.in_(members), Completion.status == "done")
                .group_by(Completion.person_id)
            ).all()
        )
        enrolled = dict(
            session.execute(
                select(WaveMembership.person_id, func.max(WaveMembership.enrolled_at))
                .where(WaveMembership.person_id.in_(members))
                .group_by(WaveMembership.person_id)
            ).all()
        )
        for person in session.scalars(select(Person).where(Person.id.in_(members))):
            if person.current_stage >= len(playbook.stages):
                continue
            day = last_day.get(person.id)
            active_at = _latest([person.last_active_at, _end_of(day) if day else None])
            progress_at = _latest(
                [person.stage_reached_at, last_done.get(person.id), enrolled.get(person.id) or person.created_at]
            )
            if (active_at and active_at > cutoff) or (progress_at and progress_at > cutoff):
                continue
            idle_since = active_at or progress_at
            result.append(
                StuckPerson(
                    user_id=person.slack_user_id,
                    name=person.display_name or person.slack_user_id,
                    department=department,
                    stage=person.current_stage,
                    last_active=active_at,
                    idle_days=(now - idle_since).days if idle_since else days,
                )
            )
    return sorted(result, key=lambda p: (p.last_active is not None, p.last_active or now, p.name))


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


# -- open questions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenQuestion:
    request_id: int
    asker_id: str
    asker_name: str
    topic: str
    question: str
    owner: str
    state: str
    asked_at: datetime | None


def open_questions(
    session: Session, *, departments: Collection[str], limit: int = 20
) -> tuple[list[OpenQuestion], int]:
    """Open help requests of askers in `departments`, oldest first (at most `limit`), and how many there are."""
    where = (HelpRequest.state != "closed", Person.department.in_(list(departments)))
    total = session.scalar(
        select(func.count(HelpRequest.id)).join(Person, Person.id == HelpRequest.asker_id).where(*where)
    )
    rows = session.execute(
        select(HelpRequest, Person.slack_user_id, Person.display_name)
        .join(Person, Person.id == HelpRequest.asker_id)
        .where(*where)
        .order_by(HelpRequest.created_at, HelpRequest.id)
        .limit(limit)
    )
    questions = [
        OpenQuestion(
            request_id=request.id,
            asker_id=user_id,
            asker_name=name or user_id,
            topic=request.topic,
            question=request.question[:500],
            owner=request.owner,
            state=request.state,
            asked_at=request.created_at,
        )
        for request, user_id, name in rows
    ]
    return questions, int(total or 0)


# -- nudges -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NudgeRequest:
    """What happened to one requested nudge: queued (now or `at`), or skipped with a reason code."""

    queued: bool
    reason: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class NudgeTarget:
    user_id: str
    name: str
    queued: bool
    reason: str = ""  # skip reason, or why it waits (snoozed, dnd, budget, off_hours…)
    at: datetime | None = None


@dataclass(frozen=True)
class NudgeOutcome:
    targets: tuple[NudgeTarget, ...] = ()

    @property
    def queued(self) -> list[NudgeTarget]:
        return [t for t in self.targets if t.queued]

    @property
    def skipped(self) -> list[NudgeTarget]:
        return [t for t in self.targets if not t.queued]


def _request_nudge(
    session: Session,
    *,
    person: Person,
    kind: str,
    key: str,
    now: datetime,
    payload: dict[str, Any],
    rules: CadenceRules,
) -> NudgeRequest:
    """Queue one nudge through the nudge engine, so budgets, snooze and opt-out apply as to every nudge."""
    result = request_nudge(session, person=person, kind=kind, key=key, now=now, payload=payload, rules=rules)
    if result.outcome == "skipped":
        return NudgeRequest(queued=False, reason=str(result.code or "skipped"))
    if result.outcome == "duplicate":
        return NudgeRequest(queued=False, reason="already_queued")
    due = result.due_at or now
    return NudgeRequest(queued=True, reason=str(result.code or ""), at=None if due <= now else due)


def people_by_user_id(session: Session, user_ids: Collection[str]) -> dict[str, Person]:
    ids = list(dict.fromkeys(user_ids))
    found: dict[str, Person] = {}
    for start in range(0, len(ids), 500):
        for person in session.scalars(select(Person).where(Person.slack_user_id.in_(ids[start : start + 500]))):
            found[person.slack_user_id] = person
    return found


def nudge_people(
    session: Session,
    *,
    caller: Caller,
    user_ids: Collection[str],
    message: str,
    rules: CadenceRules,
    now: datetime,
) -> NudgeOutcome:
    """Ask the nudge engine for a personal nudge to each person the caller may steer; say who was skipped."""
    people = people_by_user_id(session, user_ids)
    targets: list[NudgeTarget] = []
    for user_id in dict.fromkeys(user_ids):
        person = people.get(user_id)
        if person is None:
            targets.append(NudgeTarget(user_id, user_id, queued=False, reason="unknown"))
            continue
        name = person.display_name or user_id
        if not caller.can_steer(person.department):
            targets.append(NudgeTarget(user_id, user_id, queued=False, reason="not_in_department"))
            continue
        outcome = _request_nudge(
            session,
            person=person,
            kind=NudgeKind.AMBASSADOR.value,
            # One ambassador nudge per person per day, however many ambassadors press the button.
            key=f"ambassador:{person.id}:{now.date().isoformat()}",
            now=now,
            payload={"message": message[:2000], "from_user": caller.user_id},
            rules=rules,
        )
        targets.append(NudgeTarget(user_id, name, outcome.queued, outcome.reason, outcome.at))
    return NudgeOutcome(tuple(targets))


# -- celebrate / confirm ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CelebrateTarget:
    user_id: str
    name: str
    locale: str
    stage: int
    allowed: bool
    reason: str = ""


def celebration_targets(session: Session, *, caller: Caller, user_ids: Collection[str]) -> list[CelebrateTarget]:
    """Who the caller may celebrate (people of their departments, not deactivated), and why not the others."""
    people = people_by_user_id(session, user_ids)
    targets = []
    for user_id in dict.fromkeys(user_ids):
        person = people.get(user_id)
        if person is None:
            targets.append(CelebrateTarget(user_id, user_id, "en", 0, False, "unknown"))
        elif not caller.can_steer(person.department):
            targets.append(CelebrateTarget(user_id, user_id, "en", 0, False, "not_in_department"))
        elif person.deactivated:
            targets.append(CelebrateTarget(user_id, person.display_name, "en", 0, False, "deactivated"))
        else:
            name = person.display_name or user_id
            targets.append(CelebrateTarget(user_id, name, person.effective_locale, person.current_stage, True))
    return targets


@dataclass(frozen=True)
class ConfirmOutcome:
    """status: confirmed | already_done | not_pending | unknown_use_case | unknown_person | not_in_department."""

    status: str
    person_name: str = ""
    use_case_key: str = ""
    pending: tuple[str, ...] = ()  # keys still waiting, to help the ambassador pick
    stage_reached: int | None = None


def find_use_case(playbook: Playbook, text: str, candidates: Collection[str] = ()) -> str | None:
    """A use case key from what the ambassador typed: key, or title (any locale); the only pending one if blank."""
    wanted = _fold(text)
    if not wanted:
        return next(iter(candidates)) if len(candidates) == 1 else None
    cases = playbook.all_use_cases()
    for case in cases:
        if _fold(case.key) == wanted or any(_fold(title) == wanted for title in case.title.root.values()):
            return case.key
    partial = [c.key for c in cases if any(wanted in _fold(title) for title in c.title.root.values())]
    preferred = [key for key in partial if key in candidates] or partial
    return preferred[0] if len(preferred) == 1 else None


def confirm_use_case(
    session: Session, *, playbook: Playbook, caller: Caller, user_id: str, text: str, now: datetime
) -> ConfirmOutcome:
    """Confirm a person's self-reported use case, within the caller's departments."""
    person = people_by_user_id(session, [user_id]).get(user_id)
    if person is None:
        return ConfirmOutcome("unknown_person")
    if not caller.can_steer(person.department):
        return ConfirmOutcome("not_in_department")
    name = person.display_name or user_id
    pending = tuple(
        session.scalars(
            select(Completion.use_case_key).where(Completion.person_id == person.id, Completion.status == "pending")
        )
    )
    key = find_use_case(playbook, text, pending)
    if key is None:
        return ConfirmOutcome("unknown_use_case", name, pending=pending)
    status, stage = _confirm_completion(
        session, playbook=playbook, person=person, use_case_key=key, confirmed_by=caller.user_id, now=now
    )
    return ConfirmOutcome(status, name, key, tuple(k for k in pending if k != key), stage)


def _confirm_completion(
    session: Session, *, playbook: Playbook, person: Person, use_case_key: str, confirmed_by: str, now: datetime
) -> tuple[str, int | None]:
    """Only a pending self-report can be confirmed; the shared progress path stores, advances and celebrates."""
    row = session.scalar(
        select(Completion).where(Completion.person_id == person.id, Completion.use_case_key == use_case_key)
    )
    if row is None or row.status not in ("pending", "done"):
        return "not_pending", None
    if row.status == "done":
        return "already_done", None
    confirm_completion(
        session, playbook=playbook, person=person, use_case_key=use_case_key, confirmed_by=confirmed_by, now=now
    )
    session.refresh(person)
    return "confirmed", person.current_stage or None


# -- the employee's own commands ----------------------------------------------------------------------


@dataclass(frozen=True)
class MySummary:
    """What `/coach me` shows: stage, what is done, what waits for confirmation, and the next step."""

    stage: int
    stage_total: int
    done: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()
    next_key: str | None = None
    snoozed_until: datetime | None = None
    stopped: bool = False
    department: str | None = None


def my_summary(session: Session, *, playbook: Playbook, person: Person, now: datetime) -> MySummary:
    """The caller's own progress, from their row and completions."""
    rows = session.execute(
        select(Completion.use_case_key, Completion.status).where(Completion.person_id == person.id)
    ).all()
    done: set[str] = set()
    pending: set[str] = set()
    for key, status in rows:
        (done if status == "done" else pending).add(key)
    order = {case.key: n for n, case in enumerate(playbook.all_use_cases())}
    nxt = next_use_case(playbook, PersonProgress(completed=frozenset(done), stage=person.current_stage))
    snoozed = person.snoozed_until if person.snoozed_until and person.snoozed_until > now else None
    return MySummary(
        stage=person.current_stage,
        stage_total=len(playbook.stages),
        done=tuple(sorted((k for k in done if k in order), key=order.__getitem__)),
        pending=tuple(sorted((k for k in pending if k in order), key=order.__getitem__)),
        next_key=nxt.key if nxt else None,
        snoozed_until=snoozed,
        stopped=is_stopped(person),
        department=person.department,
    )


def snooze(person: Person, *, days: int, now: datetime) -> datetime | None:
    """Pause paced nudges for `days` days (0 lifts the snooze); returns the new end."""
    person.snoozed_until = now + timedelta(days=days) if days > 0 else None
    return person.snoozed_until


def is_stopped(person: Person) -> bool:
    return {k.value for k in OPTABLE_KINDS} <= set(person.opted_out_kinds or [])


def set_stopped(person: Person, *, stopped: bool) -> bool:
    """Opt out of (or back into) every optional nudge kind; transactional messages still arrive."""
    optable = {k.value for k in OPTABLE_KINDS}
    current = set(person.opted_out_kinds or [])
    person.opted_out_kinds = sorted(current | optable) if stopped else sorted(current - optable)
    return stopped


# -- weekly digest ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MovedUp:
    user_id: str
    name: str
    stage: int


@dataclass(frozen=True)
class DepartmentDigest:
    """A week in one department: movement, who needs a hand, open questions (lists cut, totals kept)."""

    status: DepartmentStatus
    moved_up: tuple[MovedUp, ...]
    moved_total: int
    stuck: tuple[StuckPerson, ...]
    stuck_total: int
    questions: tuple[OpenQuestion, ...]
    questions_total: int


def department_digest(
    session: Session, *, playbook: Playbook, department: str, now: datetime, limit: int = 5
) -> DepartmentDigest:
    """Everything the weekly ambassador digest says about one department."""
    since = now - timedelta(days=7)
    moved = session.execute(
        select(Person.slack_user_id, Person.display_name, Person.current_stage)
        .where(Person.id.in_(members_query(session, department)), Person.stage_reached_at > since)
        .order_by(Person.current_stage.desc(), Person.display_name)
    ).all()
    stuck = stuck_people(
        session,
        playbook=playbook,
        departments=[department],
        now=now,
        days=playbook.cadence.reengage_after_days,
    )
    questions, total = open_questions(session, departments=[department], limit=limit)
    return DepartmentDigest(
        status=department_status(session, playbook=playbook, department=department, now=now),
        moved_up=tuple(MovedUp(uid, name or uid, stage) for uid, name, stage in moved[:limit]),
        moved_total=len(moved),
        stuck=tuple(stuck[:limit]),
        stuck_total=len(stuck),
        questions=tuple(questions),
        questions_total=total,
    )
