"""The metrics tick: today's snapshot written once per slot across replicas, the same rows however often it runs,
and the admin Home reads the snapshot instead of the raw rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.deps import Deps, build_deps
from bot.playbook import Playbook
from bot.services.admin_home import admin_home_state
from bot.simslack import FakeSlack
from models import DailyActivity, JobClaim, MetricRollup, Person
from nudges import scheduler as sched
from nudges.insight_jobs import tick_metrics
from tests.e2e.harness import settings_for


@pytest.fixture
def replicas(fake: FakeSlack, migrated_sqlite: str, clock: ManualClock, playbook: Playbook) -> Iterator[list[Deps]]:
    """Two replicas: two Deps (two engines, two schedulers' worth of state) on one database."""
    built = [build_deps(settings_for(fake, migrated_sqlite), clock=clock, playbook=playbook) for _ in range(2)]
    with session_scope(built[0].session_factory) as s:
        people = [Person(slack_user_id=f"U0P{i:05d}", department=("Sales", "Ops")[i % 2]) for i in range(6)]
        s.add_all(people)
        s.flush()
        for p in people[:3]:
            s.add(DailyActivity(person_id=p.id, day=clock.now().date(), messages=2))
    yield built
    for deps in built:
        deps.engine.dispose()


def _rows(deps: Deps) -> list[tuple[object, ...]]:
    with session_scope(deps.session_factory) as s:
        return [
            (r.day, r.scope, r.key, r.enrolled, r.active, r.adoption, r.detail)
            for r in s.scalars(select(MetricRollup).order_by(MetricRollup.scope, MetricRollup.key))
        ]


def test_two_replicas_and_two_ticks_leave_one_snapshot_per_group(replicas: list[Deps], clock: ManualClock) -> None:
    [spec] = [s for s in sched.JOBS if s.name == "tick_metrics"]
    ticks = [sched.bind(spec, deps, f"replica-{n}") for n, deps in enumerate(replicas)]
    for tick in ticks:  # both fire in the same slot: one runs
        tick()
    first = _rows(replicas[0])
    assert [(scope, key) for _, scope, key, *_ in first] == [
        ("company", "all"),
        ("department", "Ops"),
        ("department", "Sales"),
    ]
    with session_scope(replicas[0].session_factory) as s:
        claim = s.get(JobClaim, "tick_metrics")
        assert claim is not None and claim.holder == "replica-0" and claim.finished_at is not None
    clock.advance(timedelta(minutes=20))  # the next slot, same day: rerun on the other replica, same rows
    ticks[1]()
    tick_metrics(replicas[0])  # and once more directly
    again = _rows(replicas[1])
    assert [row[:6] for row in again] == [row[:6] for row in first]
    assert [row[6] for row in again] == [row[6] for row in first]
    with session_scope(replicas[0].session_factory) as s:
        assert s.scalar(select(func.count()).select_from(MetricRollup)) == 3


def test_the_admin_home_reads_the_snapshot_not_the_raw_rows(
    replicas: list[Deps], clock: ManualClock, playbook: Playbook
) -> None:
    deps = replicas[0]
    with session_scope(deps.session_factory) as s:
        live = admin_home_state(s, playbook=playbook, now=clock.now())
    assert live.as_of is None and live.overall.active == 3  # before the first tick: computed now
    tick_metrics(deps)
    with session_scope(deps.session_factory) as s:
        for p in s.scalars(select(Person)):
            s.add(DailyActivity(person_id=p.id, day=clock.now().date() - timedelta(days=1), messages=1))
    clock.advance(timedelta(minutes=5))
    with session_scope(deps.session_factory) as s:
        home = admin_home_state(s, playbook=playbook, now=clock.now())
    assert home.as_of == clock.now() - timedelta(minutes=5)
    assert home.overall.active == 3 and {d.key: d.enrolled for d in home.departments} == {"Sales": 3, "Ops": 3}
    tick_metrics(deps)  # the next tick catches up
    with session_scope(deps.session_factory) as s:
        assert admin_home_state(s, playbook=playbook, now=clock.now()).overall.active == 6
