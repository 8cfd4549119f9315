"""What an admin set up in the Home tab's first-run checklist, so the playbook file need not be edited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin


class SetupState(TimestampMixin, Base):
    """One row (id 1): the executive sponsor picked in the Home tab (it replaces the playbook's
    `purpose.sponsor` in welcomes) and the people sync: when it last finished, what it changed, and while one
    runs, its users.list cursor (so an interrupted sync resumes there). Help contacts picked in the checklist
    are `HelpContact` rows, the directory's own admin overrides."""

    __tablename__ = "setup_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    sponsor_user_id: Mapped[str | None] = mapped_column(String(32))
    people_synced_at: Mapped[datetime | None]  # the last sync that walked all of users.list
    # The sync under way (or interrupted): the cursor of the next users.list page, None when none runs.
    sync_cursor: Mapped[str | None] = mapped_column(String(512))
    sync_started_at: Mapped[datetime | None]
    sync_heartbeat_at: Mapped[datetime | None]  # renewed per page; a stale one is an interrupted sync
    sync_holder: Mapped[str | None] = mapped_column(String(64))
    # What the current (or last finished) sync changed; `sync_problem` names what it could not do (e.g. a
    # profile field the workspace does not have).
    sync_added: Mapped[int] = mapped_column(default=0)
    sync_updated: Mapped[int] = mapped_column(default=0)
    sync_deactivated: Mapped[int] = mapped_column(default=0)
    sync_problem: Mapped[str | None] = mapped_column(String(500))
    updated_by: Mapped[str | None] = mapped_column(String(32))
