"""Admin Home build time at 100,000 people within 1.5× of its time at 1,000 people, in one run (issue 12 item 2).

Run: uv run pytest -m benchmark benchmarks/bench_admin_rollups.py -s
Both workspaces are seeded the same way (bench_home.py's shape: 100 departments at both sizes, 12 waves, ~35%
active with activity over the window, pulse answers), the metrics tick writes today's snapshot (timed too: it is the
work moved out of the request), then the admin view is built from the database to the finished view dict in a
fresh session each time, alternating the two sizes so both see the same noise.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from bot.db import make_engine, make_session_factory, upgrade_to_head
from bot.playbook import default_playbook_path, load_playbook
from bot.services.admin_home import admin_home_state
from bot.services.callers import load_caller
from bot.services.metrics.rollups import write_rollups
from bot.settings import Settings
from bot.views.admin_home import admin_home
from models import AuditEntry, DailyActivity, Person, PulseResponse, Wave, WaveMembership

NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
RATIO_BAR = 1.5
RUNS = 21
DEPARTMENTS = 100  # the same departments at both sizes: the bar is about people


def seed(factory: sessionmaker[Session], people: int, departments: int) -> None:
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
        rows: dict[type, list[dict[str, object]]] = {
            Person: [],
            WaveMembership: [],
            DailyActivity: [],
            PulseResponse: [],
        }
        for i in range(1, people + 1):
            active = rng.random() < 0.35
            rows[Person].append(
                {
                    "id": i,
                    "slack_user_id": f"U{i:09d}",
                    "display_name": f"person {i}",
                    "department": f"Department {rng.randrange(departments):03d}",
                    "current_stage": rng.choice([0, 1, 1, 2, 2, 3, 4]),
                    "last_active_at": NOW - timedelta(days=rng.randint(0, 20)) if active else None,
                    "deactivated": rng.random() < 0.02,
                }
            )
            wave = waves[i % 4]
            rows[WaveMembership].append(
                {"wave_id": wave.id, "person_id": i, "enrolled_at": NOW, "running": wave.state == "active"}
            )
            if active:
                for back in range(rng.randint(1, 6)):
                    day = (NOW - timedelta(days=back * 3)).date()
                    rows[DailyActivity].append({"person_id": i, "day": day, "messages": 2, "replies": back % 2})
                if rng.random() < 0.2:
                    rows[PulseResponse].append(
                        {"person_id": i, "kind": "pulse", "score": rng.randint(1, 5), "answered_at": NOW}
                    )
        for table, batch in rows.items():
            for start in range(0, len(batch), 20_000):
                s.execute(insert(table), batch[start : start + 20_000])
        s.execute(
            insert(AuditEntry),
            [{"at": NOW, "actor": "U0ADMIN01", "action": "wave.edit", "target": "wave:1"} for _ in range(50)],
        )
        s.commit()


@pytest.mark.benchmark
def test_admin_home_at_100k_is_within_1_5x_of_1k(tmp_path: Path) -> None:
    playbook = load_playbook(default_playbook_path())
    builds = {}
    engines = []
    for people, departments in ((1_000, DEPARTMENTS), (100_000, DEPARTMENTS)):
        url = f"sqlite:///{tmp_path / f'bench{people}.db'}"
        upgrade_to_head(url)
        engine = make_engine(url)
        engines.append(engine)
        factory = make_session_factory(engine)
        started = time.perf_counter()
        seed(factory, people, departments)
        seeded = time.perf_counter() - started
        started = time.perf_counter()
        with factory() as s:
            write_rollups(s, playbook=playbook, now=NOW)
            s.commit()
        tick = time.perf_counter() - started
        print(f"\n{people:>7,} people: seeded in {seeded:.1f} s, metrics tick (snapshot) {tick * 1000:.0f} ms")
        settings = Settings(DATABASE_URL=url)  # type: ignore[call-arg]

        def build(factory: sessionmaker[Session] = factory, settings: Settings = settings) -> None:
            with factory() as s:
                load_caller(s, settings, "U000000001")
                view = admin_home(admin_home_state(s, playbook=playbook, now=NOW, user_id="U000000001"))
                assert len(view["blocks"]) <= 100

        build()  # warm
        builds[people] = build
    wall: dict[int, list[float]] = {n: [] for n in builds}
    for _ in range(RUNS):
        for n, build in builds.items():
            start = time.perf_counter()
            build()
            wall[n].append((time.perf_counter() - start) * 1000)
    medians = {n: statistics.median(times) for n, times in wall.items()}
    for n, times in wall.items():
        print(f"admin view {n:>7,} people: median {medians[n]:.2f} ms  min {min(times):.2f}  max {max(times):.2f}")
    ratio = medians[100_000] / medians[1_000]
    print(f"ratio 100k / 1k: {ratio:.2f} (bar {RATIO_BAR})")
    for engine in engines:
        engine.dispose()
    assert ratio <= RATIO_BAR
