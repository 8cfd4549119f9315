"""Claiming outbox rows: each due row gets exactly one owner before anything is sent.

A claim moves rows from 'pending' to 'sending' in one statement (`FOR UPDATE SKIP LOCKED` on PostgreSQL;
SQLite serialises writers), stamped with a worker id that names its host and pid (nudges/reconcile.py
recognises the claims of a dead worker by them).
"""

from __future__ import annotations

import os
import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import NudgeDelivery
from nudges.reconcile import HOST


def new_worker_id() -> str:
    """host:pid:token — the host and pid let a restarted worker recognise claims of a dead one."""
    return f"{HOST}:{os.getpid()}:{secrets.token_hex(3)}"


def claim_due(session: Session, *, worker_id: str, now: datetime, limit: int) -> list[int]:
    """Move up to `limit` due pending rows to 'sending', owned by `worker_id`; returns their ids."""
    due = (
        select(NudgeDelivery.id)
        .where(NudgeDelivery.state == "pending", NudgeDelivery.due_at <= now)
        .order_by(NudgeDelivery.due_at, NudgeDelivery.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    stmt = (
        update(NudgeDelivery)
        .where(NudgeDelivery.id.in_(due.scalar_subquery()), NudgeDelivery.state == "pending")
        .values(state="sending", claimed_by=worker_id, claimed_at=now)
        .returning(NudgeDelivery.id)
    )
    return sorted(session.scalars(stmt).all())
