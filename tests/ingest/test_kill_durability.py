"""`kill -9` under full ingest load: every acknowledged event is counted exactly once after a restart.

A real `coach serve` process (HTTP mode) gets signed events from 8 client threads that record which
event got a 2xx. It is killed with SIGKILL mid-load, then checked: every acked event_id is in the
database (none lost). It is restarted and, as Slack does, everything not acked is redelivered with
X-Slack-Retry-Num until acked; then the counters equal the number of events (none counted twice, even
those committed but killed before their ack).
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

from bot.db import upgrade_to_head
from bot.simslack import SIGNING_SECRET, FakeSlack, SlackDriver
from bot.simslack.payloads import event_callback, message_event, reaction_event
from models import DailyActivity, ProcessedEvent
from tests.e2e.harness import grant_manifest_scopes

EVENTS = 2000
KILL_AFTER_ACKS = 500
CLIENTS = 8
USERS = [f"U0KILL{i:04d}" for i in range(40)]
CHANNELS = {"C0KNEWS01": "company-news", "C0KPROJ01": "proj-apollo"}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database; PostgreSQL skips when COACH_TEST_POSTGRES_URL is unset (fails when unreachable)."""
    url = f"sqlite:///{tmp_path / 'coach.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    upgrade_to_head(url)
    return str(url)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as f:
        grant_manifest_scopes(f)
        for user in USERS:
            f.add_user(user, name=user.lower(), tz="Asia/Tokyo", locale="ja-JP")
        for cid, name in CHANNELS.items():
            f.add_channel(cid, name, USERS)
        yield f


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _serve(fake: FakeSlack, database_url: str, cwd: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACH_", "DATABASE_URL"))}
    env.update(
        SLACK_BOT_TOKEN=fake.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=database_url,
        COACH_LOG_LEVEL="WARNING",
    )
    port = _free_port()
    cmd = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-scheduler"]
    log = (cwd / "serve.log").open("ab")
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1).close()
            break
        except OSError:
            assert proc.poll() is None, "coach serve exited during start-up"
            assert time.monotonic() < deadline, "coach serve did not become healthy"
            time.sleep(0.1)
    try:
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)


def _bodies() -> list[dict[str, Any]]:
    rnd = random.Random(14)
    out = []
    for i in range(EVENTS):
        user, channel = rnd.choice(USERS), rnd.choice(list(CHANNELS))
        if rnd.random() < 0.7:
            event = message_event(user, channel, f"status update {i}")
        else:
            event = reaction_event(user, "eyes", channel, "1700000000.000100")
        out.append(event_callback(event, event_id=f"Ev0KILL{i:06d}"))
    return out


def _send_all(url: str, bodies: list[dict[str, Any]], acked: set[str], *, retry: bool, stop: threading.Event) -> None:
    """Post from CLIENTS threads; event ids that got a 2xx go into `acked`. Connection errors end a thread."""
    lock = threading.Lock()

    def worker(chunk: list[dict[str, Any]]) -> None:
        driver = SlackDriver(url + "/slack/events", SIGNING_SECRET, timeout=5)
        for body in chunk:
            if stop.is_set():
                return
            try:
                resp = driver.post_event(body, retry_num=1 if retry else None)
            except OSError:
                return
            if 200 <= resp.status < 300:
                with lock:
                    acked.add(body["event_id"])

    threads = [threading.Thread(target=worker, args=(bodies[i::CLIENTS],)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _counted(database_url: str) -> tuple[set[str], int]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            ids = set(conn.execute(select(ProcessedEvent.event_id)).scalars())
            cols = DailyActivity.messages + DailyActivity.replies + DailyActivity.reactions
            total = int(conn.execute(select(func.coalesce(func.sum(cols), 0))).scalar() or 0)
    finally:
        engine.dispose()
    return ids, total


def test_kill_9_under_load_loses_no_acked_event_and_counts_retries_once(
    fake: FakeSlack, database_url: str, tmp_path: Path
) -> None:
    bodies = _bodies()
    acked: set[str] = set()
    never = threading.Event()
    with _serve(fake, database_url, tmp_path) as (proc, url):
        killer_done = threading.Event()

        def killer() -> None:
            while len(acked) < KILL_AFTER_ACKS and proc.poll() is None:
                time.sleep(0.001)
            os.kill(proc.pid, signal.SIGKILL)
            killer_done.set()

        threading.Thread(target=killer, daemon=True).start()
        _send_all(url, bodies, acked, retry=False, stop=never)
        assert killer_done.wait(30) and proc.wait(timeout=10) == -signal.SIGKILL
    assert KILL_AFTER_ACKS <= len(acked) < EVENTS, "the kill must land mid-load"

    stored, _ = _counted(database_url)
    assert acked - stored == set(), f"{len(acked - stored)} acknowledged events were lost"

    with _serve(fake, database_url, tmp_path) as (_proc, url):
        for _attempt in range(5):  # Slack retries what it got no 2xx for
            missing = [b for b in bodies if b["event_id"] not in acked]
            if not missing:
                break
            _send_all(url, missing, acked, retry=True, stop=never)
        assert len(acked) == EVENTS
        stored, total = _counted(database_url)
    assert stored == {b["event_id"] for b in bodies}
    assert total == EVENTS, f"counted {total} activities for {EVENTS} events"
