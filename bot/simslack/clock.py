"""Slack-style message timestamps: strings "<secs>.<6 digits>", strictly increasing."""

from __future__ import annotations

import threading
import time


class TsClock:
    """Hands out unique, monotonically increasing `ts` strings based on wall-clock time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_micros = 0

    def next_ts(self) -> str:
        """A new ts, later than every ts handed out before."""
        with self._lock:
            micros = max(int(time.time() * 1_000_000), self._last_micros + 1)
            self._last_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"
