"""The champions network (seed 001): power users an ambassador invited, and the success stories people share.

One `champions` row per person ever invited: invited → accepted (added to the playbook's champions channel) or
declined (the ambassador may invite again only after `champions.reinvite_after_days`). A success story is a
champion's tip (the "Share a tip" modal) or an ambassador's public celebration; its text is free text and is
cleared after `COACH_TEXT_RETENTION_DAYS` (docs/privacy.md).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Champion(Base):
    """A power user's invitation to the champions network and their answer."""

    __tablename__ = "champions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    department: Mapped[str | None] = mapped_column(String(128), index=True)
    state: Mapped[str] = mapped_column(String(16))  # invited | accepted | declined
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    channel_id: Mapped[str | None] = mapped_column(String(32))  # the champions channel they were added to
    channel_error: Mapped[str | None] = mapped_column(String(64))  # why conversations.invite failed, if it did


class SuccessStory(Base):
    """A success story: a champion's tip, or an ambassador's public celebration of someone."""

    __tablename__ = "success_stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    department: Mapped[str | None] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # tip | celebration
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(index=True)
