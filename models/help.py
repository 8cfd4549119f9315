"""Help requests routed to named people, their history, and the contact directory."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin


class HelpRequest(TimestampMixin, Base):
    """A question the asker sent to the bot; always has one owner and a next deadline while open."""

    __tablename__ = "help_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(64), index=True)
    department: Mapped[str | None] = mapped_column(String(128))
    question: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)
    owner: Mapped[str] = mapped_column(String(64))
    level: Mapped[int] = mapped_column(default=0)
    first_response_due: Mapped[datetime | None]
    resolution_due: Mapped[datetime | None]
    next_deadline: Mapped[datetime | None] = mapped_column(index=True)
    first_response_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    reopen_count: Mapped[int] = mapped_column(default=0)
    satisfaction: Mapped[int | None]
    thread_channel: Mapped[str | None] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))


class HelpStep(Base):
    """Every routing, escalation and hand-over step, so the request keeps its history."""

    __tablename__ = "help_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)


class HelpContact(TimestampMixin, Base):
    """Admin-editable directory entry; overrides the playbook's contacts for a topic/department."""

    __tablename__ = "help_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), index=True)
    department: Mapped[str | None] = mapped_column(String(128))
    primary_user: Mapped[str] = mapped_column(String(32))
    backup_user: Mapped[str | None] = mapped_column(String(32))
    hours: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    confirmed_at: Mapped[datetime | None]
