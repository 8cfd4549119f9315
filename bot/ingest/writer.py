"""The ingest writer: listeners hand events to one thread that records them in batches.

Slack wants a 2xx within 3 s and Bolt acks before listeners run; recording each event in its own
transaction made the web threads and SQLite's single writer the bottleneck. Listeners now only
translate the payload and enqueue; the writer commits every ~100 ms or 500 events. A clean shutdown
(SIGTERM, `stop()`) drains the queue; a hard crash can lose the events of the last batch window —
counters only, never a message (Slack does not redeliver acked events).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor

from bot.db import session_scope
from bot.deps import Deps
from bot.ingest.batch import EventItem, Outcome, ingest_batch
from bot.ingest.home_refresh import HomeRefresher

log = logging.getLogger(__name__)

BATCH_MAX = 500
BATCH_WINDOW = 0.1

AfterCommit = Callable[[Deps, Outcome], None]


class IngestQueue:
    """Batches events for one writer thread; after each commit, new people are looked up and Home tabs refreshed."""

    def __init__(self, deps: Deps, *, learn: AfterCommit, homes: HomeRefresher, effects: Executor):
        self.deps = deps
        self.learn = learn
        self.homes = homes
        self.effects = effects
        self._queue: queue.Queue[EventItem] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._idle = threading.Condition()
        self._pending = 0

    def submit(self, item: EventItem) -> None:
        """Hand an event to the writer (starts it on first use)."""
        self._ensure_started()
        with self._idle:
            self._pending += 1
        self._queue.put(item)

    def record_now(self, item: EventItem) -> Outcome:
        """Record synchronously, for the rare events whose answer depends on it (Home tab opened).

        The caller carries out the follow-up itself, in order (who is this person, then their Home tab).
        """
        return self._record([item], run_effects=False)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until everything submitted so far is committed (tests, shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Drain what was acked, then stop the writer."""
        self.wait_idle(timeout)
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.homes.stop()

    def _ensure_started(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="coach-ingest", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                first = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            batch = [first]
            deadline = time.monotonic() + BATCH_WINDOW
            while len(batch) < BATCH_MAX:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    batch.append(self._queue.get(timeout=remaining))
                except queue.Empty:
                    break
            self._record(batch)
            with self._idle:
                self._pending -= len(batch)
                self._idle.notify_all()

    def _record(self, batch: list[EventItem], *, run_effects: bool = True) -> Outcome:
        try:
            outcome = self._commit(batch)
        except Exception:
            if len(batch) == 1:
                log.exception("could not record event %s", batch[0].event_id)
                return Outcome()
            # One bad event must not cost the others: retry them one by one.
            log.warning("batch of %d failed; recording one by one", len(batch), exc_info=True)
            outcome = Outcome()
            for item in batch:
                single = self._record([item], run_effects=run_effects)
                outcome.new_people |= single.new_people
                outcome.progressed |= single.progressed
                outcome.completed += single.completed
                outcome.duplicates |= single.duplicates
            return outcome
        if run_effects and outcome.new_people:
            self.effects.submit(self.learn, self.deps, outcome)
        if run_effects and outcome.progressed_viewers:
            self.homes.request(outcome.progressed_viewers)
        return outcome

    def _commit(self, batch: list[EventItem]) -> Outcome:
        with session_scope(self.deps.session_factory) as session:
            return ingest_batch(session, playbook=self.deps.playbook, items=batch, now=self.deps.clock.now())
