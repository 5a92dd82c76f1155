"""check results keep no check definitions: drop "spec" (URLs with passwords) from stored runs

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28

Until now each run stored every check's whole definition beside its result, a database URL's
password included, to re-run it from there. A re-run now finds the check in the current config
by the run's checklist (or runbook) and item, so the copies only keep secrets: remove them.
There is no downgrade of the data: the definitions are gone, and a re-run does not need them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_runs = sa.table("checklist_runs", sa.column("id", sa.Integer()), sa.column("results", sa.JSON()))


def upgrade() -> None:
    connection = op.get_bind()
    stored = connection.execute(
        sa.select(_runs.c.id, _runs.c.results).where(_runs.c.results.is_not(None))
    ).all()
    for run_id, results in stored:
        if not isinstance(results, dict):
            continue
        if not any(isinstance(r, dict) and "spec" in r for r in results.values()):
            continue
        kept = {
            index: {k: v for k, v in r.items() if k != "spec"} if isinstance(r, dict) else r
            for index, r in results.items()
        }
        connection.execute(sa.update(_runs).where(_runs.c.id == run_id).values(results=kept))


def downgrade() -> None:
    pass
