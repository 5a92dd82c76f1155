"""monitoring: samples, hourly and daily rollups, each monitor's status, alerts, mutes

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "monitor_samples",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("monitor", sa.String(60), nullable=False),
        _at("at"),
        _at("until"),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("response_ms", sa.Integer(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("summary", sa.String(200), nullable=False),
    )
    op.create_index("ix_monitor_samples_monitor_at", "monitor_samples", ["monitor", "at"])
    op.create_table(
        "monitor_rollups",
        sa.Column("monitor", sa.String(60), primary_key=True),
        sa.Column("period", sa.String(8), primary_key=True),
        sa.Column("start", sa.DateTime(timezone=True), primary_key=True),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in ("up_s", "degraded_s", "down_s", "unknown_s", "maintenance_s")
        ),
        sa.Column("checks", sa.Integer(), nullable=False),
        sa.Column("failed_checks", sa.Integer(), nullable=False),
        sa.Column("response_ms_sum", sa.Float(), nullable=False),
        sa.Column("response_count", sa.Integer(), nullable=False),
        sa.Column("value_sum", sa.Float(), nullable=False),
        sa.Column("value_count", sa.Integer(), nullable=False),
    )
    op.create_index("ix_monitor_rollups_period_start", "monitor_rollups", ["period", "start"])
    op.create_table(
        "monitor_status",
        sa.Column("monitor", sa.String(60), primary_key=True),
        sa.Column("state", sa.String(12), nullable=False),
        _at("since"),
        _at("checked_at", nullable=True),
        _at("next_due"),
        sa.Column("failed_in_row", sa.Integer(), nullable=False),
        sa.Column("good_in_row", sa.Integer(), nullable=False),
        sa.Column("response_ms", sa.Integer(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("summary", sa.String(200), nullable=False),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("monitor", sa.String(60), nullable=False),
        sa.Column("rule", sa.String(30), nullable=False),
        sa.Column("open_key", sa.String(100), nullable=True, unique=True),
        sa.Column("state", sa.String(12), nullable=False),
        _at("started_at"),
        _at("fired_at", nullable=True),
        _at("reminded_at", nullable=True),
        _at("resolved_at", nullable=True),
        sa.Column("good_in_row", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("summary", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(40), nullable=True),
        sa.Column("ts", sa.String(40), nullable=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("acked_by", sa.String(40), nullable=True),
        _at("acked_at", nullable=True),
    )
    op.create_index("ix_alerts_state", "alerts", ["state"])
    op.create_index("ix_alerts_monitor", "alerts", ["monitor"])
    op.create_table(
        "monitor_mutes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("monitor", sa.String(60), nullable=True),
        sa.Column("kind", sa.String(12), nullable=False),
        _at("starts_at"),
        _at("ends_at"),
        sa.Column("by", sa.String(40), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        _at("created_at"),
    )
    op.create_index("ix_monitor_mutes_ends_at", "monitor_mutes", ["ends_at"])


def downgrade() -> None:
    op.drop_table("monitor_mutes")
    op.drop_index("ix_alerts_monitor", table_name="alerts")
    op.drop_index("ix_alerts_state", table_name="alerts")
    op.drop_table("alerts")
    op.drop_table("monitor_status")
    op.drop_index("ix_monitor_rollups_period_start", table_name="monitor_rollups")
    op.drop_table("monitor_rollups")
    op.drop_index("ix_monitor_samples_monitor_at", table_name="monitor_samples")
    op.drop_table("monitor_samples")
