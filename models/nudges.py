"""The outbox: every outreach is a row with an idempotency key before anything is sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin


class NudgeDelivery(TimestampMixin, Base):
    """pending → sending → sent | skipped | failed; `idempotency_key` makes planning re-runnable.

    `subject` is what the nudge is about (a use-case key, a stage number) so the planner can ask "was the
    step for X sent already?" in SQL; `last_error` holds the latest deferral, skip or failure reason.
    Prerendered kinds (nudges/direct.py) carry their text in `payload` only until Slack took it.
    """

    __tablename__ = "nudge_deliveries"
    __table_args__ = (Index("ix_nudge_deliveries_state_due_at", "state", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a post in a channel (the admin channel) or to someone Coach has no person row for.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # Where a prerendered message goes (a user id for a DM, or a channel id); None: the person's DM.
    address: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str | None] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None]
    interacted_at: Mapped[datetime | None]
