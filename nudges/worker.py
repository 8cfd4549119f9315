"""The delivery worker: claim due outbox rows atomically, apply the cadence rules, send, record.

Several workers (threads, processes, replicas) can run at once: a claim moves rows from 'pending' to
'sending' in one statement (`FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite the single
`UPDATE … WHERE id IN (SELECT … LIMIT n) AND state = 'pending' RETURNING id` runs under the database's
write lock), so each row has exactly one owner. The order of work follows STYLE §3: claim, then send,
then record. The DM carries the row id, kind and key as message metadata (`event_type: coach_nudge`), so
a crash between sending and recording is resolved from the DM history (nudges/reconcile.py) and never
produces a second message. Prerendered kinds (nudges/direct.py) are sent as their flow rendered them, to
their `address`; urgent ones skip the cadence rules (nudges/kinds.py).

Slack's limits: the worker's own WebClient does not retry, so a 429 comes straight back; the worker then
pauses *all* sends for `Retry-After` — on PostgreSQL every replica's, through the shared pace
(nudges/shared_pace.py), since chat.postMessage is limited per workspace as well as per channel — and retries
the same row. 5xx and timeouts are an outage, not the row's fault: the row goes back
to 'pending' with its due time unchanged (so after the outage rows go out in order of due time), the worker
stops sending, waits with exponential back-off and probes `auth.test` before it claims again; the next
attempt at the row first checks the DM history, because a timed-out post may have gone through. Transient
errors never fail a row (a week-old undelivered nudge is dropped as stale instead). Permanent errors
(`user_not_found`, `account_inactive`, `cannot_dm_bot`, …) fail the row with the reason, once.

Sections live in their own modules: claiming in nudges/claims.py, Slack pacing (429 gate, DND) in
nudges/pacing.py, crash recovery in nudges/reconcile.py; this module decides, renders, sends and records.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.exc import DBAPIError

from bot.db import rowcount, session_scope
from bot.deps import Deps
from bot.domain.progression import PersonProgress, next_use_case
from bot.domain.waves import in_language
from bot.services import setup
from bot.slack.gateway import PostedMessage, SlackError, SlackGateway, make_web_client
from bot.views.nudges import NudgeContext, OutgoingMessage, render_nudge
from bot.views.track_lessons import render_lesson
from models import Completion, NudgeDelivery, Person, Wave, WaveMembership
from models.base import table_of
from nudges import tracks
from nudges.celebrations import celebration_slot, coalesce
from nudges.claims import claim_due, new_worker_id
from nudges.config import DeliverySettings, cadence_rules
from nudges.digest_jobs import ADMIN_TITLE, render_digest
from nudges.direct import record_after_send
from nudges.kinds import NudgeKind
from nudges.outbox import scrubbed
from nudges.pacing import DndCache, dnd_until
from nudges.phases import HELD_PREFIX, PhasePolicy, describe, policy_for
from nudges.reconcile import find_posted, message_metadata, reconcile_abandoned
from nudges.rules import CadenceDecision, CadenceRules, ReasonCode, Recipient, Verdict, decide
from nudges.service import SentNudge, history_by_person, recipient_of
from nudges.shared_pace import make_pace

log = logging.getLogger(__name__)

GONE_ERRORS = frozenset({"user_not_found", "account_inactive", "user_disabled"})


@dataclass
class DeliveryReport:
    """Counts of one tick, logged and returned (the CLI and benchmarks read them)."""

    claimed: int = 0
    sent: int = 0
    deferred: int = 0
    skipped: int = 0
    failed: int = 0
    retrying: int = 0
    held: int = 0
    rate_limited: int = 0
    recovered: int = 0
    released: int = 0

    def add(self, other: DeliveryReport) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class _Item:
    """One claimed row with what deciding and rendering it needs (plain data, no ORM)."""

    id: int
    kind: NudgeKind
    key: str
    subject: str | None
    payload: dict[str, Any]
    attempts: int
    created_at: datetime
    due_at: datetime
    person: Person | None  # None: a channel post, or a DM to someone without a person row (prerendered kinds)
    enrolled_at: datetime | None
    done: frozenset[str]
    wave: Wave | None = None  # the wave the row names (welcome, feedback), else the person's running wave
    running: Wave | None = None  # the person's running (active or paused) wave
    address: str | None = None  # where a prerendered message goes; None: the person's DM

    @property
    def phase_policy(self) -> PhasePolicy:
        """What the person's wave allows now (nudges/phases.py)."""
        wave = self.running
        return policy_for(wave.state if wave else None, wave.phase if wave else None)

    @property
    def to(self) -> str:
        """The user id or channel the message is posted to."""
        return self.address or (self.person.slack_user_id if self.person else "")


