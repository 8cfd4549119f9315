"""The ingest writer: events go to one thread that records them with group commit.

Slack wants a 2xx within 3 s and does not redeliver what it got a 2xx for, so an acked event that is not
yet committed is lost for good on `kill -9` (a channel join that never comes again). `record_durably`
is the ack path (handlers/events.DurableIngest): the web thread enqueues, the writer commits everything queued in one
transaction (many concurrent events share one commit), and only then does the web thread let Bolt
answer 2xx. The committed `processed_events` row and counters *are* the inbox: nothing acked waits in
memory, so there is nothing to replay at start-up, and Slack's retries of unacked events are counted
once because their event_id is claimed in the same transaction. Message text is never stored.
`submit` (fire and forget) remains for callers that need no durability.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from concurrent.futures import TimeoutError as FutureTimeout

from bot.db import session_scope
from bot.deps import Deps
from bot.ingest.batch import EventItem, Outcome, ingest_batch
from bot.ingest.home_refresh import HomeRefresher

log = logging.getLogger(__name__)

BATCH_MAX = 500
# Group commit without waiting: acks wait on the commit, so the writer takes what is queued now; events
# arriving during a commit queue up and share the next one (a 2 ms window measured slower: 0.54 vs 0.72).
BATCH_WINDOW = 0.0
# The web thread gives up waiting after this and answers 503, so Slack retries (deduped by event_id);
# well under Slack's 3 s.
DURABLE_WAIT = 2.0

Entry = tuple[EventItem, "Future[bool] | None"]

AfterCommit = Callable[[Deps, Outcome], None]


class IngestQueue:
    """Batches events for one writer thread; after each commit, new people are looked up and Home tabs refreshed."""

    def __init__(self, deps: Deps, *, learn: AfterCommit, homes: HomeRefresher, effects: Executor):
        self.deps = deps
        self.learn = learn
        self.homes = homes
        self.effects = effects
        self._queue: queue.Queue[Entry] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._idle = threading.Condition()
        self._pending = 0

    def submit(self, item: EventItem) -> None:
        """Hand an event to the writer (starts it on first use); no durability promise."""
        self._enqueue(item, None)

    def record_durably(self, item: EventItem, timeout: float = DURABLE_WAIT) -> bool:
        """Block until the event is committed (True) or could not be (False: do not ack, let Slack retry)."""
        done: Future[bool] = Future()
        self._enqueue(item, done)
        try:
            return done.result(timeout)
        except FutureTimeout:
            log.warning("event %s not committed within %.1fs; not acking", item.event_id, timeout)
            return False

    def _enqueue(self, item: EventItem, done: Future[bool] | None) -> None:
        self._ensure_started()
        with self._idle:
            self._pending += 1
        self._queue.put((item, done))

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
                try:
                    # Past the window, still take whatever queued up during the last commit.
                    entry = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                batch.append(entry)
            failed: set[int] = set()
            self._record([entry[0] for entry in batch], failed=failed)
            for index, (_item, done) in enumerate(batch):
                if done is not None:
                    done.set_result(index not in failed)
            with self._idle:
                self._pending -= len(batch)
                self._idle.notify_all()

    def _record(self, batch: list[EventItem], *, run_effects: bool = True, failed: set[int] | None = None) -> Outcome:
        """Commit the batch; indexes of events that could not be committed go into `failed`."""
        try:
            outcome = self._commit(batch)
        except Exception:
            if len(batch) == 1:
                log.exception("could not record event %s", batch[0].event_id)
                if failed is not None:
                    failed.add(0)
                return Outcome()
            # One bad event must not cost the others: retry them one by one.
            log.warning("batch of %d failed; recording one by one", len(batch), exc_info=True)
            outcome = Outcome()
            for index, item in enumerate(batch):
                mine: set[int] = set()
                single = self._record([item], run_effects=run_effects, failed=mine)
                if mine and failed is not None:
                    failed.add(index)
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
            return ingest_batch(
                session,
                playbook=self.deps.playbook,
                items=batch,
                now=self.deps.clock.now(),
                privacy_key=self.deps.settings.privacy_key,
            )
