"""Rollout waves (pilot, feedback gate, next wave), their members and pulse answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin


class Wave(TimestampMixin, Base):
    """state: draft/scheduled/active/paused/completed; phase: unfreeze/change/refreeze/feedback/done."""

    __tablename__ = "waves"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    goal: Mapped[str] = mapped_column(Text, default="")
    sponsor_user_id: Mapped[str | None] = mapped_column(String(32))
    purpose_message: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="draft")
    phase: Mapped[str] = mapped_column(String(16), default="unfreeze")
    start_date: Mapped[date | None] = mapped_column(Date)
    schedule: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    phase_started_at: Mapped[datetime | None]
    selectors: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    phase_ends_at: Mapped[datetime | None]  # None at the feedback gate: it stays open until the admin decides
    paused_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    feedback_round: Mapped[int] = mapped_column(default=0)  # +1 each time the gate opens (Extend reopens it)


class WaveMembership(TimestampMixin, Base):
    """A person enrolled in a wave; `running` rows are unique per person: at most one active wave each.

    The service checks first (and reports who was skipped); the partial unique index makes a race between
    two admins starting overlapping waves fail instead of double-enrolling someone.
    """

    __tablename__ = "wave_memberships"
    __table_args__ = (
        UniqueConstraint("wave_id", "person_id"),
        # Covering index for the KPI snapshot: one ordered pass gives each person's running wave.
        Index("ix_wave_memberships_person_running_wave", "person_id", "running", "wave_id"),
        Index(
            "uq_wave_memberships_running_person",
            "person_id",
            unique=True,
            sqlite_where=text("running = 1"),
            postgresql_where=text("running"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    enrolled_at: Mapped[datetime]
    running: Mapped[bool] = mapped_column(default=True)


class PulseResponse(TimestampMixin, Base):
    """Sentiment: a short score (and optional comment) a member gave about the change."""

    __tablename__ = "pulse_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(32), default="pulse")
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime]
    # Who answered, as they were at that moment, so Sentiment can be read by stage and department later.
    stage: Mapped[int | None]
    department: Mapped[str | None] = mapped_column(String(128))
