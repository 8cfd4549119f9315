"""Replicas as real processes on one PostgreSQL: three `coach serve` count each event once wherever it lands;
three `coach worker` share Slack's pace (≥ 90% of the fake's 50/s, every 429 honoured, each nudge once)."""

from __future__ import annotations

import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.db import upgrade_to_head
from bot.simslack import FakeSlack
from tests.e2e.test_nudges_processes import (
    _always_open_playbook,
    _env,
    _posts_per_nudge,
    _seed,
    _wait_all_sent,
    _workers,
)
from tests.ingest.test_kill_durability import CLIENTS, EVENTS, _bodies, _counted, _send_all, _serve
from tests.ingest.test_kill_durability import fake as fake


@pytest.mark.postgres
@pytest.mark.benchmark  # ~55 s on the shared 2-core box; docs/benchmarks.md
@pytest.mark.timeout(240)
def test_three_serve_processes_count_each_event_once(fake: FakeSlack, postgres_url: str, tmp_path: Path) -> None:
    import threading
    from contextlib import ExitStack

    upgrade_to_head(postgres_url)
    bodies = _bodies()
    acked: set[str] = set()
    never = threading.Event()
    with ExitStack() as stack:
        urls = []
        for n in range(3):
            cwd = tmp_path / f"replica{n}"
            cwd.mkdir()
            _proc, url = stack.enter_context(_serve(fake, postgres_url, cwd))
            urls.append(url)
        threads = [  # no balancer: each replica gets every third event, Slack's retries of some land elsewhere
            threading.Thread(target=_send_all, args=(url, bodies[i::3], acked), kwargs={"retry": False, "stop": never})
            for i, url in enumerate(urls)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        retried = bodies[: EVENTS // 10]  # Slack redelivers a tenth to a different replica
        _send_all(urls[1], retried[0::2], acked, retry=True, stop=never)
        _send_all(urls[2], retried[1::2], acked, retry=True, stop=never)
        assert len(acked) == EVENTS
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(_counted(postgres_url)[0]) < EVENTS:
            time.sleep(0.2)
    stored, total = _counted(postgres_url)
    assert stored == {b["event_id"] for b in bodies}
    assert total == EVENTS, f"counted {total} activities for {EVENTS} events ({CLIENTS} clients per replica)"


@pytest.mark.postgres
@pytest.mark.benchmark  # ~70 s: 3,000 messages at 50/s; numbers in docs/benchmarks.md
@pytest.mark.timeout(300)
def test_three_workers_deliver_3000_within_50_per_second_using_90_percent(postgres_url: str, tmp_path: Path) -> None:
    n, allowed = 3000, 50
    with FakeSlack() as fake_slack:
        ids = _seed(postgres_url, fake_slack, n)
        fake_slack.rate_limits.set("chat.postMessage", limit=allowed, window_seconds=1)
        env = _env(fake_slack, postgres_url, _always_open_playbook(tmp_path))
        env["COACH_SLACK_POST_RATE"] = "47"  # a little under what Slack allows, shared by the three
        with _workers(3, env, tmp_path) as procs:
            _wait_all_sent(postgres_url, n, procs, timeout=240)
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            assert [proc.wait(timeout=30) for proc in procs] == [0, 0, 0]
        times = sorted(c.at for c in fake_slack.calls_to("chat.postMessage") if c.status == 200)
        rate = (len(times) - 1) / (times[-1] - times[0])
        cut = len(times) // 20  # the middle 90%: without the workers' start-up and the last stragglers
        steady = (len(times) - 2 * cut - 1) / (times[-cut - 1] - times[cut])
        print(
            f"3 workers, {n} nudges: {rate:.1f}/s of {allowed}/s allowed (middle 90%: {steady:.1f}/s), "
            f"{len(fake_slack.rate_limited)} 429s, {len(fake_slack.calls_to('dnd.info'))} dnd.info"
        )
        assert _posts_per_nudge(fake_slack) == Counter(dict.fromkeys(ids, 1))
        assert fake_slack.retry_after_violations == []
        assert rate >= 0.9 * allowed, f"{rate:.1f}/s"