@dataclass
class _Batch:
    items: list[_Item]
    history: dict[int, list[SentNudge]] = field(default_factory=dict)


@cache
def _outcome_statement(names: tuple[str, ...]) -> Any:
    """`UPDATE … SET <names> WHERE id = :row_id AND state = 'sending' AND claimed_by = :worker_id`, built once
    per set of columns (values bound as `set_<name>`): every outcome is one of these, and building the
    statement cost more than running it."""
    table = table_of(NudgeDelivery)
    return (
        update(NudgeDelivery)
        .where(
            NudgeDelivery.id == bindparam("row_id"),
            NudgeDelivery.state == "sending",
            NudgeDelivery.claimed_by == bindparam("worker_id"),
        )
        .values({name: bindparam(f"set_{name}", type_=table.c[name].type) for name in names})
    )


def _running_wave(running: dict[int, tuple[datetime, Wave]], person_id: int | None) -> Wave | None:
    return running[person_id][1] if person_id is not None and person_id in running else None


class DeliveryWorker:
    """Delivers due nudges; one instance per process, its sends strictly one at a time."""

    def __init__(
        self,
        deps: Deps,
        *,
        gateway: SlackGateway | None = None,
        settings: DeliverySettings | None = None,
        worker_id: str | None = None,
        rules: CadenceRules | None = None,
    ):
        self.deps = deps
        self.settings = settings or DeliverySettings()
        self.gateway = gateway or SlackGateway(
            make_web_client(deps.settings.bot_token, deps.settings.slack_api_url, retries=0)
        )
        self.worker_id = worker_id or new_worker_id()
        self.rules = rules or cadence_rules(deps.playbook)
        self.throttle = make_pace(deps.engine, self.settings.max_rate_per_second or deps.settings.slack_post_rate)
        self.dnd = DndCache(self.gateway, self.settings.dnd_cache_seconds)
        self._stop = threading.Event()
        self._conn: Connection | None = None
        self.rate_limited_total = 0
        self.outage_until: datetime | None = None  # Slack is failing: no sends before this, then a probe
        self._outage_failures = 0

    # -- the loop ----------------------------------------------------------------------------------
    def stop(self) -> None:
        """Finish the row in hand, hand back the rest of the batch, return from `tick`."""
        self._stop.set()
        self.dnd.close()

    def tick(self, *, budget_seconds: float | None = None, max_rows: int | None = None) -> DeliveryReport:
        """Recover abandoned rows, then deliver due rows until none are left or the time budget is used."""
        report = DeliveryReport()
        if not self._slack_up():
            return report
        limited_before = self.rate_limited_total
        recovered = reconcile_abandoned(
            self.deps.session_factory,
            self.gateway,
            worker_id=self.worker_id,
            now=self.deps.clock.now(),
            lease=self.settings.lease,
        )
        report.recovered = recovered.found_sent
        deadline = time.monotonic() + (
            budget_seconds if budget_seconds is not None else self.settings.tick_budget_seconds
        )
        while not self._stop.is_set() and time.monotonic() < deadline and self.outage_until is None:
            if max_rows is not None and report.claimed >= max_rows:
                break
            size = (
                self.settings.batch_size
                if max_rows is None
                else min(self.settings.batch_size, max_rows - report.claimed)
            )
            with session_scope(self.deps.session_factory) as session:
                ids = claim_due(session, worker_id=self.worker_id, now=self.deps.clock.now(), limit=size)
            if not ids:
                break
            report.claimed += len(ids)
            report.add(self._deliver_batch(ids, deadline))
        report.rate_limited = self.rate_limited_total - limited_before
        if report.claimed or report.recovered:
            log.info("nudge delivery %s: %s", self.worker_id, report)
        return report

    def _deliver_batch(self, ids: list[int], deadline: float) -> DeliveryReport:
        """Deliver claimed rows one by one; rows never started go back to 'pending' whatever happens.

        A row whose send started but did not finish (an exception mid-way) stays 'sending': only the DM
        history can tell whether it was posted, so reconciliation decides, never a blind retry.
        """
        report = DeliveryReport()
        started: set[int] = set()
        claimed_at = time.monotonic()
        try:
            batch = self._load(ids)
            if self.rules.respect_dnd:  # ask Slack about the batch's people while the first ones are sent
                self.dnd.prefetch(
                    i.person.slack_user_id
                    for i in batch.items
                    if i.person is not None and i.kind.policy.respects_dnd and not i.kind.policy.urgent
                )
            self._conn = self._outcome_connection()
            for item in batch.items:
                if self._stop.is_set() or time.monotonic() > deadline + 30 or self.outage_until is not None:
                    break
                if time.monotonic() - claimed_at > self.settings.lease.total_seconds() / 4:
                    self._touch([i for i in ids if i not in started])
                    claimed_at = time.monotonic()
                started.add(item.id)
                outcome = self._deliver_one(item, batch)
                setattr(report, outcome, getattr(report, outcome) + 1)
        finally:
            if self._conn is not None:
                if self._conn.dialect.name == "postgresql":
                    self._conn.exec_driver_sql("RESET synchronous_commit")
                    self._conn.commit()
                self._conn.close()
                self._conn = None
            report.released = self._release([i for i in ids if i not in started])
        return report

    # -- outages ----------------------------------------------------------------------------------
    def _slack_up(self) -> bool:
        """False while an outage pause lasts; when it is over, one auth.test decides whether to send again."""
        if self.outage_until is None:
            return True
        if self.deps.clock.now() < self.outage_until:
            return False
        try:
            self.gateway.auth_test()
        except SlackError as exc:
            if not exc.permanent:  # a refused token is not an outage: the sends will fail with the reason
                self._outage(exc)
                return False
        log.info("Slack answers again after %s failed attempts; delivering", self._outage_failures)
        self.outage_until, self._outage_failures = None, 0
        return True

    def _outage(self, exc: SlackError) -> None:
        """Stop sending for a while (doubling, capped) after a 5xx or a timeout."""
        self._outage_failures += 1
        wait = min(
            self.settings.retry_base_seconds * 2 ** (self._outage_failures - 1), self.settings.outage_cap_seconds
        )
        self.outage_until = self.deps.clock.now() + timedelta(seconds=wait)
        log.warning("Slack is failing (%s): no deliveries for %.0f s, then a probe", exc, wait)

    # -- loading -----------------------------------------------------------------------------------
    def _load(self, ids: list[int]) -> _Batch:
        now = self.deps.clock.now()
        with session_scope(self.deps.session_factory) as session:
            rows = session.scalars(
                select(NudgeDelivery).where(
                    NudgeDelivery.id.in_(ids),
                    NudgeDelivery.state == "sending",
                    NudgeDelivery.claimed_by == self.worker_id,
                )
            ).all()
            person_ids = {row.person_id for row in rows if row.person_id is not None}
            people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))}
            running = {
                person_id: (enrolled_at, wave)
                for person_id, enrolled_at, wave in session.execute(
                    select(WaveMembership.person_id, WaveMembership.enrolled_at, Wave)
                    .join(Wave, Wave.id == WaveMembership.wave_id)
                    .where(
                        Wave.state.in_(("active", "paused")),
                        WaveMembership.running.is_(True),
                        WaveMembership.person_id.in_(person_ids),
                    )
                ).all()
            }
            done: dict[int, set[str]] = {}
            for person_id, key in session.execute(
                select(Completion.person_id, Completion.use_case_key).where(Completion.person_id.in_(person_ids))
            ):
                done.setdefault(person_id, set()).add(key)
            wave_ids = {int(r.payload["wave_id"]) for r in rows if str(r.payload.get("wave_id", "")).isdigit()}
            waves = {w.id: w for w in session.scalars(select(Wave).where(Wave.id.in_(wave_ids)))} if wave_ids else {}
            history = history_by_person(session, person_ids, now=now)
            items = [
                _Item(
                    id=row.id,
                    kind=NudgeKind(row.kind),
                    key=row.idempotency_key,
                    subject=row.subject,
                    payload=dict(row.payload or {}),
                    attempts=row.attempts,
                    created_at=row.created_at,
                    due_at=row.due_at,
                    person=people.get(row.person_id) if row.person_id is not None else None,
                    address=row.address,
                    enrolled_at=running[row.person_id][0] if row.person_id in running else None,
                    done=frozenset(done.get(row.person_id, ())) if row.person_id is not None else frozenset(),
                    wave=waves.get(int(row.payload["wave_id"]))
                    if str(row.payload.get("wave_id", "")).isdigit()
                    else _running_wave(running, row.person_id),
                    running=_running_wave(running, row.person_id),
                )
                for row in rows
            ]
        return _Batch(items=items, history=history)

    # -- one row -----------------------------------------------------------------------------------
    def _deliver_one(self, item: _Item, batch: _Batch) -> str:
        now = self.deps.clock.now()
        policy = item.phase_policy
        verdict = policy.verdict(item.kind) if item.kind.policy.planned else "send"
        stale = self._stale_reason(item, now, holding=verdict == "hold")
        if stale:
            return self._finish(item.id, state="skipped", reason=stale)
        if verdict == "hold":  # new-stage while the wave does not allow it: wait for the admin (nudges.holds)
            return self._hold(item.id, f"{HELD_PREFIX}the wave is {describe(policy)}")
        if verdict == "drop":
            return self._finish(item.id, state="skipped", reason=f"not sent while the wave is {describe(policy)}")
        if item.kind.policy.celebration and item.person is not None:
            held = self._coalesce(item, now)
            if held:
                return held
        if item.kind.policy.urgent:
            return self._send(item, now)  # help that cannot wait: no budget, hours or DND (nudges/kinds.py)
        if item.person is None:
            recipient = Recipient(user_id=item.to)
        else:
            respect = self.rules.respect_dnd and item.kind.policy.respects_dnd
            dnd = dnd_until(self.dnd.info(item.person.slack_user_id), now) if respect else None
            recipient = recipient_of(item.person, batch.history.get(item.person.id, []), now=now, dnd_until=dnd)
        decision = decide(self.rules, recipient, item.kind, now)
        if decision.verdict is Verdict.SKIP:
            return self._finish(item.id, state="skipped", reason=decision.reason)
        if decision.verdict is Verdict.DEFER:
            return self._defer(item.id, decision)
        outcome = self._send(item, now)
        if outcome == "sent" and item.person is not None:
            batch.history.setdefault(item.person.id, []).insert(0, SentNudge(item.kind.value, now, False))
        return outcome

    def _coalesce(self, item: _Item, now: datetime) -> str:
        """Hold a celebration until an hour after the last one, then merge the person's others into it."""
        assert item.person is not None
        with session_scope(self.deps.session_factory) as session:
            row = session.get(NudgeDelivery, item.id)
            if row is None or row.state != "sending" or row.claimed_by != self.worker_id:
                return "skipped"  # merged into another celebration of this batch
            slot = celebration_slot(session, item.person.id, now)
            if slot is not None and slot > now:
                reason = f"celebrated within the hour; next at {slot:%H:%M} UTC"
                return self._defer(item.id, CadenceDecision.defer_until(slot, reason, ReasonCode.MIN_GAP))
            if item.kind is not NudgeKind.CELEBRATE:
                return ""
            payload = coalesce(session, item.id, worker_id=self.worker_id)
        if payload is None:
            return "skipped"  # merged into another celebration in this batch
        item.payload = payload
        return ""

    def _stale_reason(self, item: _Item, now: datetime, *, holding: bool = False) -> str:
        """Why a planned nudge no longer makes sense (the person moved on), or "".

        A row about to be held does not expire: the wait is the admin's, and a release re-dates it.
        """
        expires_after = item.kind.policy.expires_after
        if expires_after is not None and item.created_at < now - expires_after:
            return f"stale: older than {expires_after} when it could be sent"
        if item.kind is NudgeKind.TRACK_LESSON and item.person is not None:
            with session_scope(self.deps.session_factory) as session:
                role, lesson = str(item.payload.get("track", "")), item.subject or ""
                return tracks.stale_reason(
                    session,
                    person_id=item.person.id,
                    role=role,
                    lesson=lesson,
                    playbook=self.deps.playbook,
                    admins=self.deps.settings.coach_admins,
                    now=now,
                )
        if not item.kind.policy.planned:
            return ""
        if item.enrolled_at is None:
            return "no longer in an active wave"
        if item.kind.policy.about_a_step and item.subject in item.done:
            return f"{item.subject} is already done"
        if (
            item.kind is NudgeKind.REENGAGE
            and item.person is not None
            and item.person.last_active_at
            and item.person.last_active_at > item.created_at
        ):
            return "active again"
        if item.created_at < now - self.settings.stale_after and not holding:
            return "expired: not deliverable within a week"
        return ""

    def _context(self, item: _Item, now: datetime) -> NudgeContext:
        person = item.person
        assert person is not None
        quiet_since = person.last_active_at or item.enrolled_at or now
        return NudgeContext(
            nudge_id=item.id,
            kind=item.kind.value,
            locale=person.effective_locale,
            name=person.display_name or person.slack_user_id,
            subject=item.subject or self._first_step(item),
            payload=item.payload,
            stage=int(item.subject or 0)
            if item.kind is NudgeKind.REINFORCEMENT and (item.subject or "").isdigit()
            else person.current_stage,
            completed_count=len(item.done),
            days_inactive=max(0, (now - quiet_since).days),
            wave_name=item.wave.name if item.wave else "",
            purpose=self._wave_text(item, "purpose_message", person.effective_locale),
            sponsor_user_id=self._sponsor(item),
            goal=self._wave_text(item, "goal", person.effective_locale),
            phase=item.running.phase if item.running and item.running.state == "active" else "",
        )

    @staticmethod
    def _wave_text(item: _Item, column: str, locale: str) -> str:
        """The wave's goal or purpose message in the person's language, else in the other one."""
        if item.wave is None:
            return ""
        return in_language(getattr(item.wave, column) or "", getattr(item.wave, f"{column}_ja") or "", locale)

    def _sponsor(self, item: _Item) -> str | None:
        """Who signs a welcome: the wave's sponsor, else the one picked in the setup checklist, else the
        playbook's unless it is a bundled placeholder ("" then: the welcome names nobody)."""
        if item.wave is not None and item.wave.sponsor_user_id:
            return item.wave.sponsor_user_id
        if item.kind is not NudgeKind.WELCOME:
            return None
        with session_scope(self.deps.session_factory) as session:
            return setup.effective_sponsor(session, self.deps.playbook) or ""

    def _first_step(self, item: _Item) -> str | None:
        """For a welcome queued without a subject (waves), the person's next step from their progress."""
        if item.kind is not NudgeKind.WELCOME or item.person is None:
            return None
        step = next_use_case(self.deps.playbook, PersonProgress(item.done, item.person.current_stage))
        return step.key if step else None

    def _send(self, item: _Item, now: datetime) -> str:
        """Post the DM (after checking an earlier attempt did not already post it) and record the result."""
        address = item.to
        thread_ts = str(item.payload["thread_ts"]) if item.payload.get("thread_ts") else None
        metadata = message_metadata(item.id, item.key, item.kind.value)
        try:
            if item.attempts > 0:
                earlier = find_posted(self.gateway, address, item.id)
                if earlier is not None:
                    return self._record_sent(item, earlier, now)
            message = self._render(item, now)
            while True:
                self.throttle.wait()
                try:
                    posted = self.gateway.post_message(
                        address, message.text, blocks=message.blocks, thread_ts=thread_ts, metadata=metadata
                    )
                    break
                except SlackError as exc:
                    if exc.code == "invalid_blocks" and message.fallback is not None:
                        message = message.fallback  # e.g. a digest's chart image Slack will not show: text bars
                        continue
                    if exc.status != 429 and exc.code != "ratelimited":
                        raise
                    self.throttle.pause(exc.retry_after or 1.0)
                    self.rate_limited_total += 1
        except SlackError as exc:
            return self._failed(item, exc, now)
        return self._record_sent(item, posted, self.deps.clock.now())

    def _render(self, item: _Item, now: datetime) -> Any:
        if item.kind.policy.prerendered:
            return OutgoingMessage(
                text=str(item.payload.get("text", "")), blocks=list(item.payload.get("blocks") or [])
            )
        departments = [str(d) for d in item.payload.get("departments", [])]
        if item.kind is NudgeKind.ADMIN_DIGEST:
            locale = str(item.payload.get("locale") or self.deps.playbook.default_locale)
            return render_digest(self.deps, self.gateway, departments, locale, now, title_key=ADMIN_TITLE)
        assert item.person is not None
        if item.kind is NudgeKind.AMBASSADOR_DIGEST:
            return render_digest(self.deps, self.gateway, departments, item.person.effective_locale, now)
        if item.kind is NudgeKind.TRACK_LESSON:
            return render_lesson(self.deps.playbook, self._context(item, now))
        return render_nudge(self.deps.playbook, self._context(item, now))

    def _outcome_connection(self) -> Connection:
        """The batch's connection for outcomes; PostgreSQL may skip the per-commit fsync here.

        An outcome lost in a database crash is not lost for good: the row is left 'sending' and
        reconciliation reads the truth back from the DM's message metadata. So the worker need not pay
        a disk flush per message (PostgreSQL docs, "Asynchronous Commit").
        """
        conn = self.deps.engine.connect()
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET synchronous_commit = off")
            conn.commit()
        return conn

    # -- recording ---------------------------------------------------------------------------------
    def _set(self, row_id: int, **values: Any) -> bool:
        """One conditional UPDATE + commit on the batch's connection; False when the row is no longer ours."""
        names = tuple(sorted(values))
        stmt = _outcome_statement(names)
        params = {"row_id": row_id, "worker_id": self.worker_id, **{f"set_{name}": values[name] for name in names}}
        for wait in (0.5, 1.0, 2.0, 4.0, None):
            try:
                changed = self._execute_outcome(stmt, params)
                break
            except DBAPIError as exc:
                # The database restarted (or dropped our connection) after Slack took the message: what happened
                # is known, so record it on a new connection rather than leave the row to the lease.
                if not exc.connection_invalidated or wait is None:
                    raise
                log.warning("database connection lost recording nudge %s; retrying in %.1f s", row_id, wait)
                self._drop_outcome_connection()
                time.sleep(wait)
        if not changed:
            log.warning("nudge %s is no longer claimed by %s; leaving it", row_id, self.worker_id)
        return bool(changed)

    def _execute_outcome(self, stmt: Any, params: dict[str, Any]) -> int:
        if self._conn is None:
            with self.deps.engine.begin() as fresh:
                return int(fresh.execute(stmt, params).rowcount)
        changed = int(self._conn.execute(stmt, params).rowcount)
        self._conn.commit()
        return changed

    def _drop_outcome_connection(self) -> None:
        """Forget a broken batch connection; later outcomes use fresh pooled ones (pre-pinged)."""
        if self._conn is not None:
            with contextlib.suppress(DBAPIError):
                self._conn.close()
            self._conn = None

    def _record_sent(self, item: _Item, posted: PostedMessage, now: datetime) -> str:
        extra: dict[str, Any] = {"payload": scrubbed(item.payload)} if item.kind.policy.prerendered else {}
        if item.kind is NudgeKind.CELEBRATE:
            extra["payload"] = item.payload  # the merged celebration says what it named
        recorded = self._set(
            item.id,
            state="sent",
            channel_id=posted.channel,
            message_ts=posted.ts,
            sent_at=now,
            attempts=item.attempts + 1,
            last_error=None,
            **extra,
        )
        if recorded and item.kind.policy.prerendered:
            with session_scope(self.deps.session_factory) as session:
                record_after_send(session, item.payload, posted, now)
        return "sent"

    def _finish(self, row_id: int, *, state: str, reason: str) -> str:
        self._set(row_id, state=state, last_error=reason[:1000])
        return "skipped" if state == "skipped" else "failed"

    def _hold(self, row_id: int, reason: str) -> str:
        """Park a row as 'held': never claimed again until the admin's decision releases or drops it."""
        self._set(row_id, state="held", last_error=reason, claimed_by=None, claimed_at=None)
        return "held"

    def _defer(self, row_id: int, decision: CadenceDecision) -> str:
        self._set(
            row_id, state="pending", due_at=decision.at, last_error=str(decision), claimed_by=None, claimed_at=None
        )
        return "deferred"

    def _failed(self, item: _Item, exc: SlackError, now: datetime) -> str:
        """Permanent errors fail the row once; transient ones (5xx, timeouts) put it back and pause the worker."""
        attempts = item.attempts + 1
        if exc.permanent:
            reason = exc.code
            extra: dict[str, Any] = {"payload": scrubbed(item.payload)} if item.kind.policy.prerendered else {}
            failed = self._set(item.id, state="failed", attempts=attempts, last_error=reason, **extra)
            if failed and exc.code in GONE_ERRORS and item.person is not None and item.to == item.person.slack_user_id:
                with self.deps.engine.begin() as conn:
                    conn.execute(update(Person).where(Person.id == item.person.id).values(deactivated=True))
            log.warning("nudge %s failed: %s", item.id, exc)
            return "failed"
        # Transient: never failed. The row keeps its due time (its place in line) and the worker pauses; only
        # a row that keeps failing while Slack answers the probe gets its own back-off, so it holds up no one.
        due = item.due_at
        if attempts >= self.settings.max_attempts:
            wait = min(self.settings.retry_base_seconds * 2 ** (attempts - 1), self.settings.retry_cap_seconds)
            due = now + timedelta(seconds=wait)
        self._set(
            item.id,
            state="pending",
            attempts=attempts,
            due_at=due,
            last_error=f"{exc.code}; retrying",
            claimed_by=None,
            claimed_at=None,
        )
        self._outage(exc)
        return "retrying"

    def _touch(self, ids: list[int]) -> None:
        """Renew the claim on rows still in hand (a long 429 pause must not look like a dead worker)."""
        if not ids:
            return
        with session_scope(self.deps.session_factory) as session:
            session.execute(
                update(NudgeDelivery)
                .where(
                    NudgeDelivery.id.in_(ids),
                    NudgeDelivery.claimed_by == self.worker_id,
                    NudgeDelivery.state == "sending",
                )
                .values(claimed_at=self.deps.clock.now())
            )

    def _release(self, ids: list[int]) -> int:
        """Hand unsent claimed rows back to 'pending' (stop, error), so no claim outlives the tick."""
        if not ids:
            return 0
        with session_scope(self.deps.session_factory) as session:
            result = session.execute(
                update(NudgeDelivery)
                .where(
                    NudgeDelivery.id.in_(ids),
                    NudgeDelivery.claimed_by == self.worker_id,
                    NudgeDelivery.state == "sending",
                )
                .values(state="pending", claimed_by=None, claimed_at=None)
            )
        return rowcount(result)
