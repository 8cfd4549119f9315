"""Small builders for nudge tests: people in an active wave, completions, sent history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models import Completion, NudgeDelivery, Person, Wave, WaveMembership


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def active_wave(session: Session, name: str = "pilot", *, state: str = "active", **extra: Any) -> Wave:
    extra.setdefault("phase", "change")  # the phase where every planned kind may go out (nudges/phases.py)
    wave = Wave(name=name, state=state, **extra)
    session.add(wave)
    session.flush()
    return wave


def person(
    session: Session, user_id: str, *, wave: Wave | None = None, enrolled_at: datetime | None = None, **fields: Any
) -> Person:
    fields.setdefault("display_name", user_id.lower())
    fields.setdefault("opted_out_kinds", [])
    p = Person(slack_user_id=user_id, **fields)
    session.add(p)
    session.flush()
    if wave is not None:
        session.add(WaveMembership(wave_id=wave.id, person_id=p.id, enrolled_at=enrolled_at or utc(2026, 1, 1)))
        session.flush()
    return p


def complete(session: Session, p: Person, keys: Iterable[str], *, at: datetime | None = None) -> None:
    for key in keys:
        session.add(Completion(person_id=p.id, use_case_key=key, source="observed", completed_at=at or utc(2026, 1, 1)))
    session.flush()


def sent(
    session: Session, p: Person, kind: str, at: datetime, *, interacted: bool = False, subject: str | None = None
) -> NudgeDelivery:
    row = NudgeDelivery(
        person_id=p.id,
        kind=kind,
        subject=subject,
        idempotency_key=f"test:{p.id}:{kind}:{at.isoformat()}",
        due_at=at,
        state="sent",
        attempts=1,
        payload={},
        sent_at=at,
        interacted_at=at + timedelta(minutes=5) if interacted else None,
    )
    session.add(row)
    session.flush()
    return row


def bulk_people(
    session: Session,
    wave: Wave,
    n: int,
    *,
    tzs: tuple[str, ...] = ("UTC",),
    start: int = 0,
    enrolled_at: datetime | None = None,
) -> list[int]:
    """Insert n enrolled people fast (Core inserts, ids U00000000…); used for big planner/worker runs."""
    people = [
        {
            "slack_user_id": f"U{start + i:08d}",
            "display_name": f"user{start + i}",
            "tz": tzs[i % len(tzs)],
            "locale": "en",
            "is_workspace_admin": False,
            "deactivated": False,
            "current_stage": 0,
            "opted_out_kinds": [],
        }
        for i in range(n)
    ]
    session.execute(insert(Person), people)
    first, last = f"U{start:08d}", f"U{start + n:08d}"
    ids = list(session.scalars(select(Person.id).where(Person.slack_user_id >= first, Person.slack_user_id < last)))
    when = enrolled_at or utc(2026, 1, 1)
    session.execute(
        insert(WaveMembership), [{"wave_id": wave.id, "person_id": pid, "enrolled_at": when} for pid in ids]
    )
    session.flush()
    return ids
