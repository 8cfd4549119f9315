"""privacy: do-not-track markers and admins' Home view choice

Revision ID: c4d1e2f3a5b6
Revises: 95fa1096a8f5
Create Date: 2026-12-04 14:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import UTCDateTime

revision: str = "c4d1e2f3a5b6"
down_revision: str | None = "95fa1096a8f5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "do_not_track",
        sa.Column("user_hash", sa.String(length=64), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_hash", name=op.f("pk_do_not_track")),
    )
    op.create_table(
        "home_choices",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("view", sa.String(length=16), nullable=False),
        sa.Column("chosen_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_home_choices_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_home_choices")),
    )


def downgrade() -> None:
    op.drop_table("home_choices")
    op.drop_table("do_not_track")
