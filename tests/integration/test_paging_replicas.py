"""Several bot processes sharing one PostgreSQL run each escalation step and send each page
attempt exactly once: row locks and unique keys decide, not timing."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from datetime import timedelta

import sqlalchemy as sa

from bot.clock import FixedClock
from bot.config import Plan, Settings
from bot.incidents import Declaration
from bot.services import build_services
from bot.slack import Action
from tests.integration.conftest import PEOPLE, TOKEN
from tests.integration.flows import page_counts, pages_to, posts
from tests.integration.test_paging import ROTATION_MORNING
from tests.support.databases import PostgresDatabases

INCIDENTS = 20
REPLICA = textwrap.dedent("""
    import asyncio, sys, time
    from datetime import datetime
    from sqlalchemy import text
    from bot.clock import TravelClock
    from bot.config import Plan
    from bot.services import build_services
    from bot.config import Settings

    WAITING = text("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')")

    async def main():
        url, api, token, at = sys.argv[1:5]
        # Time runs: a delivery the fake Slack's server dropped under load is retried.
        services = build_services(
            Settings(database_url=url, api_url=api, bot_token=token), Plan(),
            TravelClock(datetime.fromisoformat(at)))
        await services.start()
        steps = sent = idle = 0
        deadline = time.monotonic() + 60
        while idle < 5 and time.monotonic() < deadline:
            ran = (await services.escalation.run_due()).done
            delivered = await services.worker.deliver_due()
            steps, sent = steps + ran, sent + delivered
            idle = 0 if ran or delivered else idle + 1
            if idle == 5:
                async with services.sessions() as session:
                    idle = 0 if await session.scalar(WAITING) else idle
            await asyncio.sleep(0.05)
        await services.close()
        print(steps, sent)

    asyncio.run(main())
""")


def test_four_replicas_run_each_step_and_send_each_page_once(
    postgres_databases: PostgresDatabases, slack_server, slack
):
    url = postgres_databases.fresh()
    settings = Settings(database_url=url, api_url=slack_server.api_url, bot_token=TOKEN)

    async def declare_all() -> None:
        services = build_services(settings, Plan(), FixedClock(ROTATION_MORNING))
        for n in range(INCIDENTS):
            await services.incidents.declare(
                Declaration(text=f"emails not sending {n}", reporter="U1")
            )
        await services.close()

    asyncio.run(declare_all())  # queued, not delivered: the replicas race for all of it
    # 46 minutes on: two re-pages (Tier 2: 15 min apart) and the hand-over to level 2 are due
    # for every incident.
    later = (ROTATION_MORNING + timedelta(minutes=46)).isoformat()
    replicas = [
        subprocess.Popen(
            [sys.executable, "-c", REPLICA, url, slack_server.api_url, TOKEN, later],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [r.communicate(timeout=120)[0].split() for r in replicas]
    assert all(r.returncode == 0 for r in replicas)
    assert sum(int(steps) for steps, _ in results) == 3 * INCIDENTS
    assert len(posts(slack)) == INCIDENTS
    # The hand-over paged level 2 once per incident; level 1 got its first page and re-pages
    # (a re-page made stale by a later one before it went out is dropped, never doubled).
    counts = page_counts(slack, PEOPLE)
    assert set(counts) == {"U0SUP1", "U0DEV1"} and counts["U0DEV1"] == INCIDENTS
    assert counts["U0SUP1"] <= 3 * INCIDENTS
    # Fewer DMs than incidents, as one re-page carries a person's other unanswered pages, but
    # every incident reached U0SUP1, with its own Acknowledge.
    reached = {
        element["value"]
        for m in pages_to(slack, "U0SUP1")
        for block in m["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == Action.PAGE_ACKNOWLEDGE
    }
    assert reached == {str(n) for n in range(1, INCIDENTS + 1)}
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        steps = conn.execute(
            sa.text("SELECT status, count(*) FROM escalation_steps GROUP BY status")
        ).all()
        sent = conn.execute(
            sa.text("SELECT id, ts FROM pages WHERE status = 'sent' AND ts IS NOT NULL")
        ).all()
        # Re-pages of one person's incidents go out together, in one DM (bot/paging/digest.py).
        alone = conn.scalar(
            sa.text(
                "SELECT count(*) FROM pages WHERE status = 'sent' AND ts IS NULL "
                "AND digest_of IS NULL"
            )
        )
        unsent = conn.scalar(
            sa.text("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending', 'failed')")
        )
    engine.dispose()
    assert dict(steps)["done"] == 3 * INCIDENTS and "failed" not in dict(steps)
    assert unsent == 0 and alone == 0
    delivered = {
        m["metadata"]["event_payload"]["page"]: m["ts"]
        for user in ("U0SUP1", "U0DEV1")
        for m in pages_to(slack, user)
    }
    assert delivered == {row.id: row.ts for row in sent}
    assert sum(counts.values()) == len(sent)
