"""Home tab build time at 100,000 people: admin view ≤ 300 ms, employee view ≤ 50 ms (DESIGN.md §7).

Run: uv run pytest -m benchmark benchmarks/bench_home.py -s
"Built" means from the database to the finished view dict: every query plus the Block Kit builder,
in a fresh session each time (publishing is one Slack call on top and is not ours to time). The
baseline, measured in the same run, is a trivial view built after a trivial query.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import make_engine, make_session_factory, upgrade_to_head
from bot.playbook import default_playbook_path, load_playbook
from bot.services.admin_home import admin_home_state
from bot.services.callers import load_caller
from bot.services.home import employee_home_state
from bot.services.metrics.rollups import write_rollups
from bot.services.people import get_person
from bot.settings import Settings
from bot.views.admin_home import admin_home
from bot.views.blocks import header, section
from bot.views.home import employee_home
from models import AuditEntry, DailyActivity, Person, Wave, WaveMembership

PEOPLE = 100_000
DEPARTMENTS = 250
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
ADMIN_BAR_MS = 300
EMPLOYEE_BAR_MS = 50


def seed(factory: sessionmaker[Session]) -> None:
    rng = random.Random(42)
    with factory() as s:
        waves = [
            Wave(name=f"Wave {i}", state=st, phase=ph, schedule={}, selectors={}, phase_started_at=NOW)
            for i, (st, ph) in enumerate(
                [("completed", "done"), ("completed", "done"), ("active", "feedback"), ("active", "change")]
                + [("scheduled", "unfreeze")] * 8
            )
        ]
        s.add_all(waves)
        s.flush()
        people, members, activity = [], [], []
        for i in range(1, PEOPLE + 1):
            active = rng.random() < 0.35
            people.append(
                {
                    "id": i,
                    "slack_user_id": f"U{i:09d}",
                    "display_name": f"person {i}",
                    "department": f"Department {rng.randrange(DEPARTMENTS):03d}",
                    "current_stage": rng.choice([0, 1, 1, 2, 2, 3, 4, 5]),
                    "last_active_at": NOW - timedelta(days=rng.randint(0, 20)) if active else None,
                    "deactivated": rng.random() < 0.02,
                }
            )
            wave = waves[i % 4]
            members.append({"wave_id": wave.id, "person_id": i, "enrolled_at": NOW, "running": wave.state == "active"})
            if active:
                for back in range(rng.randint(1, 4)):
                    activity.append({"person_id": i, "day": (NOW - timedelta(days=back * 2)).date(), "messages": 2})
        for table, rows in ((Person, people), (WaveMembership, members), (DailyActivity, activity)):
            for start in range(0, len(rows), 20_000):
                s.execute(insert(table), rows[start : start + 20_000])  # executemany
        s.execute(
            insert(AuditEntry),
            [{"at": NOW, "actor": "U0ADMIN01", "action": "wave.edit", "target": "wave:1"} for _ in range(50)],
        )
        s.commit()
    with factory() as s:  # the metrics tick's daily snapshot, which the admin Home reads (bench_admin_rollups.py)
        write_rollups(s, playbook=load_playbook(default_playbook_path()), now=NOW)
        s.commit()


def timed(fn: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per run (CPU shows the cost when the machine is shared)."""
    fn()  # warm caches (SQLite page cache, SQLAlchemy compiled statements)
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def report(name: str, measured: tuple[list[float], list[float]]) -> float:
    wall, cpu = sorted(measured[0]), sorted(measured[1])
    p95 = wall[int(len(wall) * 0.95) - 1] if len(wall) >= 20 else wall[-1]
    print(
        f"{name:<36} wall median {statistics.median(wall):8.2f} ms  p95/max {p95:8.2f} ms  "
        f"min {wall[0]:8.2f} ms  cpu median {statistics.median(cpu):8.2f} ms  runs {len(wall)}"
    )
    return statistics.median(wall)


@pytest.mark.benchmark
def test_home_tab_build_time(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    started = time.perf_counter()
    seed(factory)
    print(f"\nseeded {PEOPLE:,} people, memberships and activity in {time.perf_counter() - started:.1f} s")
    playbook = load_playbook(default_playbook_path())
    settings = Settings(DATABASE_URL=url)  # type: ignore[call-arg]
    rng = random.Random(1)

    def baseline() -> object:
        with factory() as s:
            s.execute(select(1)).scalar()
            return {"type": "home", "blocks": [header("Hello"), section("world")]}

    def admin() -> object:
        with factory() as s:
            load_caller(s, settings, "U000000001")
            view = admin_home(admin_home_state(s, playbook=playbook, now=NOW))
            assert len(view["blocks"]) <= 100
            return view

    def employee() -> object:
        uid = f"U{rng.randint(1, PEOPLE):09d}"
        with factory() as s:
            load_caller(s, settings, uid)
            person = get_person(s, uid)
            assert person is not None
            return employee_home(employee_home_state(s, playbook, person))

    base = report("baseline (SELECT 1 + trivial view)", timed(baseline, 50))
    admin_ms = report(f"admin view, {PEOPLE:,} people", timed(admin, 21))
    employee_ms = report(f"employee view, {PEOPLE:,} people", timed(employee, 200))
    engine.dispose()
    print(f"admin/baseline ×{admin_ms / base:.0f}, employee/baseline ×{employee_ms / base:.1f}")
    assert admin_ms <= ADMIN_BAR_MS
    assert employee_ms <= EMPLOYEE_BAR_MS
