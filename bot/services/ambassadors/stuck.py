"""People who stopped moving: enrolled, idle, below the last stage — for the ambassador to help."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.playbook import Playbook
from bot.services.ambassadors.status import members_query
from bot.services.metrics import active_days
from models import Completion, Person, WaveMembership


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
        active = active_days()
        last_day: dict[int, date] = dict(
            session.execute(
                select(active.c.pid, func.max(active.c.day)).where(active.c.pid.in_(members)).group_by(active.c.pid)
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
