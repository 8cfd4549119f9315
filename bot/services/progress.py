"""Recording what people do and moving them up the ladder.

One Slack event is processed in one short transaction: claim its event_id (Slack retries count once),
bump the day's counter, and — only if some use case could match — load the person's progress, let the
pure engine decide, and store hits, completions and the stage. Celebrations go to the outbox with a
key per use case / stage, so each is sent once. Message text is never stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db import insert_ignore
from bot.domain.activity import Activity, classify_counter
from bot.domain.progression import (
    Decision,
    PersonProgress,
    complete_self_report,
    complete_use_case,
    evaluate,
    matches,
)
from bot.playbook import Playbook
from bot.services.events import claim_event
from models import Completion, CriterionHit, DailyActivity, Person
from nudges.outbox import enqueue


@dataclass
class Outcome:
    """What changed for whom, so the caller can refresh Home tabs after the commit."""

    new_people: set[str] = field(default_factory=set)
    progressed: set[str] = field(default_factory=set)
    completed: list[tuple[str, str]] = field(default_factory=list)  # (slack user id, use case key)
    duplicate: bool = False


def ingest(
    session: Session, *, playbook: Playbook, event_id: str | None, activities: Iterable[Activity], now: datetime
) -> Outcome:
    """Record one Slack event's activities; a redelivered event_id changes nothing."""
    outcome = Outcome()
    if event_id and not claim_event(session, event_id=event_id, now=now):
        outcome.duplicate = True
        return outcome
    for activity in activities:
        _record(session, playbook, activity, outcome)
    return outcome


def _person_row(session: Session, slack_user_id: str, outcome: Outcome) -> tuple[int, int, bool]:
    row = session.execute(
        select(Person.id, Person.current_stage, Person.deactivated).where(Person.slack_user_id == slack_user_id)
    ).first()
    if row is not None:
        return int(row[0]), int(row[1]), bool(row[2])
    person = Person(slack_user_id=slack_user_id, opted_out_kinds=[])
    session.add(person)
    session.flush()
    outcome.new_people.add(slack_user_id)
    return person.id, 0, False


def _record(session: Session, playbook: Playbook, activity: Activity, outcome: Outcome) -> None:
    person_id, stage, deactivated = _person_row(session, activity.user_id, outcome)
    if deactivated:
        return
    _bump_counter(session, person_id, activity)
    candidates = [uc.key for uc in playbook.all_use_cases() if matches(uc.criteria, activity)]
    if not candidates:
        return
    progress = load_progress(session, person_id, stage, candidates)
    decision = evaluate(playbook, progress, activity)
    _store(
        session,
        person_id,
        activity.user_id,
        decision,
        activity.occurred_at,
        source="observed",
        event_id=activity.event_id,
        outcome=outcome,
    )


def _bump_counter(session: Session, person_id: int, activity: Activity) -> None:
    session.execute(
        update(Person)
        .where(
            Person.id == person_id, (Person.last_active_at.is_(None)) | (Person.last_active_at < activity.occurred_at)
        )
        .values(last_active_at=activity.occurred_at)
    )
    counter = classify_counter(activity)
    if counter is None:
        return
    day = activity.occurred_at.date()
    values = {"person_id": person_id, "day": day, **{c: 0 for c in COUNTER_COLUMNS}}
    values[counter] = 1
    if not insert_ignore(session, DailyActivity, values, conflict=["person_id", "day"]):
        column = getattr(DailyActivity, counter)
        session.execute(
            update(DailyActivity)
            .where(DailyActivity.person_id == person_id, DailyActivity.day == day)
            .values({counter: column + 1})
        )


COUNTER_COLUMNS = ("messages", "replies", "reactions", "files", "apps", "bot_dms")


def load_progress(session: Session, person_id: int, stage: int, keys: Iterable[str] | None = None) -> PersonProgress:
    """The engine's view of a person: done use cases, stage, and earlier match times (for `keys` only)."""
    completed = frozenset(
        session.scalars(
            select(Completion.use_case_key).where(Completion.person_id == person_id, Completion.status == "done")
        )
    )
    matches_by_key: dict[str, tuple[datetime, ...]] = {}
    wanted = [k for k in (keys or ()) if k not in completed]
    if wanted:
        for key, at in session.execute(
            select(CriterionHit.use_case_key, CriterionHit.occurred_at).where(
                CriterionHit.person_id == person_id, CriterionHit.use_case_key.in_(wanted)
            )
        ):
            matches_by_key[key] = (*matches_by_key.get(key, ()), at)
    return PersonProgress(completed=completed, stage=stage, matches=matches_by_key)


