"""runbook runs share the checklist run tables: kind, incident, thread, check results

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("checklist_runs") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(20), nullable=False, server_default="checklist")
        )
        batch.add_column(sa.Column("incident_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("thread_ts", sa.String(40), nullable=True))
        batch.add_column(sa.Column("results", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("checklist_runs") as batch:
        for column in ("note", "results", "thread_ts", "incident_id", "kind"):
            batch.drop_column(column)
