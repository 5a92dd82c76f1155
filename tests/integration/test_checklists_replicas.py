"""Several bot processes sharing one PostgreSQL post each checklist slot exactly once."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import sqlalchemy as sa

from tests.support.databases import PostgresDatabases

REPLICA = textwrap.dedent("""
    import asyncio, sys
    from datetime import datetime, UTC
    from bot.clock import FixedClock
    from bot.config import Plan
    from bot.services import build_services
    from bot.config import Settings

    async def main():
        services = build_services(Settings(database_url=sys.argv[1]), Plan(),
                                  FixedClock(datetime(2026, 11, 27, 14, 1, tzinfo=UTC)))
        posted = await services.checklists.post_due()
        await services.close()
        print(len(posted))

    asyncio.run(main())
""")


def test_four_replicas_racing_post_the_morning_checklist_once(
    postgres_databases: PostgresDatabases,
):
    url = postgres_databases.fresh()
    replicas = [
        subprocess.Popen([sys.executable, "-c", REPLICA, url], stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    posted = [int(r.communicate(timeout=60)[0].strip()) for r in replicas]
    assert all(r.returncode == 0 for r in replicas)
    assert sum(posted) == 1
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert (
            conn.scalar(sa.text("SELECT count(*) FROM checklist_runs WHERE checklist = 'morning'"))
            == 1
        )
        assert (
            conn.scalar(sa.text("SELECT count(*) FROM outbox WHERE kind = 'checklist.post'")) == 1
        )
    engine.dispose()
