"""Help requests routed to named people, their history, and the contact directory."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin


class HelpRequest(TimestampMixin, Base):
    """A question the asker sent to the bot; always has one owner and a next deadline while open.

    ``state`` is "faq" while the asker looks at FAQ answers (not routed yet, no owner), then the domain's
    open → taken → answered → closed. ``routing`` holds the domain state (chain, hours, SLA, reminders)
    as JSON; the columns beside it mirror what queries and metrics need. ``version`` makes concurrent
    clicks and ticks safe: a stale write fails and is retried on fresh data.
    """

    __tablename__ = "help_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    asker_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    asker_user: Mapped[str] = mapped_column(String(32), default="")
    via: Mapped[str] = mapped_column(String(16), default="button")
    opened_at: Mapped[datetime | None]
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
    owner_is_channel: Mapped[bool] = mapped_column(default=False)
    resolution: Mapped[str | None] = mapped_column(String(32))
    sla_first_response_due: Mapped[datetime | None]
    confirm_due: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    wake_at: Mapped[datetime | None] = mapped_column(index=True)
    faq_shown: Mapped[int] = mapped_column(default=0)
    asker_channel: Mapped[str | None] = mapped_column(String(32))
    asker_ts: Mapped[str | None] = mapped_column(String(32))
    routing: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads a plain dict


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


class HelpContactCheck(TimestampMixin, Base):
    """Evergreen directory: every contact confirms each 90 days that they are still the right person."""

    __tablename__ = "help_contact_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), unique=True)
    confirmed_at: Mapped[datetime]
    asked_at: Mapped[datetime | None]
    flagged_at: Mapped[datetime | None]
    flag_reason: Mapped[str | None] = mapped_column(String(255))
