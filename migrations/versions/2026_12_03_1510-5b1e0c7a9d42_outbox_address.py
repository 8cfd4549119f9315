"""outbox rows for every message: an address, and no person for channel posts

Revision ID: 5b1e0c7a9d42
Revises: 3ed46eb4df77
Create Date: 2026-12-03 15:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b1e0c7a9d42"
down_revision: str | None = "3ed46eb4df77"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("nudge_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sa.String(length=32), nullable=True))
        batch_op.alter_column("person_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM nudge_deliveries WHERE person_id IS NULL")
    with op.batch_alter_table("nudge_deliveries", schema=None) as batch_op:
        batch_op.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("address")
