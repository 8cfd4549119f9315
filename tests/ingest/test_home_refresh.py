"""Coalesced Home refreshes: a burst asks once per person, and one failed publish skips nobody."""

from __future__ import annotations

import threading

from bot.ingest.home_refresh import HomeRefresher


def test_home_refreshes_in_a_burst_are_published_once_each_and_one_failure_skips_nobody() -> None:
    published: list[str] = []
    done = threading.Event()

    def publish(user_id: str) -> None:
        if user_id == "U0BAD00001":
            raise RuntimeError("views.publish failed")
        published.append(user_id)
        if len(published) == 2:
            done.set()

    homes = HomeRefresher(publish, window=0.05)
    for _ in range(5):
        homes.request(["U0BOB00001", "U0BAD00001", "U0ANN0001"])
    assert done.wait(5)
    homes.stop()
    assert published == ["U0ANN0001", "U0BOB00001"]
