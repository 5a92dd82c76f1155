"""incidents, their timeline, and the outbox

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.columns import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("suggested", sa.Boolean(), nullable=False),
        sa.Column("matched_phrase", sa.String(200)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reporter", sa.String(40), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("ack_due_at", UTCDateTime(), nullable=False),
        sa.Column("resolve_due_at", UTCDateTime()),
        sa.Column("acknowledged_at", UTCDateTime()),
        sa.Column("acknowledged_by", sa.String(40)),
        sa.Column("resolved_at", UTCDateTime()),
        sa.Column("resolved_by", sa.String(40)),
        sa.Column("summary", sa.Text()),
        sa.Column("root_cause", sa.Text()),
        sa.Column("lessons", sa.Text()),
        sa.Column("post_channel", sa.String(40), nullable=False),
        sa.Column("post_ts", sa.String(40)),
        sa.Column("dedicated_channel", sa.String(40)),
        sa.Column("rating", sa.Integer()),
        sa.Column("rated_at", UTCDateTime()),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("source_key", sa.String(200), unique=True),
        # Never reuse a deleted incident's number: old posts and links must not point elsewhere.
        sqlite_autoincrement=True,
    )
    op.create_index("ix_incidents_status", "incidents", ["status"])
    op.create_table(
        "incident_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_index("ix_incident_events_incident", "incident_events", ["incident_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_until", UTCDateTime()),
        sa.Column("sent_at", UTCDateTime()),
        sa.Column("last_error", sa.Text()),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_key", "outbox", ["key", "status"])


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("incident_events")
    op.drop_table("incidents")
