"""The direct path: a message a flow has already rendered, sent now, through the outbox all the same.

A routed help question cannot wait for the next worker tick, so the flow that decided it posts it itself;
but it posts through here, so the message is still one row of `nudge_deliveries` like every other:

1. a row is inserted already claimed ('sending', by this process) with its kind, key, address and text;
   the unique key makes a second call with the same key a no-op (the first call's message is returned);
2. kinds that are not urgent are first judged by the cadence rules (working hours, do-not-disturb, a
   celebration in the last hour): a row that must wait is left 'pending' for the worker to send later;
3. the message is posted at once with the row's metadata (`event_type: coach_nudge`, row id, kind, key);
4. sent → the row records channel and ts and its text is cleared (the outbox does not keep what help
   questions say); a transient Slack failure → the row goes back to 'pending' with back-off and the
   worker's tick (nudges/worker.py) retries it, first checking the DM history for a post that went
   through; a permanent failure → 'failed' with the reason, text cleared. Either failure is raised to
   the caller too, so the flow can record it (and pass a question on when its owner cannot be reached).

`after` says what a retried send must remember (where a help card landed), see `record_after_send`.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import insert_ignore, session_scope
from bot.deps import Deps
from bot.services.help import Delivered, record_delivery
from bot.slack.gateway import PostedMessage, SlackError, SlackGateway
from models import NudgeDelivery, Person
from nudges.celebrations import celebration_slot
from nudges.claims import new_worker_id
from nudges.config import DeliverySettings, cadence_rules
from nudges.kinds import NudgeKind
from nudges.outbox import KEY_LENGTH, outbox_row, scrubbed
from nudges.pacing import dnd_until
from nudges.reconcile import is_user_id, message_metadata
from nudges.rules import Recipient, Verdict, decide
from nudges.service import history_by_person, recipient_of

log = logging.getLogger(__name__)

_CLAIMANT = new_worker_id()  # host:pid:token, so reconciliation recognises a direct send that died mid-way


def direct_key(kind: NudgeKind, address: str, *parts: object) -> str:
    """The idempotency key of a direct message: `{kind}:{address}:{part}…` (one per kind, address, cause)."""
    return ":".join([kind.value, address, *(str(part) for part in parts)])[:KEY_LENGTH]


@dataclass(frozen=True)
class DirectMessage:
    """A rendered message for one address (a user id: their DM with the bot; or a channel id)."""

    kind: NudgeKind
    key: str
    address: str
    text: str
    blocks: list[dict[str, Any]] | None = None
    thread_ts: str | None = None
    after: dict[str, Any] = field(default_factory=dict)  # what to record once it is sent (see record_after_send)

    def __post_init__(self) -> None:
        if not self.kind.policy.prerendered:
            raise ValueError(f"{self.kind} is rendered by the worker, not sent directly")


def send_direct(deps: Deps, message: DirectMessage) -> PostedMessage | None:
    """Ledger `message` and post it now; None when it waits for the worker (or was sent before, unrecorded).

    Raises `SlackError` when Slack refused it (the row is then retried by the worker, or failed for good).
    """
    now = deps.clock.now()
    with session_scope(deps.session_factory) as session:
        row_id, earlier, wait = _ledger(deps, session, message, now)
    if earlier is not None or row_id is None or wait is not None:
        return earlier
    try:
        posted = _post(deps.slack, message, row_id)
    except SlackError as exc:
        _failed(deps, row_id, exc, now)
        raise
    _sent(deps, row_id, posted)
    return posted


def _ledger(
    deps: Deps, session: Session, message: DirectMessage, now: datetime
) -> tuple[int | None, PostedMessage | None, datetime | None]:
    """Insert the row (claimed, or pending until the rules allow it); returns (id, an earlier post, wait until)."""
    person = (
        session.scalar(select(Person).where(Person.slack_user_id == message.address))
        if is_user_id(message.address)
        else None
    )
    existing = session.scalar(select(NudgeDelivery).where(NudgeDelivery.idempotency_key == message.key))
    if existing is not None:
        if existing.channel_id and existing.message_ts:
            return existing.id, PostedMessage(existing.channel_id, existing.message_ts), None
        return None, None, None  # already on its way (or refused): never a second message
    at = None if message.kind.policy.urgent else _earliest(deps, session, message.kind, person, now)
    payload = {"text": message.text, "blocks": message.blocks or [], **message.after}
    if message.thread_ts:
        payload["thread_ts"] = message.thread_ts
    row = outbox_row(
        person_id=person.id if person else None,
        address=message.address,
        kind=message.kind.value,
        idempotency_key=message.key,
        due_at=at or now,
        payload=payload,
        created_at=now,
        reason=f"waiting: {at:%Y-%m-%d %H:%M} UTC" if at else None,
    )
    if at is None:
        row.update(state="sending", claimed_by=_CLAIMANT, claimed_at=now)
    if not insert_ignore(session, NudgeDelivery, row, conflict=["idempotency_key"]):
        return None, None, None  # a concurrent call with the same key won
    row_id = session.scalar(select(NudgeDelivery.id).where(NudgeDelivery.idempotency_key == message.key))
    return row_id, None, at


def _earliest(deps: Deps, session: Session, kind: NudgeKind, person: Person | None, now: datetime) -> datetime | None:
    """When the cadence rules let this kind reach the person (None: now); skips are the worker's to record."""
    rules = cadence_rules(deps.playbook)
    if person is None:
        recipient = Recipient(user_id="")
    else:
        dnd = None
        if rules.respect_dnd and kind.policy.respects_dnd:
            try:
                dnd = dnd_until(deps.slack.dnd_info(person.slack_user_id), now)
            except SlackError:
                dnd = None
        history = history_by_person(session, [person.id], now=now)[person.id]
        recipient = recipient_of(person, history, now=now, dnd_until=dnd)
    decision = decide(rules, recipient, kind, now)
    at = decision.at if decision.verdict is Verdict.DEFER else None
    if decision.verdict is Verdict.SKIP:
        at = now  # queued as due: the worker records the skip and its reason
    if person is not None and kind.policy.celebration:
        slot = celebration_slot(session, person.id, now)
        if slot is not None and (at is None or slot > at):
            at = slot
    return at


