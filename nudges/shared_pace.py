"""Slack's pace shared by every replica: one database row hands out chat.postMessage send times.

Why a shared schedule in the database, not one delivering replica at a time (a lease): delivery is already
shared row by row (claims with SKIP LOCKED), so with a shared pace every replica keeps delivering and a dead one
costs nothing, while a lease would cut the cluster to one process's sequential send rate (one HTTP round trip
per message: at Slack's ~100-300 ms that is well under what Slack allows) and add the lease's delay to every
failover. The cost is one single-row UPDATE per message, one round trip (autocommit on a connection the pace
keeps, with `synchronous_commit = off`, because a lost pace update after a crash only means a slightly early
send), plus one SELECT after a sleep to see a pause recorded meanwhile.

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

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

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
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        with engine.begin() as conn:
            conn.execute(
                pg_insert(SlackPace)
                .values(bucket=bucket, next_at=0.0, paused_until=0.0)
                .on_conflict_do_nothing(index_elements=["bucket"])
            )

    def _execute(self, stmt: Any) -> Any:
        """One statement, one round trip: autocommit on a connection this pace keeps (no BEGIN/COMMIT, no
        checkout ping), with `synchronous_commit = off` for the session. A dropped connection is replaced once.
        The connection is never handed back to the pool (its setting would leak into other work): it is
        invalidated when dropped."""
        with self._lock:
            for attempt in (1, 2):
                if self._conn is None:
                    conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                    conn.exec_driver_sql("SET synchronous_commit = off")
                    self._conn = conn
                try:
                    return self._conn.execute(stmt).one()
                except DBAPIError as exc:
                    self._drop()
                    if attempt == 2 or not exc.connection_invalidated:
                        raise
            raise AssertionError("not reached")

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(SQLAlchemyError):
                conn.invalidate()
                conn.close()

    def close(self) -> None:
        """Let go of the pace's connection (closed, not returned to the pool)."""
        with self._lock:
            self._drop()

    def _take(self) -> tuple[float, float]:
        """One slot: (when this send may start, the shared pause end)."""
        now = self._wall()
        start = func.greatest(SlackPace.next_at, now, SlackPace.paused_until)
        row = self._execute(
            update(SlackPace)
            .where(SlackPace.bucket == self.bucket)
            .values(next_at=start + self.interval)
            .returning(SlackPace.next_at, SlackPace.paused_until)
        )
        return float(row[0]) - self.interval, float(row[1])

    def _paused_until(self) -> float:
        return float(self._execute(select(SlackPace.paused_until).where(SlackPace.bucket == self.bucket))[0])

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
        # One round trip on the pace's own connection, so the other replicas' check after their sleep sees
        # it as soon as possible (an asynchronous commit is visible at once; only a crash could lose it).
        self._execute(
            update(SlackPace)
            .where(SlackPace.bucket == self.bucket)
            .values(
                paused_until=func.greatest(SlackPace.paused_until, until),
                next_at=func.greatest(SlackPace.next_at, until),
            )
            .returning(SlackPace.paused_until)
        )
        log.info("Slack asked to wait %.1f s on %s; every replica pauses", seconds, self.bucket)


def make_pace(engine: Engine, rate_per_second: float | None) -> Throttle | SharedPace:
    """The pace in front of chat.postMessage: shared in the database on PostgreSQL, in memory on SQLite."""
    if engine.dialect.name == "postgresql":
        return SharedPace(engine, rate_per_second)
    return Throttle(rate_per_second)