def _store(
    session: Session,
    person_id: int,
    slack_user_id: str,
    decision: Decision,
    at: datetime,
    *,
    source: str,
    event_id: str | None,
    outcome: Outcome,
    confirmed_by: str | None = None,
) -> None:
    for key in decision.hits:
        insert_ignore(
            session,
            CriterionHit,
            {
                "person_id": person_id,
                "use_case_key": key,
                "event_id": event_id or f"{source}:{at.isoformat()}",
                "occurred_at": at,
            },
            conflict=["person_id", "use_case_key", "event_id"],
        )
    for key in decision.completed:
        _complete(session, person_id, key, at, source=source, event_id=event_id, confirmed_by=confirmed_by)
        enqueue(
            session,
            person_id=person_id,
            kind="celebrate",
            idempotency_key=f"celebrate:{person_id}:{key}",
            due_at=at,
            payload={"use_case": key},
        )
        outcome.completed.append((slack_user_id, key))
        outcome.progressed.add(slack_user_id)
    if decision.stage_reached:
        session.execute(
            update(Person)
            .where(Person.id == person_id, Person.current_stage < decision.stage_reached)
            .values(current_stage=decision.stage_reached, stage_reached_at=at)
        )
        enqueue(
            session,
            person_id=person_id,
            kind="celebrate",
            idempotency_key=f"celebrate-stage:{person_id}:{decision.stage_reached}",
            due_at=at,
            payload={"stage": decision.stage_reached},
        )


def _complete(
    session: Session,
    person_id: int,
    key: str,
    at: datetime,
    *,
    source: str,
    event_id: str | None,
    confirmed_by: str | None,
) -> None:
    values = {
        "person_id": person_id,
        "use_case_key": key,
        "status": "done",
        "source": source,
        "event_id": event_id,
        "confirmed_by": confirmed_by,
        "completed_at": at,
    }
    if not insert_ignore(session, Completion, values, conflict=["person_id", "use_case_key"]):
        # A pending self-report becomes done; a done completion never changes (no moving backwards).
        session.execute(
            update(Completion)
            .where(Completion.person_id == person_id, Completion.use_case_key == key, Completion.status == "pending")
            .values(status="done", source=source, confirmed_by=confirmed_by, completed_at=at)
        )


def person_progress(session: Session, person: Person) -> PersonProgress:
    return load_progress(session, person.id, person.current_stage)


def complete_by(
    session: Session,
    *,
    playbook: Playbook,
    person: Person,
    use_case_key: str,
    source: str,
    now: datetime,
    confirmed_by: str | None = None,
) -> Outcome:
    """Complete a use case by a verified self-report, an ambassador's confirmation or an import."""
    progress = person_progress(session, person)
    self_reported = use_case_key in playbook.ladder_index and playbook.use_case(use_case_key).criteria.self_report
    decision = (
        complete_self_report(playbook, progress, use_case_key)
        if self_reported
        else complete_use_case(playbook, progress, use_case_key)
    )
    outcome = Outcome()
    _store(
        session,
        person.id,
        person.slack_user_id,
        decision,
        now,
        source=source,
        event_id=None,
        outcome=outcome,
        confirmed_by=confirmed_by,
    )
    return outcome


def mark_pending(session: Session, *, person: Person, use_case_key: str, now: datetime) -> bool:
    """A self-report waiting for its ambassador; False when it is already pending or done."""
    return insert_ignore(
        session,
        Completion,
        {
            "person_id": person.id,
            "use_case_key": use_case_key,
            "status": "pending",
            "source": "self_report",
            "event_id": None,
            "confirmed_by": None,
            "completed_at": now,
        },
        conflict=["person_id", "use_case_key"],
    )


def confirm_completion(
    session: Session, *, playbook: Playbook, person: Person, use_case_key: str, confirmed_by: str, now: datetime
) -> Outcome:
    """An ambassador confirms a use case (pending self-report or not): done, celebrated once."""
    return complete_by(
        session,
        playbook=playbook,
        person=person,
        use_case_key=use_case_key,
        source="ambassador",
        now=now,
        confirmed_by=confirmed_by,
    )


def with_channel_name(activity: Activity, name: str | None) -> Activity:
    return replace(activity, channel_name=name) if name else activity
