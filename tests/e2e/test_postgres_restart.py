"""PostgreSQL drops every connection of the app, again and again, under load (what a restart does to clients):
`coach worker` and `coach serve` recover on their own — no process restarts — and lose nothing."""

from __future__ import annotations

import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.simslack import FakeSlack
from tests.e2e.test_nudges_processes import (
    _always_open_playbook,
    _env,
    _posts_per_nudge,
    _seed,
    _states,
    _workers,
)
from tests.ingest.test_kill_durability import EVENTS, _bodies, _counted, _send_all, _serve
from tests.ingest.test_kill_durability import fake as fake


def _wait_all_sent(db_url: str, n: int, procs: list[subprocess.Popen[bytes]], timeout: float) -> None:
    """Like the process tests' wait, but the checker's own connection may be dropped too."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if _states(db_url)["sent"] == n:
                return
        except OperationalError:
            pass
        for proc in procs:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else "worker exited"
        time.sleep(0.5)
    raise AssertionError(f"not all sent within {timeout}s: {_states(db_url)}")


def _drop_connections(db_url: str, stop: threading.Event, every: float, counter: list[int]) -> None:
    """pg_terminate_backend on every connection to the app's database, every `every` seconds."""
    name = make_url(db_url).database
    admin = create_engine(make_url(db_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        while not stop.wait(every):
            with admin.connect() as conn:
                killed = conn.execute(
                    text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :d"),
                    {"d": name},
                ).scalar()
            counter.append(int(killed or 0))
    finally:
        admin.dispose()


@pytest.mark.postgres
@pytest.mark.benchmark  # 30-40 s each on the 2-core box; docs/benchmarks.md
@pytest.mark.timeout(240)
def test_workers_deliver_everything_once_while_postgres_drops_their_connections(
    postgres_url: str, tmp_path: Path
) -> None:
    n = 600
    with FakeSlack() as fake_slack:
        ids = _seed(postgres_url, fake_slack, n)
        fake_slack.rate_limits.set("chat.postMessage", limit=300, window_seconds=1)  # ~5 s of delivery
        env = _env(fake_slack, postgres_url, _always_open_playbook(tmp_path))
        stop, killed = threading.Event(), []
        with _workers(2, env, tmp_path) as procs:
            while _states(postgres_url)["sent"] < 50:  # under load: both workers started and delivering
                assert all(proc.poll() is None for proc in procs)
                time.sleep(0.05)
            dropper = threading.Thread(target=_drop_connections, args=(postgres_url, stop, 0.4, killed))
            dropper.start()
            try:
                _wait_all_sent(postgres_url, n, procs, timeout=200)  # also fails if a worker exited
            finally:
                stop.set()
                dropper.join()
            assert all(proc.poll() is None for proc in procs)
        assert sum(killed) >= 4, killed  # connections really were dropped under load
        assert _posts_per_nudge(fake_slack) == Counter(dict.fromkeys(ids, 1))
        assert fake_slack.retry_after_violations == []


@pytest.mark.postgres
@pytest.mark.benchmark  # 30-40 s each on the 2-core box; docs/benchmarks.md
@pytest.mark.timeout(240)
def test_serve_counts_every_event_once_while_postgres_drops_its_connections(
    fake: FakeSlack,
    postgres_url: str,
    tmp_path: Path,
) -> None:
    from bot.db import upgrade_to_head

    upgrade_to_head(postgres_url)
    bodies = _bodies()
    acked: set[str] = set()
    never, stop, killed = threading.Event(), threading.Event(), []
    with _serve(fake, postgres_url, tmp_path) as (proc, url):
        dropper = threading.Thread(target=_drop_connections, args=(postgres_url, stop, 0.3, killed))
        dropper.start()
        try:
            for attempt in range(8):  # Slack redelivers whatever got no 2xx
                missing = [b for b in bodies if b["event_id"] not in acked]
                if not missing:
                    break
                _send_all(url, missing, acked, retry=attempt > 0, stop=never)
                time.sleep(0.5)
        finally:
            stop.set()
            dropper.join()
        assert proc.poll() is None, "coach serve exited"
        assert len(acked) == EVENTS
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if len(_counted(postgres_url)[0]) >= EVENTS:
                    break
            except OperationalError:
                pass
            time.sleep(0.2)
        stored, total = _counted(postgres_url)
    assert sum(killed) >= 3, killed
    assert stored == {b["event_id"] for b in bodies}
    assert total == EVENTS, f"counted {total} activities for {EVENTS} events"
