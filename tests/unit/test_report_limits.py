"""Reports stay inside Block Kit's limits however much there is to say: long sections are cut
into several, and a report over 50 blocks is split into messages, never rejected."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from bot.clock import FixedClock
from bot.config import Plan, Settings
from bot.reports.layout import report_messages
from bot.services import build_services
from bot.store import ChecklistRun, Incident, ReportKind, RunStatus
from playground.blockkit import validate_message
from tests.support.report_seed import FRIDAY_1600, incident_row, local, run_row


async def test_a_busy_month_stays_inside_block_kit_limits(sqlite_url):
    plan = Plan()
    engine = sa.create_engine(sqlite_url.replace("sqlite:///", "sqlite+pysqlite:///"))
    incidents = [
        incident_row(
            plan,
            n,
            1 + n % 4,
            local(2 + n % 25, 10),
            resolved=local(2 + n % 25, 11),
            lessons=f"lesson {n} " + "<!channel> & more " * 40,
        )
        for n in range(1, 120)
    ]
    runs = [
        run_row(
            n + 1,
            f"list-{n}",
            2,
            local(10, 9),
            RunStatus.ON_TIME,
            title=f"Checklist number {n} " + "x" * 90,
        )
        for n in range(40)
    ]
    with engine.begin() as conn:
        conn.execute(sa.insert(Incident.__table__), incidents)
        conn.execute(sa.insert(ChecklistRun.__table__), runs)
    engine.dispose()
    services = build_services(Settings(database_url=sqlite_url), plan, FixedClock(FRIDAY_1600))
    try:
        report = await services.reports.build(services.reports.period(ReportKind.MONTHLY))
        messages = services.reports.messages(report)
        small = report_messages(services.render, report, limit=8)
    finally:
        await services.close()
    for message in [*messages, *small]:
        assert validate_message(message.text, message.blocks) == []
        for block in message.blocks:
            assert len(block.get("text", {}).get("text", "")) <= 3000
    text = str(messages[0].blocks)
    assert "&lt;!channel&gt; &amp; more" in text and "<!channel>" not in text
    assert "…and 99 more" in text  # lessons past the first 20 are counted, not listed
    assert "Checklist number 39" in text  # every checklist, over several sections
    # Split at 8 blocks: the same blocks in order, each continuation headed as such.
    assert len(small) > 2 and all(len(m.blocks) <= 8 for m in small)
    assert small[1].text == f"Report continued (2/{len(small)})"
    rejoined = small[0].blocks + [b for m in small[1:] for b in m.blocks[1:]]
    assert rejoined == messages[0].blocks
    assert datetime(2026, 11, 1, 4, tzinfo=UTC) == report.figures.period.start
