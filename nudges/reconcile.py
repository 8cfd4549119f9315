"""Recovering rows a dead worker left in 'sending': was the DM posted or not?

Every message Coach posts carries its row id as Slack message metadata (`event_type` "coach_nudge"). A row whose
worker died between posting and recording is looked up in the person's DM history: found → recorded as
sent with its channel and ts; not found → back to pending. So a crash never sends a nudge twice and
never loses one. A claim is abandoned when its lease ran out, or at once when the claiming process ran on
this host and is gone (a restarted worker recovers without waiting out the lease).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db import rowcount, session_scope
from bot.slack.gateway import PostedMessage, SlackError, SlackGateway
from models import NudgeDelivery, Person

log = logging.getLogger(__name__)

METADATA_EVENT = "coach_nudge"
HOST = socket.gethostname()[:40]


def message_metadata(nudge_id: int, key: str, kind: str) -> dict[str, Any]:
    """The metadata every message Coach posts carries: its outbox row, key and kind (found again after a crash).

    Slack's format: `{"event_type": ..., "event_payload": {...}}` (chat.postMessage `metadata`).
    """
    payload = {"nudge_id": nudge_id, "kind": str(kind), "key": key[:200]}
    return {"event_type": METADATA_EVENT, "event_payload": payload}


def nudge_id_of(message: dict[str, Any]) -> int | None:
    """The outbox row id a DM was posted for (None for other messages)."""
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != METADATA_EVENT:
        return None
    value = (metadata.get("event_payload") or {}).get("nudge_id")
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None


def is_user_id(address: str) -> bool:
    """A person (their DM with the bot) rather than a channel: Slack user ids start with U or W."""
    return address[:1] in ("U", "W")


def find_posted(gateway: SlackGateway, address: str, nudge_id: int) -> PostedMessage | None:
    """The message posted for this row, if any (the newest 200 of the DM or channel: a crash is recent)."""
    channel = gateway.open_dm(address) if is_user_id(address) else address
    for message in gateway.history(channel, limit=200):
        if nudge_id_of(message) == nudge_id:
            return PostedMessage(channel=channel, ts=str(message["ts"]))
    return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_local_claimants(claimants: Iterable[str]) -> set[str]:
    """Worker ids (host:pid:token) of processes on this host that no longer exist."""
    dead = set()
    for claimant in claimants:
        host, _, rest = claimant.partition(":")
        pid = rest.partition(":")[0]
        if host == HOST and pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            dead.add(claimant)
    return dead


@dataclass
class ReconcileReport:
    found_sent: int = 0
    requeued: int = 0
    unresolved: int = 0


def _abandoned(session: Session, *, now: datetime, lease: timedelta) -> list[tuple[int, str]]:
    claimants = session.scalars(select(NudgeDelivery.claimed_by).where(NudgeDelivery.state == "sending").distinct())
    dead = dead_local_claimants(c for c in claimants if c)
    rows = session.execute(
        select(NudgeDelivery.id, NudgeDelivery.claimed_by).where(
            NudgeDelivery.state == "sending",
            (NudgeDelivery.claimed_at < now - lease) | NudgeDelivery.claimed_by.in_(dead or {""}),
        )
    )
    return [(row_id, claimed_by or "") for row_id, claimed_by in rows]


def _take_over(session: Session, row_id: int, previous: str, *, worker_id: str, now: datetime) -> bool:
    """Atomically move one abandoned claim to this worker (only one reconciler wins)."""
    result = session.execute(
        update(NudgeDelivery)
        .where(NudgeDelivery.id == row_id, NudgeDelivery.state == "sending", NudgeDelivery.claimed_by == previous)
        .values(claimed_by=worker_id, claimed_at=now)
    )
    return bool(rowcount(result))


def reconcile_abandoned(
    factory: sessionmaker[Session], gateway: SlackGateway, *, worker_id: str, now: datetime, lease: timedelta
) -> ReconcileReport:
    """Resolve every abandoned 'sending' row against the DM history."""
    report = ReconcileReport()
    with session_scope(factory) as session:
        candidates = _abandoned(session, now=now, lease=lease)
    for row_id, previous in candidates:
        with session_scope(factory) as session:
            if not _take_over(session, row_id, previous, worker_id=worker_id, now=now):
                continue
            user_id = session.scalar(
                select(func.coalesce(NudgeDelivery.address, Person.slack_user_id))
                .outerjoin(Person, NudgeDelivery.person_id == Person.id)
                .where(NudgeDelivery.id == row_id)
            )
        try:
            posted = find_posted(gateway, str(user_id), row_id)
        except SlackError as exc:
            log.warning("could not check DM history for nudge %s: %s", row_id, exc)
            report.unresolved += 1
            continue  # stays claimed by us; the lease lets a later tick try again
        with session_scope(factory) as session:
            row = session.get(NudgeDelivery, row_id)
            if row is None or row.state != "sending" or row.claimed_by != worker_id:
                continue
            if posted is not None:
                row.state, row.channel_id, row.message_ts, row.sent_at = "sent", posted.channel, posted.ts, now
                row.last_error = None
                report.found_sent += 1
            else:
                row.state, row.claimed_by, row.claimed_at = "pending", None, None
                row.last_error = "recovered after a worker stopped; not posted yet"
                report.requeued += 1
    if candidates:
        log.info("reconciled %d abandoned nudges: %s", len(candidates), report)
    return report
