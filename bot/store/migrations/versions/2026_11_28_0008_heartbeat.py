"""heartbeat: the row /healthz rewrites to prove the database takes writes

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from bot.store.columns import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    heartbeat = op.create_table(
        "heartbeat",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("beat_at", UTCDateTime(), nullable=False),
    )
    op.bulk_insert(heartbeat, [{"id": 1, "beat_at": datetime.now(UTC)}])


def downgrade() -> None:
    op.drop_table("heartbeat")
