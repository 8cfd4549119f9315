"""The one definition of the rollout's numbers (seed 001/002), read by the admin Home, `/coach status` and digests.

Definitions (DESIGN.md §1: "per department ignition: share of people active at stage ≥ 2 against a 20% line";
Adoption = logins/activity), counted with set-based SQL:
- enrolled: people not deactivated with a membership in a wave that is under way (state active or paused — a
  wave paused at its feedback gate is still running). While no wave exists at all, everyone counts (a small
  company can use Coach without waves). A department's enrolled people are the enrolled people in it.
- active: any DailyActivity counter > 0 — or a day Slack's member analytics import marks active — on one of the
  7 UTC days ending today, or `Person.last_active_at`
  within the last 7 days (an event Coach saw but does not count). For a past date (the week-ago trend) only the
  counters are used: `last_active_at` holds the latest activity, not its history.
- stages: how many enrolled people are at each stage (Maturity).
- ignition: share of enrolled people who are active AND at stage ≥ 2, against the 20% line (seed 002: once a
  fifth of a group is positive and active, the majority follows).
A department is red when its ignition is under the line or most of its members show no activity.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, null, or_, select, true, union_all
from sqlalchemy.orm import Session

from models import DailyActivity, ImportedActivity, Person, Wave, WaveMembership

IGNITION_LINE = 0.20
IGNITION_STAGE = 2
INACTIVE_RED_SHARE = 0.5
WINDOW_DAYS = 7
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


@dataclass(frozen=True)
class GroupKpi:
    """KPIs of one group (a wave or a department)."""

    key: str
    enrolled: int = 0
    active: int = 0
    ignited: int = 0
    stages: dict[int, int] = field(default_factory=dict)

    @property
    def adoption(self) -> float:
        return self.active / self.enrolled if self.enrolled else 0.0

    @property
    def ignition(self) -> float:
        return self.ignited / self.enrolled if self.enrolled else 0.0

    @property
    def reasons(self) -> tuple[str, ...]:
        return red_reasons(self.enrolled, self.active, self.ignited)

    @property
    def red(self) -> bool:
        return bool(self.reasons)


def pct(share: float) -> int:
    """Whole percent rounded down, so 19.9% never reads as "20% < 20%"."""
    return int(share * 100 + 1e-9)


def red_reasons(enrolled: int, active: int, ignited: int) -> tuple[str, ...]:
    """Why a group is falling behind, in the words the admin sees (empty when it is on track)."""
    if enrolled == 0:
        return ()
    reasons: list[str] = []
    ignition = ignited / enrolled
    if ignition < IGNITION_LINE:
        reasons.append(f"ignition {pct(ignition)}% < {pct(IGNITION_LINE)}%")
    inactive = (enrolled - active) / enrolled
    if inactive > INACTIVE_RED_SHARE:  # most members silent
        reasons.append(f"no activity from {pct(inactive)}% of members")
    return tuple(reasons)


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


def _grouped(group_col: Any, now: datetime) -> Select[Any]:
    active = active_condition(now)
    return select(
        group_col,
        Person.current_stage,
        func.count(),
        func.sum(case((active, 1), else_=0)),
    ).group_by(group_col, Person.current_stage)


def _fold(rows: Iterable[Any], label: Any = str) -> dict[Any, GroupKpi]:
    acc: dict[Any, dict[str, Any]] = {}
    for key, stage, count, active in rows:
        entry = acc.setdefault(key, {"enrolled": 0, "active": 0, "ignited": 0, "stages": {}})
        entry["enrolled"] += int(count)
        entry["active"] += int(active or 0)
        if stage >= IGNITION_STAGE:
            entry["ignited"] += int(active or 0)
        if count:
            entry["stages"][int(stage)] = entry["stages"].get(int(stage), 0) + int(count)
    return {k: GroupKpi(key=label(k), **v) for k, v in acc.items()}


def wave_kpis(session: Session, *, now: datetime, wave_ids: Iterable[int] | None = None) -> dict[int, GroupKpi]:
    """wave id → KPIs of its members (keyed by the wave's name)."""
    stmt = (
        _grouped(WaveMembership.wave_id, now)
        .join(Person, Person.id == WaveMembership.person_id)
        .where(Person.deactivated.is_(False))
    )
    if wave_ids is not None:
        stmt = stmt.where(WaveMembership.wave_id.in_(list(wave_ids)))
    names = {int(wid): str(name) for wid, name in session.execute(select(Wave.id, Wave.name))}
    folded = _fold(session.execute(stmt), label=lambda wid: names.get(wid, str(wid)))
    return {int(k): v for k, v in folded.items()}


def department_kpis(session: Session, *, now: datetime, wave_id: int | None = None) -> list[GroupKpi]:
    """KPIs per department of the people enrolled (in `wave_id`, or in any wave), red ones first."""
    department = func.coalesce(Person.department, NO_DEPARTMENT)
    if wave_id is not None:
        members: ColumnElement[bool] = exists().where(
            and_(WaveMembership.person_id == Person.id, WaveMembership.wave_id == wave_id)
        )
    else:
        members = enrolled_condition(session)
    stmt = _grouped(department, now).where(Person.deactivated.is_(False), members)
    rows = list(_fold(session.execute(stmt)).values())
    return sorted(rows, key=lambda k: (not k.red, k.ignition, k.key))


def overall(session: Session, *, now: datetime) -> GroupKpi:
    """KPIs over everyone enrolled (each person once)."""
    stmt = _grouped(func.coalesce(Person.department, NO_DEPARTMENT), now).where(
        Person.deactivated.is_(False), enrolled_condition(session)
    )
    rows = (("all", stage, count, active) for _, stage, count, active in session.execute(stmt))
    return _fold(rows).get("all", GroupKpi(key="all"))


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


@dataclass(frozen=True)
class Snapshot:
    """Everything the admin Home shows about the rollout's numbers, from two set-based passes."""

    departments: list[GroupKpi]  # enrolled people, per department, red first
    running_waves: dict[int, GroupKpi]  # members of each active/paused wave
    overall: GroupKpi
    people: PeopleCounts


def _recently_active(now: datetime) -> Any:
    """People active on a day of the window (`active_days`: observed counters or imported analytics)."""
    since_day, _ = active_day_range(now)
    days = active_days(since_day)
    return select(days.c.pid).group_by(days.c.pid).subquery()


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


def snapshot(session: Session, *, now: datetime) -> Snapshot:
    """Department, running-wave and overall KPIs for the admin Home at any workspace size.

    One pass: memberships walked once per person (ordered by the covering person index), people joined
    by primary key, the window's DailyActivity rows grouped once and joined. Same definitions as
    `department_kpis` / `wave_kpis` / `people_counts` (tested equal).
    """
    per_person = enrolled_people(session)
    recent = _recently_active(now)
    active = case((or_(recently_seen(now), recent.c.pid.is_not(None)), 1), else_=0)
    rows = session.execute(
        select(Person.department, Person.current_stage, per_person.c.wave, active, func.count())
        .join_from(per_person, Person, Person.id == per_person.c.pid)
        .outerjoin(recent, recent.c.pid == Person.id)
        .where(Person.deactivated.is_(False))
        .group_by(Person.department, Person.current_stage, per_person.c.wave, active)
    ).all()
    return _assemble(list(rows), session)


def _assemble(rows: list[Any], session: Session) -> Snapshot:
    by_dept: list[tuple[Any, int, int, int]] = []  # (key, stage, count, active) rows for _fold
    by_wave: list[tuple[Any, int, int, int]] = []
    for dept, stage, wave, is_active, count in rows:
        by_dept.append((dept or NO_DEPARTMENT, stage, count, count if is_active else 0))
        if wave is not None:
            by_wave.append((wave, stage, count, count if is_active else 0))
    departments = sorted(_fold(by_dept).values(), key=lambda k: (not k.red, k.ignition, k.key))
    waves = {int(k): v for k, v in _fold(by_wave).items()}
    overall = _fold(("all", stage, count, active) for _, stage, count, active in by_dept).get("all", GroupKpi("all"))
    total = int(session.scalar(select(func.count()).select_from(Person).where(Person.deactivated.is_(False))) or 0)
    in_running = sum(k.enrolled for k in waves.values())
    return Snapshot(departments, waves, overall, PeopleCounts(total, in_running, total - overall.enrolled))
