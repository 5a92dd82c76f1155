"""reports: one row per posted (or missed) report, unique per scheduled slot

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("slot_key", sa.String(120), nullable=False, unique=True),
        sa.Column("slot_at", UTCDateTime(), nullable=False),
        sa.Column("period_start", UTCDateTime(), nullable=False),
        sa.Column("period_end", UTCDateTime(), nullable=False),
        sa.Column("cutoff", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("ts", sa.String(40)),
        sa.Column("requested_by", sa.String(40)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("messages", sa.JSON()),
        sa.Column("charts", sa.JSON()),
        sa.Column("files", sa.JSON()),
    )
    op.create_index("ix_reports_kind_period", "reports", ["kind", "period_start"])


def downgrade() -> None:
    op.drop_table("reports")
