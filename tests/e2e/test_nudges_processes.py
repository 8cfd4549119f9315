"""`coach worker` as real processes: three on one PostgreSQL deliver each nudge once; kill -9 loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from bot.db import make_engine, make_session_factory, session_scope, upgrade_to_head
from bot.playbook import default_playbook_path
from bot.simslack import SIGNING_SECRET, FakeSlack
from models import NudgeDelivery
from nudges.rules import resolve_zone
from tests.nudges.factories import active_wave, bulk_people

CANDIDATE_ZONES = ("UTC", "Asia/Tokyo", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "America/Los_Angeles")


def _daytime_zone() -> str:
    """A zone where it is 01:00-22:00 right now, so the all-day working hours below always apply."""
    now = datetime.now(UTC)
    return next(z for z in CANDIDATE_ZONES if 1 <= now.astimezone(resolve_zone(z)[1]).hour < 22)


def _always_open_playbook(tmp_path: Path) -> Path:
    """The default playbook with working hours all day, every day (these tests run at any hour)."""
    text = default_playbook_path().read_text(encoding="utf-8")
    text = text.replace(
        'working_hours: { start: "10:00", end: "17:00" }', 'working_hours: { start: "00:00", end: "23:59" }'
    )
    text = text.replace(
        "\n  weekdays: [mon, tue, wed, thu, fri]\n", "\n  weekdays: [mon, tue, wed, thu, fri, sat, sun]\n"
    )
    path = tmp_path / "playbook.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _env(fake: FakeSlack, db_url: str, playbook: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACH_", "DATABASE_URL"))}
    return {
        **base,
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": db_url,
        "COACH_PLAYBOOK": str(playbook),
        "COACH_LOG_LEVEL": "WARNING",
    }


def _seed(db_url: str, fake: FakeSlack, n: int) -> list[int]:
    """n people, each with one due ambassador nudge (not a planned kind: no wave or step needed)."""
    upgrade_to_head(db_url)
    engine = make_engine(db_url)
    zone = _daytime_zone()
    now = datetime.now(UTC)
    with session_scope(make_session_factory(engine)) as s:
        person_ids = bulk_people(s, active_wave(s), n, tzs=(zone,))
        s.execute(
            insert(NudgeDelivery),
            [
                {
                    "person_id": pid,
                    "kind": "ambassador",
                    "idempotency_key": f"amb:{pid}",
                    "due_at": now,
                    "state": "pending",
                    "attempts": 0,
                    "payload": {"message": "Our team moved the weekly report to #proj-weekly."},
                }
                for pid in person_ids
            ],
        )
        ids = list(s.scalars(select(NudgeDelivery.id)))
    engine.dispose()
    for i in range(n):
        fake.add_user(f"U{i:08d}", name=f"user{i}", tz=zone)
    return ids


@contextmanager
def _workers(count: int, env: dict[str, str], cwd: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "worker"], env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for _ in range(count)
    ]
    try:
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)


def _states(db_url: str) -> Counter[str]:
    engine = make_engine(db_url)
    with session_scope(make_session_factory(engine)) as s:
        counts = Counter(dict(s.execute(select(NudgeDelivery.state, func.count()).group_by(NudgeDelivery.state)).all()))
    engine.dispose()
    return counts


def _wait_all_sent(db_url: str, n: int, procs: list[subprocess.Popen[bytes]], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _states(db_url)["sent"] == n:
            return
        for proc in procs:
            if proc.poll() is not None:
                raise AssertionError(proc.stdout.read().decode() if proc.stdout else "worker exited")
        time.sleep(0.5)
    raise AssertionError(f"not all sent within {timeout}s: {_states(db_url)}")


def _posts_per_nudge(fake: FakeSlack) -> Counter[int]:
    return Counter(
        call.args["metadata"]["event_payload"]["nudge_id"]
        for call in fake.calls_to("chat.postMessage")
        if call.status == 200 and call.response.get("ok")
    )


@pytest.mark.postgres
@pytest.mark.timeout(240)
def test_three_workers_on_postgres_deliver_each_nudge_exactly_once(postgres_url: str, tmp_path: Path) -> None:
    n = 10_000
    with FakeSlack() as fake:
        ids = _seed(postgres_url, fake, n)
        env = _env(fake, postgres_url, _always_open_playbook(tmp_path))
        with _workers(3, env, tmp_path) as procs:
            _wait_all_sent(postgres_url, n, procs, timeout=150)
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            assert [proc.wait(timeout=30) for proc in procs] == [0, 0, 0]  # clean shutdown
        assert _posts_per_nudge(fake) == Counter(dict.fromkeys(ids, 1))
        engine = make_engine(postgres_url)
        with session_scope(make_session_factory(engine)) as s:
            workers = s.execute(select(NudgeDelivery.claimed_by, func.count()).group_by(NudgeDelivery.claimed_by)).all()
        engine.dispose()
        assert len(workers) == 3, workers  # the work really was shared


def test_kill_9_mid_delivery_then_restart_loses_nothing_and_sends_nothing_twice(
    sqlite_url: str, tmp_path: Path
) -> None:
    n = 80
    with FakeSlack() as fake:
        ids = _seed(sqlite_url, fake, n)
        fake.rate_limits.set("chat.postMessage", limit=25, window_seconds=1)  # slow enough to kill mid-way
        env = _env(fake, sqlite_url, _always_open_playbook(tmp_path))
        with _workers(1, env, tmp_path) as [first]:
            deadline = time.monotonic() + 30
            while len(_posts_per_nudge(fake)) < 30:
                assert time.monotonic() < deadline and first.poll() is None
                time.sleep(0.05)
            fake.fail_next("chat.postMessage", delay=2.0)  # the next post lands after the worker is dead
            while fake.api.faults._queued.get("chat.postMessage"):
                assert time.monotonic() < deadline
                time.sleep(0.005)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        time.sleep(2.5)  # the delayed post completes on Slack's side
        posted_before = set(_posts_per_nudge(fake))
        engine = make_engine(sqlite_url)
        with session_scope(make_session_factory(engine)) as s:
            in_flight = set(s.scalars(select(NudgeDelivery.id).where(NudgeDelivery.state == "sending")))
        engine.dispose()
        assert len(in_flight & posted_before) == 1  # posted, never recorded: only the DM history knows
        with _workers(1, env, tmp_path) as [second]:
            _wait_all_sent(sqlite_url, n, [second], timeout=60)
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=30) == 0
        counts = _posts_per_nudge(fake)
        assert counts == Counter(dict.fromkeys(ids, 1))
        assert fake.retry_after_violations == []