def _post(gateway: SlackGateway, message: DirectMessage, row_id: int) -> PostedMessage:
    metadata = message_metadata(row_id, message.key, message.kind.value)
    channel = gateway.open_dm(message.address) if is_user_id(message.address) else message.address
    return gateway.post_message(
        channel, message.text, blocks=message.blocks, thread_ts=message.thread_ts, metadata=metadata
    )


def _sent(deps: Deps, row_id: int, posted: PostedMessage) -> None:
    with session_scope(deps.session_factory) as session:
        row = session.get(NudgeDelivery, row_id)
        if row is None:
            return
        row.state, row.channel_id, row.message_ts, row.sent_at = "sent", posted.channel, posted.ts, deps.clock.now()
        row.attempts, row.last_error, row.claimed_by, row.claimed_at = 1, None, None, None
        row.payload = scrubbed(row.payload)


def _failed(deps: Deps, row_id: int, exc: SlackError, now: datetime) -> None:
    """Permanent: failed, text cleared. Transient: back to pending; the worker retries with back-off."""
    settings = DeliverySettings()
    with session_scope(deps.session_factory) as session:
        row = session.get(NudgeDelivery, row_id)
        if row is None:
            return
        row.attempts, row.claimed_by, row.claimed_at = 1, None, None
        if exc.permanent:
            row.state, row.last_error, row.payload = "failed", exc.code, scrubbed(row.payload)
        else:
            row.state, row.last_error = "pending", f"{exc.code}; retrying"
            row.due_at = now + timedelta(seconds=settings.retry_base_seconds)
    log.warning("direct message (outbox row %s) failed: %s", row_id, exc)


def reply(deps: Deps, user_id: str, text: str, blocks: list[dict[str, Any]] | None = None, *, about: str) -> None:
    """Answer the person's own click in their DM, through the outbox (a Slack failure is retried, not raised)."""
    key = direct_key(NudgeKind.REPLY, user_id, about, deps.clock.now().isoformat(), secrets.token_hex(4))
    try:
        send_direct(deps, DirectMessage(NudgeKind.REPLY, key, user_id, text, blocks))
    except SlackError as exc:
        log.warning("reply to %s (%s) failed: %s", user_id, about, exc)


def record_after_send(session: Session, payload: dict[str, Any], posted: PostedMessage, now: datetime) -> None:
    """What a message sent late (by the worker, after a retry) must still record: where a help card landed."""
    request_id, role = payload.get("help_request"), payload.get("records")
    if not isinstance(request_id, int) or role not in ("card", "asker_thread"):
        return
    where = (posted.channel, posted.ts)
    delivered = Delivered(card=where) if role == "card" else Delivered(asker_thread=where)
    record_delivery(session, request_id=request_id, delivered=delivered, now=now)
