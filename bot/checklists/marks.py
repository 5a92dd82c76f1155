"""Items something else completes: the Friday checklist's "Weekly summary report" is ticked by
the bot when the report is posted, with a link to it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.clock import Clock
from bot.slack import BOT_ACTOR, Kind, Outbox
from bot.store import ChecklistRun, ChecklistTick, RunKind, RunStatus


async def complete_item(
    sessions: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    clock: Clock,
    *,
    item: str,
    since: datetime,
    until: datetime,
    link: str,
) -> int | None:
    """Tick the item (matched by its text, any case) on the latest checklist posted in
    [since, until) that has it, show the link beside it, and edit the message in place.

    A tick someone already made stays theirs. Returns the run's id, or None without one."""
    wanted = item.strip().lower()
    async with outbox.transaction(sessions) as session:
        runs = await session.scalars(
            select(ChecklistRun)
            .where(
                ChecklistRun.kind == RunKind.CHECKLIST,
                ChecklistRun.status != RunStatus.MISSED,
                ChecklistRun.slot_at >= since,
                ChecklistRun.slot_at < until,
            )
            .order_by(ChecklistRun.slot_at.desc(), ChecklistRun.id.desc())
            .options(selectinload(ChecklistRun.ticks))
        )
        for run in runs:
            texts = [str(text).strip().lower() for text in run.items["items"]]
            if wanted not in texts:
                continue
            index = texts.index(wanted)
            if not any(tick.item == index for tick in run.ticks):
                session.add(
                    ChecklistTick(
                        run_id=run.id, item=index, ticked_by=BOT_ACTOR, ticked_at=clock.now()
                    )
                )
            # A new dict, so the JSON column sees the change.
            run.results = {**(run.results or {}), str(index): {"status": "ok", "link": link}}
            await outbox.add(
                session,
                Kind.UPDATE_CHECKLIST,
                f"checklist:{run.id}",
                {"run": run.id},
                coalesce=True,
            )
            return run.id
    return None
