"""people sync: country and Slack's `updated` per person; the sync's cursor and changes on setup_state

Revision ID: e5a7c9b1d3f2
Revises: e5f6a7b8c9d0
Create Date: 2026-12-04 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "e5a7c9b1d3f2"
down_revision: str | None = "e5f6a7b8c9d0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("country", sa.String(length=2), nullable=True))
        batch.add_column(sa.Column("slack_updated", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("setup_state") as batch:
        batch.add_column(sa.Column("sync_cursor", sa.String(length=512), nullable=True))
        batch.add_column(sa.Column("sync_started_at", models.base.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("sync_heartbeat_at", models.base.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("sync_holder", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("sync_added", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("sync_updated", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("sync_deactivated", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("sync_problem", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("setup_state") as batch:
        for name in (
            "sync_problem",
            "sync_deactivated",
            "sync_updated",
            "sync_added",
            "sync_holder",
            "sync_heartbeat_at",
            "sync_started_at",
            "sync_cursor",
        ):
            batch.drop_column(name)
    with op.batch_alter_table("people") as batch:
        batch.drop_column("slack_updated")
        batch.drop_column("country")
