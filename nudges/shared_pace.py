"""Slack's pace shared by every replica: one database row hands out chat.postMessage send times.

Why a shared schedule in the database, not one delivering replica at a time (a lease): delivery is already
shared row by row (claims with SKIP LOCKED), so with a shared pace every replica keeps delivering and a dead one
costs nothing, while a lease would cut the cluster to one process's sequential send rate (one HTTP round trip
per message: at Slack's ~100-300 ms that is well under what Slack allows) and add the lease's delay to every
failover. The cost is one single-row UPDATE per message (a few hundred microseconds; with
`synchronous_commit = off`, because a lost pace update after a crash only means a slightly early send).

How: the row `slack_pace(bucket)` holds `next_at`, the earliest wall-clock time the next call may start. A
sender takes a slot with one UPDATE (`next_at = max(next_at, now, paused_until) + 1/rate … RETURNING`), sleeps
until it, and sends; so all replicas together send at `rate`, spaced evenly, and a crashed replica holds no
tokens. A 429 anywhere writes its Retry-After into `paused_until`; every replica's next slot comes after it,
and a sender that slept into a pause another replica recorded meanwhile re-reads the row and takes a new slot.
Replicas' clocks are assumed NTP-close (milliseconds), which is far below Slack's one-second windows.

PostgreSQL only: the embedded SQLite setup is one process, where `nudges.pacing.Throttle` does the same in
memory.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy import Engine, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from models import SlackPace
from nudges.pacing import Throttle

log = logging.getLogger(__name__)

POST_MESSAGE = "chat.postMessage"


class SharedPace:
    """The same interface as `Throttle` (`wait`, `pause`, `paused_seconds`), kept in one shared row."""

    def __init__(
        self,
        engine: Engine,
        rate_per_second: float | None,
        *,
        bucket: str = POST_MESSAGE,
        wall: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.engine, self.bucket = engine, bucket
        self.interval = 1.0 / rate_per_second if rate_per_second else 0.0
        self._wall, self._sleep = wall, sleep
        self.paused_seconds = 0.0
        with engine.begin() as conn:
            conn.execute(
                pg_insert(SlackPace)
                .values(bucket=bucket, next_at=0.0, paused_until=0.0)
                .on_conflict_do_nothing(index_elements=["bucket"])
            )

    def _take(self) -> tuple[float, float]:
        """One slot: (when this send may start, the shared pause end)."""
        now = self._wall()
        start = func.greatest(SlackPace.next_at, now, SlackPace.paused_until)
        with self.engine.begin() as conn:
            conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
            row = conn.execute(
                update(SlackPace)
                .where(SlackPace.bucket == self.bucket)
                .values(next_at=start + self.interval)
                .returning(SlackPace.next_at, SlackPace.paused_until)
            ).one()
        return float(row[0]) - self.interval, float(row[1])

    def _paused_until(self) -> float:
        with self.engine.connect() as conn:
            return float(
                conn.execute(select(SlackPace.paused_until).where(SlackPace.bucket == self.bucket)).scalar_one()
            )

    def wait(self) -> None:
        """Block until this replica's next slot; never inside a pause any replica recorded."""
        while True:
            slot, _paused = self._take()
            delay = slot - self._wall()
            if delay <= 0.0005:
                return
            self.paused_seconds += delay
            self._sleep(delay)
            if self._paused_until() <= self._wall():
                return

    def pause(self, seconds: float) -> None:
        """Slack said 429: nobody sends on this bucket for `seconds` (Retry-After)."""
        until = self._wall() + seconds
        with self.engine.begin() as conn:
            conn.execute(
                update(SlackPace)
                .where(SlackPace.bucket == self.bucket)
                .values(
                    paused_until=func.greatest(SlackPace.paused_until, until),
                    next_at=func.greatest(SlackPace.next_at, until),
                )
            )
        log.info("Slack asked to wait %.1f s on %s; every replica pauses", seconds, self.bucket)


def make_pace(engine: Engine, rate_per_second: float | None) -> Throttle | SharedPace:
    """The pace in front of chat.postMessage: shared in the database on PostgreSQL, in memory on SQLite."""
    if engine.dialect.name == "postgresql":
        return SharedPace(engine, rate_per_second)
    return Throttle(rate_per_second)
