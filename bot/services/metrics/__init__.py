"""Who counts (enrolled, active): the one rule every number of the rollout is built on (seed 001/002).

The scores themselves — Adoption, Maturity, Sentiment, the health axes, ignition and its forecast, red — are
`bot.domain.insights` over the facts `bot.services.metrics.scores` loads; the admin Home reads their daily
snapshot (`bot.services.metrics.rollups`). Formulas: docs/metrics.md. Set-based SQL pieces here:
- enrolled: people not deactivated with a membership in a wave that is under way (state active or paused — a
  wave paused at its feedback gate is still running). While no wave exists at all, everyone counts (a small
  company can use Coach without waves). A department's enrolled people are the enrolled people in it.
- active: any DailyActivity counter > 0 — or a day Slack's member analytics import marks active — on one of the
  7 UTC days ending today, or `Person.last_active_at` within the last 7 days (an event Coach saw but does not
  count). For a past date (the week-ago trend) only the counters are used: `last_active_at` holds the latest
  activity, not its history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, null, or_, select, true, union_all
from sqlalchemy.orm import Session

from bot.domain.insights import ADOPTION_WINDOW_DAYS
from bot.domain.insights import IGNITION_LINE as IGNITION_LINE  # re-exported: status and the rehearsal name it
from bot.domain.insights import IGNITION_STAGE as IGNITION_STAGE
from models import DailyActivity, ImportedActivity, Person, Wave, WaveMembership

WINDOW_DAYS = ADOPTION_WINDOW_DAYS
NO_DEPARTMENT = "(no department)"
RUNNING_WAVE_STATES = ("active", "paused")


def any_wave(session: Session) -> bool:
    """Whether waves are in use at all (before the first one, everyone counts as enrolled)."""
    return session.scalar(select(Wave.id).limit(1)) is not None


def enrolled_memberships(at: datetime | None = None) -> Select[Any]:
    """Person ids with a membership in a running wave (joined by `at`, when given)."""
    query = (
        select(WaveMembership.person_id)
        .join(Wave, Wave.id == WaveMembership.wave_id)
        .where(Wave.state.in_(RUNNING_WAVE_STATES))
    )
    return query if at is None else query.where(WaveMembership.enrolled_at <= at)


def enrolled_condition(session: Session) -> ColumnElement[bool]:
    """SQL: the person counts as enrolled now (see the module docstring)."""
    if not any_wave(session):
        return true()
    return Person.id.in_(enrolled_memberships())


def active_day_range(now: datetime) -> tuple[date, date]:
    """The UTC days of the active window ending on `now`'s day."""
    return (now - timedelta(days=WINDOW_DAYS - 1)).date(), now.date()


def recently_seen(now: datetime) -> ColumnElement[bool]:
    """SQL: Coach saw the person within the window (the non-counter half of "active")."""
    return Person.last_active_at >= now - timedelta(days=WINDOW_DAYS)


def pct(share: float) -> int:
    """Whole percent rounded down, so 19.9% never reads as "20% < 20%"."""
    return int(share * 100 + 1e-9)


def active_days(first_day: date | None = None, last_day: date | None = None) -> Any:
    """Subquery (pid, day) of every day a person did something: a counter Coach observed, or Slack's own member
    analytics saying they were active (imported with `coach analytics import`; it sees what Coach cannot)."""
    observed = select(DailyActivity.person_id.label("pid"), DailyActivity.day.label("day")).where(
        DailyActivity.total > 0
    )
    imported = select(ImportedActivity.person_id.label("pid"), ImportedActivity.day.label("day")).where(
        ImportedActivity.is_active.is_(True)
    )
    if first_day is not None:
        observed, imported = (
            observed.where(DailyActivity.day >= first_day),
            imported.where(ImportedActivity.day >= first_day),
        )
    if last_day is not None:
        observed, imported = (
            observed.where(DailyActivity.day <= last_day),
            imported.where(ImportedActivity.day <= last_day),
        )
    return union_all(observed, imported).subquery("active_days")


def active_condition(now: datetime) -> ColumnElement[bool]:
    """SQL: the person did anything in the last WINDOW_DAYS days."""
    since_day, _ = active_day_range(now)
    days = active_days(since_day)
    return or_(recently_seen(now), Person.id.in_(select(days.c.pid)))


@dataclass(frozen=True)
class PeopleCounts:
    people: int
    in_running_wave: int
    never_enrolled: int


def people_counts(session: Session) -> PeopleCounts:
    """Workspace size and how much of it the rollout has reached."""
    in_any = enrolled_condition(session)
    in_running = exists().where(WaveMembership.person_id == Person.id, WaveMembership.running.is_(True))
    row = session.execute(
        select(
            func.count(),
            func.sum(case((in_running, 1), else_=0)),
            func.sum(case((in_any, 0), else_=1)),
        ).where(Person.deactivated.is_(False))
    ).one()
    return PeopleCounts(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))


def enrolled_people(session: Session) -> Any:
    """Enrolled person ids (`pid`) with the running wave each is in (`wave`), one row per person."""
    if not any_wave(session):
        return select(Person.id.label("pid"), null().label("wave")).subquery()
    return (
        select(
            WaveMembership.person_id.label("pid"),
            func.max(case((WaveMembership.running.is_(True), WaveMembership.wave_id))).label("wave"),
        )
        .join(Wave, Wave.id == WaveMembership.wave_id)
        .where(Wave.state.in_(RUNNING_WAVE_STATES))
        .group_by(WaveMembership.person_id)
        .subquery()
    )
