"""Checklists: post each slot exactly once, tick and untick items, report today's progress."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.calendar import Schedule
from bot.checklists.views import ItemView, RunView, views_of
from bot.checks import LiveChecks
from bot.clock import Clock
from bot.config import Checked, ChecklistConfig, CheckSpec, Plan, current_check
from bot.errors import BadInput, NotAllowed
from bot.slack import Kind, Outbox
from bot.store import (
    ChecklistRun,
    ChecklistTick,
    ChecklistUntick,
    RunKind,
    RunStatus,
    first_start,
)

ON_TIME = timedelta(minutes=5)
# A runbook's steps by its name, as the library has them now (None once it is gone).
RunbookSteps = Callable[[str], Sequence[Checked] | None]
RUNBOOK_PREFIX = "runbook:"


@dataclass(frozen=True)
class Posting:
    """What a request to post a checklist now did: posted it, or found it already posted."""

    run: RunView
    already_posted: bool = False


class ChecklistService:
    """Verbs on checklists; every post and edit goes through the outbox."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        plan: Plan,
        outbox: Outbox,
        clock: Clock,
        *,
        checks: LiveChecks | None = None,
        runbook_steps: RunbookSteps | None = None,
    ) -> None:
        self._checks = checks or LiveChecks()
        self._runbook_steps = runbook_steps
        self._sessions = sessions
        self._plan = plan
        self._outbox = outbox
        self._clock = clock
        self._first_start: datetime | None = None

    def _transaction(self) -> AbstractAsyncContextManager[AsyncSession]:
        return self._outbox.transaction(self._sessions)

    async def _edit_later(self, session: AsyncSession, run_id: int) -> None:
        """Queue an in-place edit of the run's message (one is enough however many wait)."""
        await self._outbox.add(
            session, Kind.UPDATE_CHECKLIST, f"checklist:{run_id}", {"run": run_id}, coalesce=True
        )

    async def post_due(self) -> list[RunView]:
        """Post every checklist whose latest slot has no run yet (late within the grace
        period, else recorded as missed). Safe to run from several processes at once."""
        now = self._clock.now()
        created = []
        business = tuple(self._plan.business_hours.days)
        # Slots from before the bot's first start were nobody's to post: not missed, left out.
        self._first_start = self._first_start or await first_start(self._sessions)
        for checklist in self._plan.checklists:
            slot = Schedule.parse(checklist.schedule).latest_slot(now, self._plan.zone, business)
            if slot is None or (self._first_start and slot < self._first_start):
                continue
            if await self._posted_since(checklist.name, self._day_start(slot)):
                continue  # posted on request earlier today: one a day is the point
            late = now - slot
            status = RunStatus.ON_TIME if late < ON_TIME else RunStatus.LATE
            if late > self._plan.checklist_grace:
                status = RunStatus.MISSED
            key = f"{checklist.name}:{slot.isoformat()}"
            run = await self._create(checklist, key, slot, status)
            if run is not None and status != RunStatus.MISSED:
                created.append(run)
        return created

    async def post_now(self, name: str, *, by: str | None, again: bool = False) -> Posting:
        """Post a checklist outside its schedule (admins only when a person asks).

        Once it is posted today (on its schedule or on request: a checklist has one slot a
        day), that post is returned instead, unless asked to post it again: then it is marked
        a re-post."""
        checklist = self._plan.checklist(name)
        if checklist is None:
            raise BadInput(
                reason="unknown_checklist",
                given=name,
                names=[c.name for c in self._plan.checklists],
            )
        if by is not None and by not in self._plan.admins:
            raise NotAllowed(action="post_checklist", ref=name)
        now = self._clock.now()
        today = self._day_start(now)
        existing = await self._posted_since(name, today)
        if existing is not None and not again:
            return await self._posting(existing)
        # One manual post a day (so two clicks at once post once); a re-post per instant.
        key = f"{name}:manual:{(now if existing else today).isoformat()}"
        status = RunStatus.REPOSTED if existing else RunStatus.MANUAL
        run = await self._create(checklist, key, now, status, by=by)
        if run is None:  # another request posted it a moment ago
            return await self._posting(await self._posted_since(name, today))
        return Posting(run)

    async def _posting(self, run_id: int | None) -> Posting:
        run = await self.get(run_id) if run_id is not None else None
        assert run is not None  # runs are never deleted
        return Posting(run, already_posted=True)

    def _day_start(self, when: datetime) -> datetime:
        zone = self._plan.zone
        return datetime.combine(when.astimezone(zone).date(), time(0), tzinfo=zone)

    async def _posted_since(self, name: str, since: datetime) -> int | None:
        """The latest run of the checklist posted (not missed) since then."""
        async with self._sessions() as session:
            return await session.scalar(
                select(ChecklistRun.id)
                .where(
                    ChecklistRun.kind == RunKind.CHECKLIST,
                    ChecklistRun.checklist == name,
                    ChecklistRun.status != RunStatus.MISSED,
                    ChecklistRun.slot_at >= since,
                )
                .order_by(ChecklistRun.slot_at.desc(), ChecklistRun.id.desc())
                .limit(1)
            )

    async def toggle(self, run_id: int, item: int, *, by: str) -> RunView:
        """Tick an unticked item, untick a ticked one; the message is edited in place."""
        async with self._transaction() as session:
            run = await session.scalar(
                select(ChecklistRun)
                .where(ChecklistRun.id == run_id)
                .options(selectinload(ChecklistRun.ticks))
                .with_for_update()
            )
            if run is None or not 0 <= item < len(run.items["items"]):
                raise BadInput(reason="unknown_checklist_item")
            removed = (
                await session.execute(
                    delete(ChecklistTick)
                    .where(ChecklistTick.run_id == run_id, ChecklistTick.item == item)
                    .returning(ChecklistTick.ticked_by, ChecklistTick.ticked_at)
                )
            ).first()
            now = self._clock.now()
            if removed is None:
                session.add(ChecklistTick(run_id=run_id, item=item, ticked_by=by, ticked_at=now))
            else:
                # Kept, not just deleted: an undo of someone else's tick is shown on the post.
                session.add(
                    ChecklistUntick(
                        run_id=run_id,
                        item=item,
                        ticked_by=removed.ticked_by,
                        ticked_at=removed.ticked_at,
                        unticked_by=by,
                        unticked_at=now,
                    )
                )
            await self._edit_later(session, run_id)
            await session.flush()
            await session.refresh(run, ["ticks"])
            return (await views_of(session, [run]))[0]

    async def today(self, kind: RunKind = RunKind.CHECKLIST) -> list[RunView]:
        """Every run of this kind whose slot falls on today's local date, in slot order."""
        start = self._day_start(self._clock.now())
        async with self._sessions() as session:
            runs = await session.scalars(
                select(ChecklistRun)
                .where(
                    ChecklistRun.kind == kind,
                    ChecklistRun.slot_at >= start,
                    ChecklistRun.slot_at < start + timedelta(days=1),
                )
                .options(selectinload(ChecklistRun.ticks))
                .order_by(ChecklistRun.slot_at)
            )
            return await views_of(session, list(runs))

    async def get(self, run_id: int) -> RunView | None:
        """One run."""
        async with self._sessions() as session:
            run = await session.scalar(
                select(ChecklistRun)
                .where(ChecklistRun.id == run_id)
                .options(selectinload(ChecklistRun.ticks))
            )
            return (await views_of(session, [run]))[0] if run else None

    async def _create(
        self,
        checklist: ChecklistConfig,
        key: str,
        slot: datetime,
        status: RunStatus,
        *,
        by: str | None = None,
    ) -> RunView | None:
        async with self._sessions() as session:
            taken = await session.scalar(
                select(ChecklistRun.id).where(ChecklistRun.slot_key == key)
            )
        if taken is not None:
            return None  # the usual case, every minute: this slot is done
        results = await self._check(checklist, by) if status != RunStatus.MISSED else None
        run = ChecklistRun(
            checklist=checklist.name,
            title=checklist.title,
            items={"items": checklist.texts},
            results=results,
            slot_key=key,
            slot_at=slot,
            status=status,
            channel=self._plan.channel_id(checklist.channel),
            created_at=self._clock.now(),
        )
        try:
            async with self._transaction() as session:
                session.add(run)
                await session.flush()
                if status != RunStatus.MISSED:
                    await self._outbox.add(
                        session, Kind.POST_CHECKLIST, f"checklist:{run.id}", {"run": run.id}
                    )
        except IntegrityError:
            return None  # this slot was already handled, here or by another process
        return RunView(
            run.id,
            run.checklist,
            run.title,
            run.status,
            run.slot_at,
            run.channel,
            None,
            tuple(ItemView(i, t, None, None) for i, t in enumerate(checklist.texts)),
            results=results,
        )

    async def _check(
        self, checklist: ChecklistConfig, by: str | None
    ) -> dict[str, dict[str, Any]] | None:
        """Run the items' live checks (at once, each bounded) for the post to show."""
        checked = [(i, item.check) for i, item in enumerate(checklist.items) if item.check]
        if not checked:
            return None
        return await self._checks.run(checked, by=by)

    def _current_check(self, run: RunView, item: int) -> CheckSpec | None:
        """The item's check as the config defines it now: a message keeps no definitions
        (they may hold credentials), only which checklist or runbook and which item."""
        items: Sequence[Checked] | None
        if run.kind == RunKind.RUNBOOK:
            name = run.checklist.removeprefix(RUNBOOK_PREFIX)
            items = self._runbook_steps(name) if self._runbook_steps else None
        else:
            config = self._plan.checklist(run.checklist)
            items = config.items if config else None
        return current_check(items or [], item, run.items[item].text)

    async def recheck(self, run_id: int, item: int, *, by: str) -> RunView:
        """Run an item's live check again and show the new result in place."""
        run = await self.get(run_id)
        if run is None or str(item) not in (run.results or {}) or item >= len(run.items):
            raise BadInput(reason="unknown_checklist_item")
        spec = self._current_check(run, item)
        if spec is None:
            raise BadInput(reason="check_not_configured")
        fresh = await self._checks.run([(item, spec)], by=by, fresh=True)
        async with self._transaction() as session:
            row = await session.get(ChecklistRun, run_id, with_for_update=True)
            if row is None:
                raise BadInput(reason="unknown_checklist_item")
            # A new dict, so the JSON column sees the change. Rows stored before runs kept only
            # references may still carry each check's definition ("spec"): drop it here too.
            kept = {
                index: {k: v for k, v in result.items() if k != "spec"}
                for index, result in (row.results or {}).items()
            }
            row.results = kept | fresh
            await self._edit_later(session, run_id)
        updated = await self.get(run_id)
        assert updated is not None
        return updated
