"""Per-method sliding-window rate limits with Slack's 429 + Retry-After, and Retry-After compliance checks."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .reference import TIER_LIMITS, tier_of

# chat.postMessage (special tier, REPORT.md §1.1): ~1 message/second per channel with bursts
# tolerated (java-slack-sdk models 60/min per channel) plus "several hundred per minute" workspace-wide.
POST_MESSAGE_PER_CHANNEL = (60, 60.0)
POST_MESSAGE_WORKSPACE = (300, 60.0)


@dataclass(frozen=True)
class Limit:
    """At most `limit` calls per `window_seconds`; per_channel keys the window by the `channel` arg."""

    limit: int
    window_seconds: float = 60.0
    per_channel: bool = False


@dataclass(frozen=True)
class RateLimited:
    """One 429 the fake answered."""

    method: str
    key: str
    retry_after: int
    at: float


@dataclass(frozen=True)
class RetryAfterViolation:
    """A call that arrived before the Retry-After of an earlier 429 had elapsed."""

    method: str
    key: str
    arrived_at: float
    allowed_from: float

    @property
    def early_by(self) -> float:
        """How many seconds too early the call came."""
        return self.allowed_from - self.arrived_at


@dataclass
class RateLimits:
    """Off by default; `enable()` applies Slack's tiers to every method, `set()` overrides one method."""

    enabled: bool = False
    rate_limited: list[RateLimited] = field(default_factory=list)
    retry_after_violations: list[RetryAfterViolation] = field(default_factory=list)
    _overrides: dict[str, list[Limit]] = field(default_factory=dict)
    _windows: dict[str, deque[float]] = field(default_factory=dict)
    _blocked_until: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def enable(self) -> None:
        """Apply the documented tier limits to all methods."""
        self.enabled = True

    def disable(self) -> None:
        """Turn every limit off, overrides included, and forget the windows."""
        with self._lock:
            self.enabled = False
            self._overrides.clear()
            self._windows.clear()
            self._blocked_until.clear()

    def set(self, method: str, *, limit: int, window_seconds: float = 60.0, per_channel: bool = False) -> None:
        """Limit one method (active even while tier limits are disabled)."""
        with self._lock:
            self._overrides[method] = [Limit(limit, window_seconds, per_channel)]
            self._windows = {k: v for k, v in self._windows.items() if not k.startswith(method + "|")}

    def limits_for(self, method: str) -> list[Limit]:
        """The limits that currently apply to a method."""
        if method in self._overrides:
            return self._overrides[method]
        if not self.enabled:
            return []
        if method == "chat.postMessage":
            return [Limit(*POST_MESSAGE_PER_CHANNEL, per_channel=True), Limit(*POST_MESSAGE_WORKSPACE)]
        return [Limit(*TIER_LIMITS.get(tier_of(method), TIER_LIMITS["Tier2"]))]

    def check(self, method: str, args: dict[str, Any]) -> int | None:
        """Count a call; return the Retry-After seconds if it must be refused with a 429."""
        now = time.monotonic()
        with self._lock:
            limits = [(lim, self._key(method, lim, args)) for lim in self.limits_for(method)]
            for _, key in limits:
                if now < self._blocked_until.get(key, 0.0):
                    self.retry_after_violations.append(RetryAfterViolation(method, key, now, self._blocked_until[key]))
            for lim, key in limits:
                window = self._windows.setdefault(key, deque())
                while window and window[0] <= now - lim.window_seconds:
                    window.popleft()
                if len(window) >= lim.limit:
                    retry_after = max(1, math.ceil(window[0] + lim.window_seconds - now))
                    self._blocked_until[key] = now + retry_after
                    self.rate_limited.append(RateLimited(method, key, retry_after, time.time()))
                    return retry_after
            for _, key in limits:
                self._windows[key].append(now)
            return None

    @staticmethod
    def _key(method: str, lim: Limit, args: dict[str, Any]) -> str:
        return f"{method}|{args.get('channel', '') if lim.per_channel else '*'}"
