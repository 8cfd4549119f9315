"""Rollout waves (pilot, feedback gate, next wave), their members and pulse answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin


class Wave(TimestampMixin, Base):
    """state: draft/scheduled/active/paused/completed; phase: unfreeze/change/refreeze/feedback/done."""

    __tablename__ = "waves"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    goal: Mapped[str] = mapped_column(Text, default="")
    sponsor_user_id: Mapped[str | None] = mapped_column(String(32))
    purpose_message: Mapped[str] = mapped_column(Text, default="")  # English (or the only one written)
    goal_ja: Mapped[str] = mapped_column(Text, default="", server_default="")
    purpose_message_ja: Mapped[str] = mapped_column(Text, default="", server_default="")
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
    """Sentiment: a short score (and optional comment) a member gave about the change.

    Stage, department, wave and gate round are copied from the moment of answering, so answers can be read
    by stage or department later without guessing where the person was then. Two unique constraints make
    a double click count once: one answer per delivered question (`nudge_id`), and one per person, wave,
    kind and gate round (NULL rounds, i.e. answers outside a gate, are not constrained by the second).
    """

    __tablename__ = "pulse_responses"
    __table_args__ = (UniqueConstraint("person_id", "wave_id", "kind", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(32), default="pulse")
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime]
    nudge_id: Mapped[int | None] = mapped_column(
        ForeignKey("nudge_deliveries.id", ondelete="SET NULL"), unique=True
    )  # the delivered question this answers
    round: Mapped[int | None]  # the wave's feedback round (gate answers)
    stage: Mapped[int | None]  # the person's stage when they answered
    department: Mapped[str | None] = mapped_column(String(128))  # their department when they answered
    show_name: Mapped[bool] = mapped_column(
        default=False, server_default=false()
    )  # the person ticked "show my name" with a comment
