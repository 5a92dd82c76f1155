"""What a posted checklist or runbook run looks like to the rest of the bot."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store import ChecklistRun, ChecklistUntick, RunKind, RunStatus


@dataclass(frozen=True)
class Undone:
    """Someone took back another person's tick: both are shown, so no undo goes unseen."""

    by: str
    at: datetime
    ticked_by: str
    ticked_at: datetime


@dataclass(frozen=True)
class ItemView:
    """One item of a posted checklist."""

    index: int
    text: str
    ticked_by: str | None
    ticked_at: datetime | None
    undone: Undone | None = None


@dataclass(frozen=True)
class RunView:
    """A posted (or missed) checklist with its items."""

    id: int
    checklist: str
    title: str
    status: RunStatus
    slot_at: datetime
    channel: str
    ts: str | None
    items: tuple[ItemView, ...]
    kind: RunKind = RunKind.CHECKLIST
    incident_id: int | None = None
    thread_ts: str | None = None
    results: dict[str, dict[str, Any]] | None = None
    note: str | None = None

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.ticked_by)

    @classmethod
    def of(cls, run: ChecklistRun, unticks: Iterable[ChecklistUntick] = ()) -> RunView:
        ticks = {tick.item: tick for tick in run.ticks}
        # The latest undo of each item still unticked, when it was someone else's tick.
        undone: dict[int, Undone] = {}
        for u in sorted(unticks, key=lambda u: (u.unticked_at, u.id)):
            undone.pop(u.item, None)
            if u.item not in ticks and u.unticked_by != u.ticked_by:
                undone[u.item] = Undone(u.unticked_by, u.unticked_at, u.ticked_by, u.ticked_at)
        texts: list[str] = list(run.items["items"])
        return cls(
            id=run.id,
            checklist=run.checklist,
            title=run.title,
            status=run.status,
            slot_at=run.slot_at,
            channel=run.channel,
            ts=run.ts,
            items=tuple(
                ItemView(
                    i,
                    text,
                    ticks[i].ticked_by if i in ticks else None,
                    ticks[i].ticked_at if i in ticks else None,
                    undone.get(i),
                )
                for i, text in enumerate(texts)
            ),
            kind=run.kind or RunKind.CHECKLIST,
            incident_id=run.incident_id,
            thread_ts=run.thread_ts,
            results=run.results,
            note=run.note,
        )


async def views_of(session: AsyncSession, runs: Sequence[ChecklistRun]) -> list[RunView]:
    """The runs (their ticks loaded) as views, each with the undos of its items."""
    unticks = await session.scalars(
        select(ChecklistUntick).where(ChecklistUntick.run_id.in_([r.id for r in runs]))
    )
    by_run: dict[int, list[ChecklistUntick]] = {}
    for untick in unticks:
        by_run.setdefault(untick.run_id, []).append(untick)
    return [RunView.of(run, by_run.get(run.id, ())) for run in runs]
