"""Event ingest in HTTP mode on SQLite, against a bare Bolt app that only acks, measured in the same run.

Both servers run as separate processes (waitress, 8 threads); the load generator sends signed Events API
requests over keep-alive connections from several threads. For Coach we also wait until every event is
recorded, so the number is *sustained* throughput, not just acks.

    uv run pytest -m benchmark benchmarks/bench_ingest.py -s
    BENCH_INGEST_ROUNDS=3 BENCH_INGEST_EVENTS=3000 BENCH_INGEST_CLIENTS=32 uv run pytest -m benchmark …
"""

from __future__ import annotations

import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from bot.simslack import SIGNING_SECRET, FakeSlack, SlackDriver
from bot.simslack.payloads import event_callback, member_joined, message_event, reaction_event
from models import DailyActivity

EVENTS = int(os.environ.get("BENCH_INGEST_EVENTS", "6000"))
# Concurrent keep-alive connections of the load generator (Slack delivers events concurrently; each client
# is closed-loop, so more clients means more events in flight to share a commit).
CLIENTS = int(os.environ.get("BENCH_INGEST_CLIENTS", "8"))
# Web threads of both servers (the same number for each, so the pair stays comparable).
THREADS = int(os.environ.get("BENCH_INGEST_THREADS", "8"))
USERS = [f"U0BENCH{i:04d}" for i in range(200)]
CHANNELS = {"C0BNEWS01": "company-news", "C0BPROJ01": "proj-apollo", "C0BPROJ02": "proj-zeus", "C0BDEPT01": "dept-ops"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(cmd: list[str], port: int, env: dict[str, str], cwd: Path) -> Iterator[str]:
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if os.environ.get("BENCH_PROFILE") and "bot" in cmd:
        subprocess.Popen(
            [
                str(Path(sys.executable).parent / "py-spy"),
                "record",
                "-o",
                os.environ["BENCH_PROFILE"],
                "--format",
                "speedscope",
                "-p",
                str(proc.pid),
                "-d",
                "25",
                "--nonblocking",
            ]
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.1)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _events(n: int, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        user, channel = rnd.choice(USERS), rnd.choice(list(CHANNELS))
        roll = rnd.random()
        if roll < 0.6:
            ev = message_event(user, channel, f"status update {i}")
        elif roll < 0.8:
            ev = message_event(user, channel, f"reply {i}", thread_ts="1700000000.000100")
        elif roll < 0.97:
            ev = reaction_event(user, "eyes", channel, "1700000000.000100")
        else:
            ev = member_joined(user, channel)
        out.append(event_callback(ev))
    return out


def _drive(url: str, bodies: list[dict]) -> tuple[float, list[float]]:
    """Send every body once; returns wall time and per-request ack latencies."""
    latencies: list[float] = []
    lock = threading.Lock()
    chunks = [bodies[i::CLIENTS] for i in range(CLIENTS)]

    def worker(chunk: list[dict]) -> None:
        driver = SlackDriver(url + "/slack/events", SIGNING_SECRET)
        mine = []
        for body in chunk:
            resp = driver.post_event(body)
            assert resp.status == 200, resp
            mine.append(resp.elapsed)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


ROUNDS = int(os.environ.get("BENCH_INGEST_ROUNDS", "5"))


@pytest.mark.benchmark
def test_ingest_throughput_against_bare_bolt(tmp_path: Path) -> None:
    """Both servers run side by side; rounds alternate bare → coach so machine noise hits both alike."""
    with FakeSlack() as fake:
        for user in USERS:
            fake.add_user(user, name=user.lower(), tz="Asia/Tokyo", locale="ja-JP")
        for cid, name in CHANNELS.items():
            fake.add_channel(cid, name, USERS)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACH_", "DATABASE_URL"))}
        env.update(
            SLACK_BOT_TOKEN=fake.bot_token,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.api_url,
            DATABASE_URL=f"sqlite:///{tmp_path / 'coach.db'}",
            COACH_LOG_LEVEL="WARNING",
        )
        bare_port, coach_port = _free_port(), _free_port()
        bare_cmd = [
            sys.executable,
            "-m",
            "benchmarks.bare_bolt",
            "--port",
            str(bare_port),
            "--api-url",
            fake.api_url,
            "--signing-secret",
            SIGNING_SECRET,
            "--token",
            fake.bot_token,
            "--threads",
            str(THREADS),
        ]
        coach_cmd = [
            sys.executable,
            "-m",
            "bot",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(coach_port),
            "--no-scheduler",
            "--threads",
            str(THREADS),
        ]
        bare_rates, coach_ack_rates, coach_rates, bare_lat, coach_lat = [], [], [], [], []
        with (
            _server(bare_cmd, bare_port, env, Path.cwd()) as bare,
            _server(coach_cmd, coach_port, env, tmp_path) as coach,
        ):
            _wait_healthy(coach)
            warm = _events(1500, seed=1)  # first sights (users.info, conversations.info) happen here, as in real life
            _drive(bare, warm)
            _drive(coach, warm)
            engine = create_engine(env["DATABASE_URL"])
            _settle(engine, _recorded(engine))
            for round_no in range(ROUNDS):
                bodies = _events(EVENTS, seed=100 + round_no)
                wall, lat = _drive(bare, bodies)
                bare_rates.append(EVENTS / wall)
                bare_lat += lat
                before = _recorded(engine)
                expected = before + sum(1 for b in bodies if b["event"]["type"] != "member_joined_channel")
                start = time.perf_counter()
                wall, lat = _drive(coach, bodies)
                coach_ack_rates.append(EVENTS / wall)
                coach_lat += lat
                while _recorded(engine) < expected and time.perf_counter() - start < 120:
                    time.sleep(0.01)
                coach_rates.append(EVENTS / (time.perf_counter() - start))
                assert _recorded(engine) == expected
            engine.dispose()

    bare_rate, sustained = statistics.median(bare_rates), statistics.median(coach_rates)
    report = {
        "events_per_round": EVENTS,
        "rounds": ROUNDS,
        "clients": CLIENTS,
        "server_threads": THREADS,
        "bare_bolt_ack_rate": [round(r) for r in bare_rates],
        "coach_ack_rate": [round(r) for r in coach_ack_rates],
        "coach_sustained_rate": [round(r) for r in coach_rates],
        "bare_bolt_p99_ms": round(_p(bare_lat, 99) * 1000, 1),
        "coach_p50_ms": round(_p(coach_lat, 50) * 1000, 1),
        "coach_p99_ms": round(_p(coach_lat, 99) * 1000, 1),
        "ratio_median_sustained_vs_bare": round(sustained / bare_rate, 3),
        # Each coach round runs right after a bare round: the ratio within a pair sees the same machine noise.
        "ratio_per_round": [round(c / b, 3) for b, c in zip(bare_rates, coach_rates, strict=True)],
    }
    report["ratio_median_of_pairs"] = statistics.median(report["ratio_per_round"])
    print("\nINGEST", report)
    assert report["coach_p99_ms"] < 100
    assert report["ratio_median_of_pairs"] >= 0.70


def _settle(engine, target: int) -> None:  # type: ignore[no-untyped-def]
    """Wait until the warm-up is fully recorded and the counter stops moving."""
    last, stable_since = -1, time.perf_counter()
    while time.perf_counter() - stable_since < 3.0:
        now = _recorded(engine)
        if now != last:
            last, stable_since = now, time.perf_counter()
        time.sleep(0.05)


def _wait_healthy(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)


def _recorded(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        cols = [DailyActivity.messages, DailyActivity.replies, DailyActivity.reactions]
        return int(conn.execute(select(func.coalesce(func.sum(cols[0] + cols[1] + cols[2]), 0))).scalar() or 0)
