"""seen_requests: Slack requests already taken in, so a replayed copy does nothing

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seen_requests",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_seen_requests_created_at", "seen_requests", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_seen_requests_created_at", table_name="seen_requests")
    op.drop_table("seen_requests")
