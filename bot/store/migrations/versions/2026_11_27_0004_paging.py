"""paging: page attempts, escalation steps, on-call overrides and handoffs; SLA breaches

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.columns import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("ack_breached_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("resolve_breached_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("paging_deferred_until", UTCDateTime(), nullable=True))
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("user", sa.String(40), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("attempted_at", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("channel", sa.String(40), nullable=True),
        sa.Column("ts", sa.String(40), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.UniqueConstraint("incident_id", "key", name="uq_page_key"),
    )
    op.create_table(
        "escalation_steps",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.UniqueConstraint("incident_id", "key", name="uq_escalation_step_key"),
    )
    op.create_index("ix_escalation_steps_due", "escalation_steps", ["status", "due_at"])
    op.create_table(
        "oncall_overrides",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("user", sa.String(40), nullable=False),
        sa.Column("covering", sa.String(40), nullable=True),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_oncall_overrides_window", "oncall_overrides", ["ends_at", "starts_at"])
    op.create_table(
        "oncall_handoffs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slot_key", sa.String(40), nullable=False, unique=True),
        sa.Column("slot_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("oncall_handoffs")
    op.drop_index("ix_oncall_overrides_window", "oncall_overrides")
    op.drop_table("oncall_overrides")
    op.drop_index("ix_escalation_steps_due", "escalation_steps")
    op.drop_table("escalation_steps")
    op.drop_table("pages")
    with op.batch_alter_table("incidents") as batch:
        for column in ("paging_deferred_until", "resolve_breached_at", "ack_breached_at"):
            batch.drop_column(column)
