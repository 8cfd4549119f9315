"""The outbox: every outreach becomes a row, keyed for idempotency, before anything is sent.

Planning can run any number of times (on any number of replicas): the unique `idempotency_key` makes a
second insert of the same nudge a no-op. Delivery (nudges/worker.py) claims rows and sends them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.db import insert_ignore
from models import NudgeDelivery


def enqueue(
    session: Session,
    *,
    person_id: int,
    kind: str,
    idempotency_key: str,
    due_at: datetime,
    payload: dict[str, Any] | None = None,
    subject: str | None = None,
    state: str = "pending",
    reason: str | None = None,
    created_at: datetime | None = None,
) -> bool:
    """Queue one outreach; False when a row with the same key already exists (nothing is sent twice).

    `state="skipped"` with a `reason` records a nudge the rules refused, so "who was skipped and why" has
    an answer and the key is used up.
    """
    values: dict[str, Any] = {"created_at": created_at} if created_at else {}
    return insert_ignore(
        session,
        NudgeDelivery,
        {
            **values,
            "person_id": person_id,
            "kind": kind,
            "subject": subject,
            "idempotency_key": idempotency_key[:200],
            "due_at": due_at,
            "state": state,
            "attempts": 0,
            "last_error": reason,
            "payload": payload or {},
        },
        conflict=["idempotency_key"],
    )
