"""resolutions: every write-up an incident was resolved with, not only the latest

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.columns import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resolutions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("resolved_at", UTCDateTime(), nullable=False),
        sa.Column("resolved_by", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("root_cause", sa.Text()),
        sa.Column("lessons", sa.Text()),
    )
    op.create_index("ix_resolutions_incident", "resolutions", ["incident_id"])
    # The write-up each incident holds now was its latest resolution (a reopened one keeps it).
    op.execute(
        "INSERT INTO resolutions"
        " (incident_id, resolved_at, resolved_by, summary, root_cause, lessons)"
        " SELECT id, COALESCE(resolved_at, updated_at), COALESCE(resolved_by, ''), summary,"
        " root_cause, lessons FROM incidents WHERE summary IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index("ix_resolutions_incident", table_name="resolutions")
    op.drop_table("resolutions")
