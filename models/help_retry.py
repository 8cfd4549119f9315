"""Help messages Slack could not take for a moment (5xx, timeouts), kept until they are delivered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class HelpRedelivery(Base):
    """One delivery pass's effects that failed transiently, with the snapshot they render from.

    Retried in id order by the help tick until Slack takes them; permanent errors are never stored here (they
    move the request on at once).
    """

    __tablename__ = "help_redeliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"), index=True)
    context: Mapped[dict[str, Any]] = mapped_column(JSON)
    effects: Mapped[list[Any]] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(default=1)
    due_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
