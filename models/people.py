"""People in the workspace and the roles they hold in the rollout."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin

# Column values for a person created before Slack told us anything about them (Core inserts skip ORM defaults).
PERSON_DEFAULTS: dict[str, Any] = {
    "display_name": "",
    "locale": "en",
    "tz": "UTC",
    "is_workspace_admin": False,
    "deactivated": False,
    "current_stage": 0,
}


class Person(TimestampMixin, Base):
    """An employee synced from Slack; bots are never stored, deactivated people are kept but flagged."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(255), default="")
    department: Mapped[str | None] = mapped_column(String(128), index=True)
    locale: Mapped[str] = mapped_column(String(16), default="en")
    locale_override: Mapped[str | None] = mapped_column(String(16))
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    # ISO 3166 country (JP, US…) whose public holidays the person has off: from a profile field, the playbook's
    # office mapping, or the time zone (bot/services/people.py `country_of`).
    country: Mapped[str | None] = mapped_column(String(2))
    # Slack's `updated` (epoch seconds) of the user object last applied: an incremental sync re-reads the
    # custom profile fields (users.profile.get, paced) only of people whose `updated` moved.
    slack_updated: Mapped[int | None] = mapped_column(BigInteger)
    is_workspace_admin: Mapped[bool] = mapped_column(default=False)
    deactivated: Mapped[bool] = mapped_column(default=False, index=True)
    current_stage: Mapped[int] = mapped_column(default=0)
    stage_reached_at: Mapped[datetime | None]
    last_active_at: Mapped[datetime | None]
    # Only people who have looked at their Home tab get it re-published after progress; the rest get a fresh
    # one built when they first open it (app_home_opened), so no views.publish call is wasted.
    home_opened_at: Mapped[datetime | None]
    snoozed_until: Mapped[datetime | None]
    opted_out_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)

    roles: Mapped[list[Role]] = relationship(back_populates="person", cascade="all, delete-orphan")

    @property
    def effective_locale(self) -> str:
        return self.locale_override or self.locale


class Role(TimestampMixin, Base):
    """admin, sponsor, ambassador (per department) or help_contact."""

    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("person_id", "role", "department"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    department: Mapped[str | None] = mapped_column(String(128))

    person: Mapped[Person] = relationship(back_populates="roles")


class Channel(Base):
    """Channel id → name cache: events carry ids, playbook criteria name channels."""

    __tablename__ = "channels"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), index=True)
    is_private: Mapped[bool] = mapped_column(default=False)
    bot_is_member: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime]
