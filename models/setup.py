"""What an admin set up in the Home tab's first-run checklist, so the playbook file need not be edited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin


class SetupState(TimestampMixin, Base):
    """One row (id 1): the executive sponsor picked in the Home tab (it replaces the playbook's
    `purpose.sponsor` in welcomes) and when people were last synced from Slack. Help contacts picked
    in the checklist are `HelpContact` rows, the directory's own admin overrides."""

    __tablename__ = "setup_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    sponsor_user_id: Mapped[str | None] = mapped_column(String(32))
    people_synced_at: Mapped[datetime | None]
    updated_by: Mapped[str | None] = mapped_column(String(32))
