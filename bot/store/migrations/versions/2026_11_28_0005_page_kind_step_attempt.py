"""page kind and step attempt as columns, no longer read out of their keys

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Filled from the keys as written since 0004: pages "L2:U0SUP1:1" (a page) or "N4:U0MGR1:1"
# (a notice), re-page steps "repage:L1:3" (try 3). The keys stay: they keep each one unique.


def upgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.add_column(sa.Column("kind", sa.String(10), nullable=False, server_default="page"))
    pages = sa.table("pages", sa.column("key", sa.String()), sa.column("kind", sa.String()))
    op.execute(pages.update().where(pages.c.key.like("N%")).values(kind="notice"))
    with op.batch_alter_table("escalation_steps") as batch:
        batch.add_column(sa.Column("attempt", sa.Integer(), nullable=True))
    steps = sa.table(
        "escalation_steps",
        sa.column("id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("key", sa.String()),
        sa.column("attempt", sa.Integer()),
    )
    connection = op.get_bind()
    repages = connection.execute(
        sa.select(steps.c.id, steps.c.key).where(steps.c.kind == "repage")
    ).all()
    if repages:
        connection.execute(
            steps.update()
            .where(steps.c.id == sa.bindparam("step_id"))
            .values(attempt=sa.bindparam("try_")),
            [{"step_id": row.id, "try_": int(row.key.rsplit(":", 1)[1])} for row in repages],
        )


def downgrade() -> None:
    with op.batch_alter_table("escalation_steps") as batch:
        batch.drop_column("attempt")
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("kind")
