"""What Coach keeps about a person, shown to them in full, and deleted for real on request."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models import (
    Completion,
    CriterionHit,
    DailyActivity,
    HelpRequest,
    NudgeDelivery,
    Person,
    PulseResponse,
    Role,
    WaveMembership,
)


@dataclass(frozen=True)
class StoredData:
    """Everything stored about one person, grouped as the modal shows it."""

    profile: dict[str, str]
    roles: list[str]
    completions: list[tuple[str, str, str, str]]  # key, status, source, date
    activity_days: int
    activity_totals: dict[str, int]
    matches: int
    nudges: int
    help_requests: int
    pulse_answers: int
    waves: int
    extra: dict[str, str] = field(default_factory=dict)


COUNTERS = ("messages", "replies", "reactions", "files", "apps", "bot_dms")


def _iso(value: datetime | None) -> str:
    return value.date().isoformat() if value else "—"


def describe(session: Session, person: Person) -> StoredData:
    """Read every table that refers to the person; nothing else about them exists."""

    def count(model: Any, column: Any) -> int:
        return int(session.scalar(select(func.count()).select_from(model).where(column == person.id)) or 0)

    totals = session.execute(
        select(func.count(), *[func.coalesce(func.sum(getattr(DailyActivity, c)), 0) for c in COUNTERS]).where(
            DailyActivity.person_id == person.id
        )
    ).one()
    return StoredData(
        profile={
            "slack_user_id": person.slack_user_id,
            "display_name": person.display_name or "—",
            "department": person.department or "—",
            "locale": person.locale + (f" (override: {person.locale_override})" if person.locale_override else ""),
            "time_zone": person.tz,
            "stage": str(person.current_stage),
            "last_active": _iso(person.last_active_at),
            "snoozed_until": _iso(person.snoozed_until),
            "opted_out": ", ".join(person.opted_out_kinds or []) or "—",
        },
        roles=[f"{r.role}{' (' + r.department + ')' if r.department else ''}" for r in person.roles],
        completions=[
            (c.use_case_key, c.status, c.source, _iso(c.completed_at))
            for c in session.scalars(
                select(Completion).where(Completion.person_id == person.id).order_by(Completion.completed_at)
            )
        ],
        activity_days=int(totals[0]),
        activity_totals={c: int(v) for c, v in zip(COUNTERS, totals[1:], strict=True)},
        matches=count(CriterionHit, CriterionHit.person_id),
        nudges=count(NudgeDelivery, NudgeDelivery.person_id),
        help_requests=count(HelpRequest, HelpRequest.asker_id),
        pulse_answers=count(PulseResponse, PulseResponse.person_id),
        waves=count(WaveMembership, WaveMembership.person_id),
    )


def erase(session: Session, person: Person) -> None:
    """Delete the person and every row that refers to them (explicitly, not trusting FK cascades on SQLite)."""
    for model, column in (
        (CriterionHit, CriterionHit.person_id),
        (Completion, Completion.person_id),
        (DailyActivity, DailyActivity.person_id),
        (NudgeDelivery, NudgeDelivery.person_id),
        (PulseResponse, PulseResponse.person_id),
        (WaveMembership, WaveMembership.person_id),
        (HelpRequest, HelpRequest.asker_id),
        (Role, Role.person_id),
    ):
        session.execute(delete(model).where(column == person.id))
    session.execute(delete(Person).where(Person.id == person.id))
    session.expunge(person)
