"""What Coach keeps so that privacy choices hold: who asked not to be tracked, and which Home view an admin chose."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class DoNotTrack(Base):
    """A person who pressed "Delete everything": only a keyed one-way hash of their Slack user id.

    No person row survives the deletion, so nothing else links the hash to anyone; events, syncs and
    lookups check it before they would create the person again (bot/services/privacy.py).
    """

    __tablename__ = "do_not_track"

    user_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # HMAC-SHA256 hex
    since: Mapped[datetime]


class HomeChoice(Base):
    """Which Home view an admin last chose: "admin" (the default) or "journey" (their own ladder and privacy)."""

    __tablename__ = "home_choices"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    view: Mapped[str] = mapped_column(String(16), default="admin")
    chosen_at: Mapped[datetime]
