"""The outbox: every outreach becomes a row, keyed for idempotency, before anything is sent.

Planning can run any number of times (on any number of replicas): the unique `idempotency_key` makes a
second insert of the same nudge a no-op. Delivery (nudges/worker.py) claims rows and sends them.

One key format for every producer: `{kind}:{person_id}:{part}:{part}…`, cut to `KEY_LENGTH`. `outbox_key`
builds it in Python; `outbox_key_sql` builds the same string in SQL for the set-based planner (a test
checks the two agree). `outbox_row` is the one shape of a new row, for `enqueue` and for bulk inserts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, cast, func, literal
from sqlalchemy.orm import Session

from bot.db import insert_ignore
from models import NudgeDelivery

KEY_LENGTH = 200  # the column's width


def outbox_key(kind: str, person_id: int, *parts: object) -> str:
    """The idempotency key of one outreach: one per kind, person and whatever makes it distinct."""
    return ":".join([str(kind), str(person_id), *(str(part) for part in parts)])[:KEY_LENGTH]


def outbox_key_sql(kind: str, person_id: ColumnElement[Any], *parts: ColumnElement[Any] | str) -> ColumnElement[str]:
    """`outbox_key` as a SQL expression over columns (NULL when a part is NULL, so such rows can be filtered)."""
    key: ColumnElement[Any] = literal(f"{kind}:", String) + cast(person_id, String)
    for part in parts:
        key = key + literal(":", String) + (literal(part, String) if isinstance(part, str) else part)
    return func.substr(key, 1, KEY_LENGTH)


PRERENDERED_FIELDS = ("text", "blocks")  # what a prerendered row carries only until Slack took it


def scrubbed(payload: dict[str, Any] | None) -> dict[str, Any]:
    """A row's payload without its message text (privacy: the outbox does not keep what was said)."""
    return {k: v for k, v in (payload or {}).items() if k not in PRERENDERED_FIELDS}


def outbox_row(
    *,
    person_id: int | None,
    kind: str,
    idempotency_key: str,
    due_at: datetime,
    payload: dict[str, Any] | None = None,
    subject: str | None = None,
    state: str = "pending",
    reason: str | None = None,
    created_at: datetime | None = None,
    address: str | None = None,
) -> dict[str, Any]:
    """The column values of one new outbox row (for `enqueue` and for producers that insert in bulk)."""
    values: dict[str, Any] = {"created_at": created_at} if created_at else {}
    return {
        **values,
        "person_id": person_id,
        "address": address,
        "kind": kind,
        "subject": subject,
        "idempotency_key": idempotency_key[:KEY_LENGTH],
        "due_at": due_at,
        "state": state,
        "attempts": 0,
        "last_error": reason,
        "payload": payload or {},
    }


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
    an answer and the key is used up. Build `idempotency_key` with `outbox_key`.
    """
    row = outbox_row(
        person_id=person_id,
        kind=kind,
        idempotency_key=idempotency_key,
        due_at=due_at,
        payload=payload,
        subject=subject,
        state=state,
        reason=reason,
        created_at=created_at,
    )
    return insert_ignore(session, NudgeDelivery, row, conflict=["idempotency_key"])
