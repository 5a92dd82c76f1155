"""reports: one row per posted (or missed) report, unique per scheduled slot; the indexes
reports read incidents, pages and timelines by

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.columns import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_incidents_created_at", "incidents", "created_at"),
    ("ix_incidents_resolved_at", "incidents", "resolved_at"),
    ("ix_pages_sent_at", "pages", "sent_at"),
    ("ix_pages_created_at", "pages", "created_at"),
    ("ix_incident_events_at", "incident_events", "at"),
)


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
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_table("reports")
