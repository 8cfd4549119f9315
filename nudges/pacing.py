"""Slack's pacing in front of every send: a 429 pause gate for chat.postMessage and do-not-disturb lookups.

Held by the delivery worker (one per scheduler), so pauses and the DND cache span its ticks.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from bot.slack.gateway import SlackError, SlackGateway

log = logging.getLogger(__name__)


class Throttle:
    """A process-wide gate in front of chat.postMessage: pauses after a 429, optional steady pacing."""

    def __init__(
        self,
        max_rate_per_second: float | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.interval = 1.0 / max_rate_per_second if max_rate_per_second else 0.0
        self._monotonic, self._sleep = monotonic, sleep
        self._next = 0.0
        self._lock = threading.Lock()
        self.paused_seconds = 0.0

    def pause(self, seconds: float) -> None:
        """Send nothing for `seconds` (Slack's Retry-After)."""
        with self._lock:
            self._next = max(self._next, self._monotonic() + seconds)

    def wait(self) -> None:
        """Block until the next send is allowed."""
        with self._lock:
            now = self._monotonic()
            delay = max(0.0, self._next - now)
            self._next = max(self._next, now) + self.interval
        if delay:
            self.paused_seconds += delay
            self._sleep(delay)


def dnd_until(info: dict[str, Any], now: datetime) -> datetime | None:
    """When the person's do-not-disturb ends, from a dnd.info answer (None when not in DND now)."""
    moment = now.timestamp()
    ends: list[float] = []
    if info.get("snooze_enabled") and float(info.get("snooze_endtime") or 0) > moment:
        ends.append(float(info["snooze_endtime"]))
    start, end = float(info.get("next_dnd_start_ts") or 0), float(info.get("next_dnd_end_ts") or 0)
    if info.get("dnd_enabled") and start <= moment < end:
        ends.append(end)
    return datetime.fromtimestamp(max(ends), UTC) if ends else None


class DndCache:
    """dnd.info per person, cached a few minutes; a failed lookup counts as "not in DND".

    Slack mutes notifications during DND anyway, so sending on an unknown state is harmless, while waiting
    on a rate-limited dnd.info would stall every delivery.

    `prefetch` asks for a batch's people on one background thread while the worker sends, so a send
    rarely waits for its dnd.info: the same calls and answers as asking one at a time (dnd.info, with the
    snooze that dnd.teamInfo does not report), just started up to a batch earlier, far inside the cache's
    own staleness.
    """

    PREFETCH_THREADS = 1

    def __init__(self, gateway: SlackGateway, ttl_seconds: float, monotonic: Callable[[], float] = time.monotonic):
        self.gateway, self.ttl, self._monotonic = gateway, ttl_seconds, monotonic
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}
        self._pending: dict[str, Future[dict[str, Any] | None]] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _fresh(self, user_id: str) -> dict[str, Any] | None:
        hit = self._cache.get(user_id)
        return hit[1] if hit and self._monotonic() - hit[0] < self.ttl else None

    def prefetch(self, user_ids: Iterable[str]) -> None:
        """Start dnd.info for each of these people not cached or already asked about, in this order."""
        with self._lock:
            for user_id in dict.fromkeys(user_ids):
                if user_id in self._pending or self._fresh(user_id) is not None:
                    continue
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(self.PREFETCH_THREADS, thread_name_prefix="dnd-prefetch")
                self._pending[user_id] = self._pool.submit(self._fetch, user_id)

    def close(self) -> None:
        """Drop prefetches not started (a send that needs one asks itself)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _fetch(self, user_id: str) -> dict[str, Any] | None:
        try:
            info = self.gateway.dnd_info(user_id)
        except SlackError as exc:
            log.info("dnd.info failed for %s (%s): sending without it", user_id, exc.code)
            return None
        finally:
            with self._lock:
                self._pending.pop(user_id, None)
        with self._lock:
            self._cache[user_id] = (self._monotonic(), info)
        return info

    def info(self, user_id: str) -> dict[str, Any]:
        with self._lock:
            hit = self._fresh(user_id)
            pending = self._pending.get(user_id)
        if hit is not None:
            return hit
        if pending is not None:
            try:
                return pending.result() or {}
            except CancelledError:
                pass
        return self._fetch(user_id) or {}
