"""Claiming outbox rows: each due row gets exactly one owner before anything is sent.

A claim moves rows from 'pending' to 'sending' in one statement (`FOR UPDATE SKIP LOCKED` on PostgreSQL;
SQLite serialises writers), stamped with a worker id that names its host and pid (nudges/reconcile.py
recognises the claims of a dead worker by them).
"""

from __future__ import annotations

import os
import secrets
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, String, bindparam, select, update
from sqlalchemy.orm import Session

from models import NudgeDelivery
from models.base import UTCDateTime
from nudges.reconcile import HOST


def new_worker_id() -> str:
    """host:pid:token — the host and pid let a restarted worker recognise claims of a dead one."""
    return f"{HOST}:{os.getpid()}:{secrets.token_hex(3)}"


def claim_due(session: Session, *, worker_id: str, now: datetime, limit: int) -> list[int]:
    """Move up to `limit` due pending rows to 'sending', owned by `worker_id`; returns their ids."""
    stmt = _claim_statement(session.get_bind().dialect.name == "postgresql")
    params = {"claim_now": now, "claim_limit": limit, "claim_worker": worker_id}
    return sorted(session.scalars(stmt, params).all())


@cache
def _claim_statement(postgres: bool) -> Any:
    """The claim, built once per backend (`now`, `limit` and the worker id are bound): it runs every few seconds."""
    now = bindparam("claim_now", type_=UTCDateTime())
    due = (
        select(NudgeDelivery.id)
        .where(NudgeDelivery.state == "pending", NudgeDelivery.due_at <= now)
        .order_by(NudgeDelivery.due_at, NudgeDelivery.id)
        .limit(bindparam("claim_limit", type_=Integer()))
    )
    if postgres:
        due = due.with_for_update(skip_locked=True)
    return (
        update(NudgeDelivery)
        .where(NudgeDelivery.id.in_(due.scalar_subquery()), NudgeDelivery.state == "pending")
        .values(state="sending", claimed_by=bindparam("claim_worker", type_=String()), claimed_at=now)
        .returning(NudgeDelivery.id)
    )
