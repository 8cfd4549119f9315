"""The log of every Web API call the fake received, with blocking waits for tests."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    """One Web API request as the fake saw it (args decoded, JSON-string args parsed)."""

    method: str
    args: dict[str, Any]
    http_method: str
    headers: dict[str, str]
    at: float = field(default_factory=time.time)
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the fake answered HTTP 200 with `ok: true`."""
        return self.status == 200 and bool(self.response.get("ok"))


class CallLog:
    """Thread-safe, append-only list of calls; `wait_for` blocks until calls arrive."""

    def __init__(self) -> None:
        self._calls: list[Call] = []
        self._changed = threading.Condition()

    def append(self, call: Call) -> None:
        """Record a call and wake waiters."""
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()

    def all(self) -> list[Call]:
        """A snapshot of every call so far, oldest first."""
        with self._changed:
            return list(self._calls)

    def count(self) -> int:
        """How many calls so far."""
        with self._changed:
            return len(self._calls)

    def to(self, method: str) -> list[Call]:
        """Calls to one method, oldest first."""
        with self._changed:
            return [c for c in self._calls if c.method == method]

    def reset(self) -> None:
        """Forget all calls (state such as messages is kept)."""
        with self._changed:
            self._calls.clear()

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0, *, ok_only: bool = False) -> list[Call]:
        """Block until `count` calls to `method` arrived (only successful ones if ok_only); return them."""
        deadline = time.monotonic() + timeout

        def matching() -> list[Call]:
            return [c for c in self._calls if c.method == method and (c.ok or not ok_only)]

        with self._changed:
            while len(matching()) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [
                        f"{c.method}({c.status}{'' if c.ok else ' ' + str(c.response.get('error'))})"
                        for c in self._calls
                    ]
                    raise AssertionError(
                        f"expected {count} {'ok ' if ok_only else ''}call(s) to {method} within {timeout}s, "
                        f"got {len(matching())}; calls seen: {seen or 'none'}"
                    )
                self._changed.wait(remaining)
            return matching()
