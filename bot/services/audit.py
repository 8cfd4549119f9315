"""The audit log: every admin change is recorded with who, what, before/after and when."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEntry


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str
    action: str
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    target: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    now: datetime,
) -> None:
    """Write one audit entry in the caller's transaction, so the change and its record commit together."""
    session.add(
        AuditEntry(at=now, actor=actor[:32], action=action[:64], target=target[:128], before=before, after=after)
    )
    session.flush()


def _row(entry: AuditEntry) -> AuditRow:
    return AuditRow(entry.at, entry.actor, entry.action, entry.target, entry.before, entry.after)


def recent(session: Session, *, limit: int = 10) -> list[AuditRow]:
    """The newest entries first (the admin Home tab shows a few)."""
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    return [_row(e) for e in session.scalars(stmt)]


def iter_entries(session: Session, *, since: datetime | None = None, batch: int = 500) -> Iterator[AuditRow]:
    """Every entry oldest first, streamed in batches (`coach audit`)."""
    stmt = select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id)
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    for entry in session.scalars(stmt.execution_options(yield_per=batch)):
        yield _row(entry)


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, tuple[Any, Any]]:
    """field → (before, after) for the fields that differ; used to print and to skip no-op edits."""
    before, after = before or {}, after or {}
    return {k: (before.get(k), after.get(k)) for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}
