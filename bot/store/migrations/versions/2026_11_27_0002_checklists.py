"""checklist runs and ticks

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.columns import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checklist_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("checklist", sa.String(40), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("slot_key", sa.String(120), nullable=False, unique=True),
        sa.Column("slot_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("ts", sa.String(40)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_checklist_runs_slot_at", "checklist_runs", ["slot_at"])
    op.create_table(
        "checklist_ticks",
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
        sa.UniqueConstraint("run_id", "item", name="uq_checklist_tick"),
    )


def downgrade() -> None:
    op.drop_table("checklist_ticks")
    op.drop_table("checklist_runs")
