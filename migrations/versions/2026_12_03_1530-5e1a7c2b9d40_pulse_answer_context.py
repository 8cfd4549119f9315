"""pulse answers carry the person's stage and department at that moment

Revision ID: 5e1a7c2b9d40
Revises: d7733f8d88e9
Create Date: 2026-12-03 15:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1a7c2b9d40"
down_revision: str | None = "d7733f8d88e9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pulse_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("department", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pulse_responses", schema=None) as batch_op:
        batch_op.drop_column("department")
        batch_op.drop_column("stage")
