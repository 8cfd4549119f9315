"""What the buttons on a nudge do: stop a kind, "try it now", a one-click rating (snooze: bot/services/snooze).

Every press also marks the nudge as interacted with, which resets the back-off streak (nudges/rules.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.playbook.schema import Playbook
from bot.services import answers
from bot.services.people import get_person
from bot.views.nudges import NudgeContext
from models import NudgeDelivery, Person, PulseResponse, Wave, WaveMembership
from nudges import tracks
from nudges.kinds import NudgeKind


@dataclass(frozen=True)
class ActionResult:
    """What the handler needs to answer: whether it applied, and the person's language."""

    applied: bool
    locale: str = "en"
    detail: str = ""


def _own_nudge(session: Session, person: Person, nudge_id: int) -> NudgeDelivery | None:
    """The nudge, only when it was sent to this person (a forged value cannot touch others' rows)."""
    row = session.get(NudgeDelivery, nudge_id)
    return row if row is not None and row.person_id == person.id else None


def _touch(row: NudgeDelivery | None, now: datetime) -> None:
    if row is not None and row.interacted_at is None:
        row.interacted_at = now


def stop_kind(session: Session, *, user_id: str, kind: str, nudge_id: int, now: datetime) -> ActionResult:
    """Add `kind` to the person's opt-outs and drop their queued nudges of that kind."""
    person = get_person(session, user_id)
    if person is None or kind not in NudgeKind._value2member_map_:
        return ActionResult(False)
    _touch(_own_nudge(session, person, nudge_id), now)
    if not NudgeKind(kind).policy.can_opt_out:
        return ActionResult(False, person.effective_locale, "not optional")
    if kind not in (person.opted_out_kinds or []):
        person.opted_out_kinds = [*(person.opted_out_kinds or []), kind]
    session.execute(
        update(NudgeDelivery)
        .where(NudgeDelivery.person_id == person.id, NudgeDelivery.kind == kind, NudgeDelivery.state == "pending")
        .values(state="skipped", last_error=f"opted out of {kind}")
    )
    session.flush()
    return ActionResult(True, person.effective_locale)


def record_press(session: Session, *, person: Person, nudge_id: int, now: datetime) -> None:
    """Mark the person's own nudge as interacted with, for buttons whose work lives elsewhere (snooze)."""
    _touch(_own_nudge(session, person, nudge_id), now)
    session.flush()


def try_it(session: Session, *, user_id: str, nudge_id: int, now: datetime) -> NudgeContext | None:
    """Record the "try it now" press; the context to render the how-to and the rating from."""
    person = get_person(session, user_id)
    row = _own_nudge(session, person, nudge_id) if person else None
    if person is None or row is None:
        return None
    _touch(row, now)
    session.flush()
    return NudgeContext(
        nudge_id=row.id,
        kind=row.kind,
        locale=person.effective_locale,
        name=person.display_name or person.slack_user_id,
        subject=row.subject,
    )


def rate(session: Session, *, user_id: str, nudge_id: int, score: int, now: datetime) -> ActionResult:
    """Store a one-click rating once per nudge (kind "training", "pulse" or "feedback")."""
    person = get_person(session, user_id)
    row = _own_nudge(session, person, nudge_id) if person else None
    if (
        person is None
        or row is None
        or not 1 <= score <= 5
        or (rated_as := NudgeKind(row.kind).policy.rated_as) is None
    ):
        return ActionResult(False, person.effective_locale if person else "en")
    if NudgeKind(row.kind) is NudgeKind.FEEDBACK:
        # A wave's feedback gate: counted once per question and round (bot/services/answers.py).
        answer = answers.record_feedback(session, user_id=user_id, nudge_id=nudge_id, score=score, now=now)
        return ActionResult(answer.counted, person.effective_locale, f"feedback.{answer.status.value}")
    _touch(row, now)
    if "rated" in (row.payload or {}):
        return ActionResult(False, person.effective_locale, "already rated")
    row.payload = {**(row.payload or {}), "rated": score}
    wave_id = (row.payload or {}).get("wave_id") or session.scalar(
        select(WaveMembership.wave_id)
        .join(Wave, Wave.id == WaveMembership.wave_id)
        .where(WaveMembership.person_id == person.id, Wave.state.in_(("active", "paused")), WaveMembership.running)
        .limit(1)
    )
    session.add(
        PulseResponse(
            person_id=person.id,
            wave_id=wave_id,
            kind=rated_as,
            score=score,
            comment=row.subject,
            answered_at=now,
            stage=person.current_stage,  # as they are now, so Sentiment can be read by stage and department
            department=person.department,
        )
    )
    session.flush()
    return ActionResult(True, person.effective_locale)


@dataclass(frozen=True)
class LessonDone:
    """A role-track lesson marked done, and how far the person's track is now (for the reply)."""

    locale: str
    track: str
    lesson: str
    done: int
    total: int


def lesson_done(
    session: Session, *, user_id: str, nudge_id: int, playbook: Playbook, now: datetime
) -> LessonDone | ActionResult:
    """Record "Done" on the person's own lesson DM (once); an ActionResult(False) when it is not theirs."""
    person = get_person(session, user_id)
    row = _own_nudge(session, person, nudge_id) if person else None
    if person is None or row is None or row.kind != NudgeKind.TRACK_LESSON.value:
        return ActionResult(False, person.effective_locale if person else "en")
    _touch(row, now)
    role, key = str((row.payload or {}).get("track", "")), row.subject or ""
    progress = tracks.mark_done(session, person=person, role=role, lesson=key, playbook=playbook, now=now)
    track = playbook.tracks.get(role)
    lesson = track.lesson(key) if track else None
    if progress is None or track is None or lesson is None:
        return ActionResult(False, person.effective_locale, "not in the track")
    loc = person.effective_locale
    return LessonDone(loc, track.title.get(loc), lesson.title.get(loc), progress.done, progress.total)
