"""What the bot observed people do: counts and completions only, never message text."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin


class ProcessedEvent(Base):
    """One row per Slack event_id, so Slack's retries (X-Slack-Retry-Num) are processed once."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime]


class Completion(TimestampMixin, Base):
    """A use case a person has done, and how we know (observed, self_report, verified, ambassador, imported)."""

    __tablename__ = "completions"
    __table_args__ = (UniqueConstraint("person_id", "use_case_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    use_case_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="done")  # done | pending (self-report awaiting check)
    source: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str | None] = mapped_column(String(64))
    confirmed_by: Mapped[str | None] = mapped_column(String(32))
    completed_at: Mapped[datetime]


class LessonCompletion(TimestampMixin, Base):
    """A lesson of a role's training track (playbook `tracks`) that the person marked done."""

    __tablename__ = "lesson_completions"
    __table_args__ = (UniqueConstraint("person_id", "track", "lesson_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    track: Mapped[str] = mapped_column(String(32))  # the role: sponsor, ambassador, admin
    lesson_key: Mapped[str] = mapped_column(String(64))
    completed_at: Mapped[datetime]


class CriterionHit(Base):
    """An event that matched a use case's criteria; counted for `count`/`within_days` criteria."""

    __tablename__ = "criterion_hits"
    __table_args__ = (UniqueConstraint("person_id", "use_case_key", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    use_case_key: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime]


class DailyActivity(Base):
    """Per person per day counters (Adoption and Maturity metrics come from these)."""

    __tablename__ = "daily_activity"
    __table_args__ = (UniqueConstraint("person_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    messages: Mapped[int] = mapped_column(default=0)
    replies: Mapped[int] = mapped_column(default=0)
    reactions: Mapped[int] = mapped_column(default=0)
    files: Mapped[int] = mapped_column(default=0)
    apps: Mapped[int] = mapped_column(default=0)
    bot_dms: Mapped[int] = mapped_column(default=0)

    @hybrid_property
    def total(self) -> int:
        """Everything the person did that day: "active" means a non-zero total (in Python or in SQL)."""
        return self.messages + self.replies + self.reactions + self.files + self.apps + self.bot_dms
