"""Scheduled reports in a running bot: the Friday summary once across a restart and across
replicas on one PostgreSQL, and the Friday checklist's item ticked and linked to it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot.clock import TravelClock
from bot.slack import Action
from tests.integration.flows import eventually, post_text, posts, settled, updated
from tests.support.bot_server import BotServer
from tests.support.databases import PostgresDatabases
from tests.support.report_seed import FRIDAY_1600

REPORTS = "C0REPORTS"


def weekly_posts(slack) -> list[dict]:
    return [m for m in posts(slack, REPORTS) if "Weekly summary" in post_text(m)]


def test_the_friday_summary_posts_once_across_a_restart(settings, plan, slack, db):
    start = FRIDAY_1600 + timedelta(seconds=20)
    for restart in range(2):
        with BotServer(settings, plan, TravelClock(start), schedule=True) as server:
            # The scheduler runs every pass once at start: this one posts what is due.
            eventually(
                lambda s=server: any(
                    r["name"] == "reports" and r["runs"] for r in s.services.jobs.snapshot()
                ),
                timeout=20,
            )
            eventually(lambda: settled(db), timeout=20)
            assert len(weekly_posts(slack)) == 1, f"after start {restart + 1}"
    with db.connect() as conn:
        rows = conn.execute(sa.text("SELECT status FROM reports WHERE kind = 'weekly'")).all()
    assert [r.status for r in rows] == ["on_time"]


@pytest.mark.moment(FRIDAY_1600)
def test_the_posted_summary_ticks_the_friday_checklist_and_links_to_it(slack, person, bot):
    person("U0MGR1").command("post friday", command="/checklist")
    checklist = eventually(lambda: posts(slack, "C0OPS"))[0]
    assert "Weekly summary report" in post_text(checklist)
    bot.run_job("reports")
    summary = eventually(lambda: weekly_posts(slack))[0]
    ticked = updated(slack, checklist, "The posted report", timeout=10)
    item = next(b for b in ticked["blocks"] if b.get("block_id") == "item-0")
    assert "~Weekly summary report~ — supportbot" in item["text"]["text"]
    assert f"/archives/{REPORTS}/p{summary['ts'].replace('.', '')}" in item["text"]["text"]
    assert item["accessory"]["action_id"] == Action.CHECKLIST_TICK  # can still be unticked


REPLICA = textwrap.dedent("""
    import asyncio, sys
    from datetime import datetime, UTC
    from bot.clock import FixedClock
    from bot.config import Plan, Settings
    from bot.services import build_services

    async def main():
        services = build_services(Settings(database_url=sys.argv[1]), Plan(),
                                  FixedClock(datetime(2026, 11, 27, 21, 1, tzinfo=UTC)))
        posted = await services.reports.post_due()
        await services.close()
        print(sum(r.kind.value == "weekly" for r in posted))

    asyncio.run(main())
""")


def test_four_replicas_racing_post_the_friday_summary_once(
    postgres_databases: PostgresDatabases,
):
    url = postgres_databases.fresh()
    replicas = [
        subprocess.Popen([sys.executable, "-c", REPLICA, url], stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    posted = [int(r.communicate(timeout=120)[0].strip()) for r in replicas]
    assert all(r.returncode == 0 for r in replicas)
    assert sum(posted) == 1
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM reports WHERE kind = 'weekly'")) == 1
        assert conn.scalar(sa.text("SELECT count(*) FROM outbox WHERE kind = 'report.post'")) == 1
    engine.dispose()
