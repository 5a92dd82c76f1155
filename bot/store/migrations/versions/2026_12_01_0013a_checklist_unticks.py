"""checklist unticks: every undone tick, with whose tick it was and who undid it

Revision ID: 0013a
Revises: 0013
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.columns import UTCDateTime

revision = "0013a"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checklist_unticks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "run_id",
            sa.Integer(),
            sa.ForeignKey("checklist_runs.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("ticked_by", sa.String(40), nullable=False),
        sa.Column("ticked_at", UTCDateTime(), nullable=False),
        sa.Column("unticked_by", sa.String(40), nullable=False),
        sa.Column("unticked_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_checklist_unticks_run_id", "checklist_unticks", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_checklist_unticks_run_id", "checklist_unticks")
    op.drop_table("checklist_unticks")
