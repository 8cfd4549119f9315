"""A department's numbers now and a week ago, for `/coach status` and the digest (rules: bot.services.metrics)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from bot.domain.insights import Scores, Thresholds
from bot.domain.progression import reached_stage
from bot.playbook import Playbook
from bot.services.metrics import (
    IGNITION_LINE,
    IGNITION_STAGE,
    WINDOW_DAYS,
    active_days,
    any_wave,
    enrolled_memberships,
    recently_seen,
)
from bot.services.metrics.scores import department_scores, thresholds
from models import Completion, HelpRequest, Person


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
    scores: Scores | None = None  # Adoption, Maturity, Sentiment, axes, ignition and forecast (bot.domain.insights)
    rules: Thresholds = field(default_factory=Thresholds)


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
    days = active_days(first_day, last_day)
    rows = set(session.scalars(select(days.c.pid).where(days.c.pid.in_(members)).distinct()))
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
    """The department now and a week ago, with its scores, for `/coach status` and the weekly digest."""
    return DepartmentStatus(
        department=department,
        scores=department_scores(session, playbook=playbook, department=department, now=now),
        rules=thresholds(playbook),
        current=department_numbers(session, playbook=playbook, department=department, at=now, current=True),
        week_ago=department_numbers(
            session, playbook=playbook, department=department, at=now - timedelta(days=7), current=False
        ),
    )
