"""Moving one person up the ladder by other means than observed events: self-reports and confirmations.

Observed events are recorded in batches by bot/ingest/batch.py; both paths write through the same
`ProgressWrites`, so a completion is stored, the stage advanced and the celebration queued the same way.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import insert_ignore
from bot.domain.progression import PersonProgress, apply, complete_self_report, complete_use_case, next_use_case
from bot.ingest.batch import Outcome, ProgressWrites, load_progress_many
from bot.playbook import Playbook
from models import Completion, DailyActivity, Person


def person_progress(session: Session, person: Person) -> PersonProgress:
    return load_progress_many(session, {person.id: person.current_stage})[person.id]


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
    decide = complete_self_report if self_reported else complete_use_case
    decision = decide(playbook, progress, use_case_key)
    upcoming = next_use_case(playbook, apply(progress, decision, now))
    writes, outcome = ProgressWrites(now=now), Outcome()
    writes.add(
        person.id,
        person.slack_user_id,
        decision,
        now,
        source=source,
        event_id=None,
        confirmed_by=confirmed_by,
        next_key=upcoming.key if upcoming else None,
    )
    writes.flush(session, outcome)
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


def used_an_app(session: Session, slack_user_id: str) -> bool:
    """Whether Coach has observed this person use another app or a workflow (`app_used`, counted per day)."""
    return bool(
        session.scalar(
            select(DailyActivity.id)
            .join(Person, Person.id == DailyActivity.person_id)
            .where(Person.slack_user_id == slack_user_id, DailyActivity.apps > 0)
            .limit(1)
        )
    )
