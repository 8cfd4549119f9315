"""Help effects Slack could not take for a moment: stored with their snapshot, retried in order.

Effects and the delivery snapshot are frozen dataclasses of strings, numbers, datetimes and tuples, so they are
stored as JSON with their type name and read back exactly (lists come back as the tuples they were).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.domain.help.state import (
    AskAskerToConfirm,
    AskAskerToRate,
    Effect,
    NotifyAsker,
    NotifyOwner,
    PostToAdminChannel,
    RemindOwner,
)
from bot.services.help import DeliveryContext
from models import HelpRedelivery

TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        NotifyAsker,
        NotifyOwner,
        RemindOwner,
        PostToAdminChannel,
        AskAskerToConfirm,
        AskAskerToRate,
        DeliveryContext,
    )
}
BASE_WAIT = timedelta(seconds=30)
MAX_WAIT = timedelta(minutes=5)  # Slack back from an outage: help reaches people within minutes


def encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$type": type(value).__name__, **fields}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return value


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(decode(v) for v in value)
    if isinstance(value, dict):
        if "$dt" in value:
            return datetime.fromisoformat(value["$dt"])
        if "$type" in value:
            fields = {k: decode(v) for k, v in value.items() if k != "$type"}
            return TYPES[value["$type"]](**fields)
        return {k: decode(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Pending:
    """One stored pass, read back."""

    id: int
    attempts: int
    context: DeliveryContext
    effects: tuple[Effect, ...]


def keep(
    session: Session,
    ctx: DeliveryContext,
    effects: Sequence[Effect],
    *,
    attempts: int,
    error: str,
    now: datetime,
) -> None:
    """Store effects to retry; the wait doubles with each failed attempt, capped."""
    wait = min(BASE_WAIT * 2 ** max(0, attempts - 1), MAX_WAIT)
    session.add(
        HelpRedelivery(
            request_id=ctx.request_id,
            context=encode(ctx),
            effects=encode(list(effects)),
            attempts=attempts,
            due_at=now + wait,
            last_error=error[:1000],
        )
    )
    session.flush()


def due(session: Session, now: datetime, limit: int = 100) -> list[Pending]:
    """Due passes, oldest first; the caller removes each with `done` once it was delivered (or stored again)."""
    stmt = select(HelpRedelivery).where(HelpRedelivery.due_at <= now).order_by(HelpRedelivery.id).limit(limit)
    return [Pending(r.id, r.attempts, decode(r.context), tuple(decode(r.effects))) for r in session.scalars(stmt)]


def done(session: Session, pending_id: int) -> None:
    session.execute(delete(HelpRedelivery).where(HelpRedelivery.id == pending_id))
