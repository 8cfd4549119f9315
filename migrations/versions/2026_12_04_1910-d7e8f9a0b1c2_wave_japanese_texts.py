"""waves: goal and purpose message in Japanese too

Revision ID: d7e8f9a0b1c2
Revises: e5a7c9b1d3f2
Create Date: 2026-12-04 19:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d7e8f9a0b1c2"
down_revision: str | None = "e5a7c9b1d3f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("waves") as batch:
        batch.add_column(sa.Column("goal_ja", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("purpose_message_ja", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("waves") as batch:
        batch.drop_column("purpose_message_ja")
        batch.drop_column("goal_ja")
