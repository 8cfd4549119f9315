"""Coalesced Home-tab refreshes: a burst of completions for one person publishes their Home tab once.

Every completion changes the Home tab, and a busy person can complete several use cases within seconds;
views.publish is Tier 4 (100+/min), so refreshes are gathered for a short window and sent once per person.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

log = logging.getLogger(__name__)


class HomeRefresher:
    def __init__(self, publish: Callable[[str], None], *, window: float = 1.0):
        self._publish = publish
        self._window = window
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def request(self, user_ids: Iterable[str]) -> None:
        """Refresh these people's Home tabs within the window (once each, however often asked)."""
        with self._lock:
            self._pending.update(user_ids)
            if self._pending and self._timer is None:
                self._timer = threading.Timer(self._window, self.flush)
                self._timer.daemon = True
                self._timer.start()

    def flush(self) -> None:
        """Publish everything pending now (the timer calls this; so does shutdown)."""
        with self._lock:
            users, self._pending = self._pending, set()
            self._timer = None
        for user_id in sorted(users):
            try:
                self._publish(user_id)
            except Exception:  # one person's failed refresh must not skip the others
                log.exception("Home tab refresh failed for %s", user_id)

    def stop(self) -> None:
        with self._lock:
            timer = self._timer
        if timer is not None:
            timer.cancel()
        self.flush()
