"""Nudge benchmarks (issue 4): planning 100,000 enrolled people; delivering 10,000 DMs under a rate limit.

Run: `uv run pytest -m benchmark benchmarks/bench_nudges.py -s` (add COACH_TEST_POSTGRES_URL for PostgreSQL).
Each test prints one result line; docs/benchmarks.md ("Nudges") records a run.
"""

from __future__ import annotations

import math
import os
import random
import time
import tracemalloc
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from bot.clock import ManualClock
from bot.db import make_engine, make_session_factory, session_scope, upgrade_to_head
from bot.deps import build_deps
from bot.domain.progression import PersonProgress, next_use_case
from bot.playbook import Playbook, default_playbook_path, load_playbook
from bot.simslack import FakeSlack
from bot.slack.gateway import SlackGateway, make_web_client
from models import Completion, NudgeDelivery, Person
from nudges.config import DeliverySettings, cadence_rules
from nudges.outbox import enqueue
from nudges.planner import iso_week, plan
from nudges.worker import DeliveryWorker
from tests.e2e.harness import settings_for
from tests.nudges.factories import active_wave, bulk_people, utc

pytestmark = pytest.mark.benchmark
NOW = utc(2026, 2, 2, 12)
ZONES = ("Asia/Tokyo", "Europe/London", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Adelaide")


@pytest.fixture
def sqlite_db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bench.db'}"


@pytest.fixture
def pg_db() -> Iterator[str]:
    base = os.environ.get("COACH_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("COACH_TEST_POSTGRES_URL is not set")
    url = make_url(base)
    name = f"coach_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _seed_progress(url: str, playbook: Playbook, n: int) -> None:
    """n enrolled people across six zones; about half have started, with random completions."""
    upgrade_to_head(url)
    engine = make_engine(url)
    rng = random.Random(4)
    keys = [uc.key for uc in playbook.all_use_cases()]
    with session_scope(make_session_factory(engine)) as s:
        ids = bulk_people(s, active_wave(s), n, tzs=ZONES, enrolled_at=NOW - timedelta(days=3))
        completions = [
            {"person_id": pid, "use_case_key": key, "status": "done", "source": "observed", "completed_at": NOW}
            for pid in ids
            if rng.random() < 0.5
            for key in keys[: rng.randint(1, len(keys))]
        ]
        for start in range(0, len(completions), 20_000):
            s.execute(insert(Completion), completions[start : start + 20_000])
    engine.dispose()


def _naive_plan(url: str, playbook: Playbook) -> int:
    """Baseline: load everyone, loop in Python with the progression engine, insert row by row."""
    engine = make_engine(url)
    week = iso_week(NOW)
    with session_scope(make_session_factory(engine)) as s:
        done: dict[int, set[str]] = {}
        for pid, key in s.execute(select(Completion.person_id, Completion.use_case_key)):
            done.setdefault(pid, set()).add(key)
        count = 0
        for person in s.scalars(select(Person)):
            step = next_use_case(playbook, PersonProgress(frozenset(done.get(person.id, ())), person.current_stage))
            if step is not None:
                count += enqueue(
                    s,
                    person_id=person.id,
                    kind="next_use_case",
                    idempotency_key=f"naive:{person.id}:{step.key}:{week}",
                    due_at=NOW,
                    subject=step.key,
                )
    engine.dispose()
    return count


def _measure_plan(url: str, playbook: Playbook) -> tuple[float, float, int]:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    tracemalloc.start()
    started = time.perf_counter()
    with session_scope(factory) as s:
        report = plan(s, playbook=playbook, rules=cadence_rules(playbook), now=NOW)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    engine.dispose()
    return elapsed, peak, report.total


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_planning_100k(backend: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("sqlite_db" if backend == "sqlite" else "pg_db")
    playbook = load_playbook(default_playbook_path())
    n = 100_000
    _seed_progress(url, playbook, n)
    elapsed, peak, queued = _measure_plan(url, playbook)
    rerun, _, again = _measure_plan(url, playbook)
    started = time.perf_counter()
    naive = _naive_plan(url, playbook)
    naive_elapsed = time.perf_counter() - started
    print(
        f"\nplanning {backend}: {n} enrolled, queued {queued} in {elapsed:.2f} s, peak traced memory {peak:.1f} MB; "
        f"re-run {rerun:.2f} s queued {again}; baseline python loop {naive_elapsed:.2f} s ({naive} rows)"
    )
    assert queued == naive and again == 0
    assert elapsed <= 2.0 and peak <= 300


def _delivery_run(tmp_path: Path, n: int, limit: int, window: float, *, baseline: bool) -> dict[str, float]:
    url = f"sqlite:///{tmp_path / ('base' if baseline else 'worker')}.db"
    upgrade_to_head(url)
    with FakeSlack() as fake:
        fake.rate_limits.set("chat.postMessage", limit=limit, window_seconds=window)
        for i in range(n):
            fake.add_user(f"U{i:08d}", name=f"u{i}", tz="Europe/London")
        deps = build_deps(
            settings_for(fake, url), clock=ManualClock(NOW), playbook=load_playbook(default_playbook_path())
        )
        with session_scope(deps.session_factory) as s:
            ids = bulk_people(s, active_wave(s), n, tzs=("Europe/London",))
            s.execute(
                insert(NudgeDelivery),
                [
                    {
                        "person_id": pid,
                        "kind": "ambassador",
                        "idempotency_key": f"a:{pid}",
                        "due_at": NOW,
                        "state": "pending",
                        "attempts": 0,
                        "payload": {"message": "Weekly reports now live in #proj-weekly."},
                    }
                    for pid in ids
                ],
            )
        started = time.perf_counter()
        if baseline:  # slack-sdk's own 429 handler, a plain loop, no database, no rules
            gateway = SlackGateway(make_web_client(fake.bot_token, fake.api_url, retries=100))
            for i in range(n):
                gateway.post_message(
                    f"U{i:08d}", "hi", metadata={"event_type": "coach_nudge", "event_payload": {"nudge_id": i}}
                )
        else:
            worker = DeliveryWorker(deps, settings=DeliverySettings(batch_size=50, tick_budget_seconds=3600))
            report = worker.tick()
            assert report.sent == n
        elapsed = time.perf_counter() - started
        posts = Counter(
            c.args["metadata"]["event_payload"]["nudge_id"]
            for c in fake.calls_to("chat.postMessage")
            if c.status == 200 and c.response.get("ok")
        )
        result = {
            "elapsed": elapsed,
            "sent": len(posts),
            "duplicates": sum(v - 1 for v in posts.values()),
            "lost": n - len(posts),
            "429s": len(fake.rate_limited),
            "violations": len(fake.retry_after_violations),
        }
        deps.engine.dispose()
    ideal = window * (math.ceil(n / limit) - 1)  # a perfect client: a full window's burst at each window start
    result["of_allowed"] = (n / result["elapsed"]) / (limit / window)
    result["of_perfect"] = ideal / result["elapsed"]
    return result


def test_delivery_10k_under_rate_limit(tmp_path: Path) -> None:
    n, limit, window = 10_000, 1_000, 10.0
    ours = _delivery_run(tmp_path, n, limit, window, baseline=False)
    base = _delivery_run(tmp_path, n, limit, window, baseline=True)
    for name, r in (("worker", ours), ("baseline", base)):
        print(
            f"\ndelivery {name}: {n} DMs, limit {limit}/{window:g}s: {r['elapsed']:.1f} s "
            f"({n / r['elapsed']:.1f}/s = {100 * r['of_allowed']:.1f}% of the allowed {limit / window:g}/s; "
            f"{100 * r['of_perfect']:.0f}% of a perfect client), lost {r['lost']}, "
            f"duplicates {r['duplicates']}, 429s {r['429s']}, Retry-After violations {r['violations']}"
        )
    assert ours["lost"] == ours["duplicates"] == ours["violations"] == 0
    assert ours["of_allowed"] >= 0.9
