"""Failure injection: HTTP errors, `ok: false` codes, slow answers, and whole-API outages."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from .reference import allowed_errors, is_known_method


@dataclass
class Fault:
    """What to do to the next call(s) of one method."""

    status: int | None = None
    error: str | None = None
    delay: float = 0.0
    times: int = 1


class Faults:
    """Queued per-method faults plus an optional outage window, consumed by the request pipeline."""

    def __init__(self) -> None:
        self._queued: dict[str, list[Fault]] = {}
        self._outage_until: float | None = None
        self._outage_status = 500
        self._lock = threading.Lock()

    def fail_next(
        self,
        method: str,
        *,
        status: int | None = None,
        error: str | None = None,
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls to `method` fail (status / error) and/or answer after `delay` s."""
        if not is_known_method(method):
            raise ValueError(f"{method} is not a Slack Web API method")
        if error is not None and error not in allowed_errors(method):
            raise ValueError(f"{error!r} is not a documented error of {method}: {sorted(allowed_errors(method))}")
        if status is None and error is None and delay <= 0:
            status = 500
        with self._lock:
            self._queued.setdefault(method, []).append(Fault(status, error, delay, times))

    def outage(self, seconds: float | None = None, *, status: int = 500) -> None:
        """Answer every method with `status` for `seconds` (None: until clear_outage())."""
        with self._lock:
            self._outage_until = float("inf") if seconds is None else time.monotonic() + seconds
            self._outage_status = status

    def clear_outage(self) -> None:
        """End an outage now."""
        with self._lock:
            self._outage_until = None

    def clear(self) -> None:
        """Drop all queued faults and any outage."""
        with self._lock:
            self._queued.clear()
            self._outage_until = None

    def take(self, method: str) -> Fault | None:
        """The fault to apply to this call, if any (consumes one use of a queued fault)."""
        with self._lock:
            if self._outage_until is not None and time.monotonic() < self._outage_until:
                return Fault(status=self._outage_status)
            queue = self._queued.get(method)
            if not queue:
                return None
            fault = queue[0]
            fault.times -= 1
            if fault.times <= 0:
                queue.pop(0)
            return Fault(fault.status, fault.error, fault.delay, 1)
