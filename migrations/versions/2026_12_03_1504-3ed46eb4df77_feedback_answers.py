"""feedback answers: the delivered question, gate round, stage, department and "show my name" per answer

Revision ID: 3ed46eb4df77
Revises: ae687920d21e
Create Date: 2026-12-03 15:04:03.988194
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3ed46eb4df77"
down_revision: str | None = "ae687920d21e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pulse_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nudge_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("round", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("stage", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("department", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("show_name", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_unique_constraint(batch_op.f("uq_pulse_responses_nudge_id"), ["nudge_id"])
        batch_op.create_unique_constraint(
            batch_op.f("uq_pulse_responses_person_id_wave_id_kind_round"), ["person_id", "wave_id", "kind", "round"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_pulse_responses_nudge_id_nudge_deliveries"),
            "nudge_deliveries",
            ["nudge_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("pulse_responses", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_pulse_responses_nudge_id_nudge_deliveries"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_pulse_responses_person_id_wave_id_kind_round"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_pulse_responses_nudge_id"), type_="unique")
        batch_op.drop_column("show_name")
        batch_op.drop_column("department")
        batch_op.drop_column("stage")
        batch_op.drop_column("round")
        batch_op.drop_column("nudge_id")
