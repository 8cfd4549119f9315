"""champions: invitations to the champions network and success stories

Revision ID: e5f6a7b8c9d0
Revises: c4d1e2f3a5b6
Create Date: 2026-12-04 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import UTCDateTime

revision: str = "e5f6a7b8c9d0"
down_revision: str | None = "c4d1e2f3a5b6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "champions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=128), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("invited_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("channel_error", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["invited_by_id"], ["people.id"], name=op.f("fk_champions_invited_by_id_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_champions_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_champions")),
        sa.UniqueConstraint("person_id", name=op.f("uq_champions_person_id")),
    )
    op.create_index(op.f("ix_champions_department"), "champions", ["department"], unique=False)
    op.create_table(
        "success_stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("department", sa.String(length=128), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name=op.f("fk_success_stories_author_id_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_success_stories_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_success_stories")),
    )
    op.create_index(op.f("ix_success_stories_created_at"), "success_stories", ["created_at"], unique=False)
    op.create_index(op.f("ix_success_stories_department"), "success_stories", ["department"], unique=False)
    op.create_index(op.f("ix_success_stories_person_id"), "success_stories", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_success_stories_person_id"), table_name="success_stories")
    op.drop_index(op.f("ix_success_stories_department"), table_name="success_stories")
    op.drop_index(op.f("ix_success_stories_created_at"), table_name="success_stories")
    op.drop_table("success_stories")
    op.drop_index(op.f("ix_champions_department"), table_name="champions")
    op.drop_table("champions")
