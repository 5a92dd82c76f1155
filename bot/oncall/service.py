"""Who is on call: the calendar's schedule with overrides applied; covers and handoffs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.calendar import local_slot
from bot.clock import Clock
from bot.config import Plan, parse_duration
from bot.errors import BadInput, NotAllowed
from bot.oncall.calendar import PHASE_TITLES, Calendar, Phase
from bot.slack import Kind, Outbox
from bot.store import Handoff, OnCallOverride

SCHEDULE_DAYS = 14
HANDOFF_GRACE = timedelta(hours=1)
MAX_COVER = timedelta(days=31)
# Matched after lower-casing, so ISO's "T" separator is a "t" by then.
_DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ t](\d{1,2}:\d{2}))?$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class CoverView:
    """An override: user covers a level (for one person, or the whole level) until ends_at."""

    id: int
    level: int
    level_name: str
    user: str
    covering: str | None
    starts_at: datetime
    ends_at: datetime
    created_by: str


def reached_by(level: int, phase: Phase, max_level: int) -> tuple[int, ...]:
    """The levels whose on-call people a page for a level goes to, the level first.

    Weeks 1-2: the development team (level 2) is on call 24/7 and paged with level 1."""
    if level == 1 and phase is Phase.ALL_HANDS and max_level >= 2:
        return (1, 2)
    return (level,)


@dataclass(frozen=True)
class LevelOnCall:
    """Who is on call for one level, and the covers that put them there."""

    level: int
    name: str
    people: tuple[str, ...]
    covers: tuple[CoverView, ...]
    # Other levels whose on-call people this level's pages also reach (level 2 in weeks 1-2).
    with_levels: tuple[int, ...] = ()


@dataclass(frozen=True)
class Roster:
    """Everyone on call at one moment."""

    at: datetime
    phase: Phase
    phase_title: str
    business_hours: bool
    levels: tuple[LevelOnCall, ...]
    next_handoff: datetime

    def people(self, level: int) -> tuple[str, ...]:
        return self.levels[level - 1].people

    def paged_for(self, level: int) -> tuple[str, ...]:
        """Everyone a page for a level would go to now (empty for a level the plan lacks)."""
        if level not in range(1, len(self.levels) + 1):
            return ()
        known = self.levels[level - 1]
        reached = (known.level, *known.with_levels)
        return tuple(dict.fromkeys(p for n in reached for p in self.people(n)))


def apply_covers(
    people: tuple[str, ...], covers: Sequence[OnCallOverride | CoverView]
) -> tuple[str, ...]:
    """The scheduled people with covers applied, oldest cover first."""
    result = list(people)
    for cover in covers:
        if cover.covering is None:
            result = [cover.user]
        elif cover.covering in result:
            result = [cover.user if p == cover.covering else p for p in result]
    return tuple(dict.fromkeys(result))


async def active_covers(session: AsyncSession, at: datetime) -> list[OnCallOverride]:
    """Covers in force at a time, oldest first."""
    rows = await session.scalars(
        select(OnCallOverride)
        .where(OnCallOverride.starts_at <= at, OnCallOverride.ends_at > at)
        .order_by(OnCallOverride.id)
    )
    return list(rows)


_NOT_OVER = (
    select(OnCallOverride)
    .where(OnCallOverride.ends_at > bindparam("at"))
    .order_by(OnCallOverride.id)
)


async def _covers_from(session: AsyncSession, at: datetime) -> list[OnCallOverride]:
    """Covers not over by a time, oldest first, read once per transaction: those in force at
    any later moment are among them. Not flushed first: nothing the transaction has pending
    changes who covers whom, and the declaration's rows go in one flush after this."""
    read: tuple[datetime, list[OnCallOverride]] | None = session.info.get("oncall.covers")
    if read is None or at < read[0]:
        with session.no_autoflush:
            rows = await session.scalars(_NOT_OVER, {"at": at})
        read = session.info["oncall.covers"] = (at, list(rows))
    return read[1]


class OnCallService:
    """Rosters, the 14-day schedule, covers and the daily handoff announcement."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], plan: Plan, outbox: Outbox, clock: Clock
    ) -> None:
        self._sessions = sessions
        self._plan = plan
        self._outbox = outbox
        self._clock = clock
        self.calendar = Calendar(plan)

    def _transaction(self) -> AbstractAsyncContextManager[AsyncSession]:
        return self._outbox.transaction(self._sessions)

    async def people(
        self, session: AsyncSession, level: int, members: tuple[str, ...], at: datetime
    ) -> tuple[str, ...]:
        """Who of a level's members (as an incident's policy lists them) is on call at a time.

        Covers are read once per transaction: a declaration asks for every level it pages, a
        few microseconds apart, and covers only change in a transaction of their own."""
        covers = [
            c
            for c in await _covers_from(session, at)
            if c.level == level and c.starts_at <= at < c.ends_at
        ]
        return apply_covers(self.calendar.scheduled(members, at), covers)

    async def roster(self, at: datetime | None = None) -> Roster:
        """Who is on call for each level now (or at a time): what /oncall shows."""
        async with self._sessions() as session:
            return await self.roster_in(session, at or self._clock.now())

    async def roster_in(self, session: AsyncSession, at: datetime) -> Roster:
        """The roster, read in the caller's transaction (who may act on an incident asks it)."""
        covers = await active_covers(session, at)
        return self._roster(at, [self._view(c) for c in covers])

    def _roster(self, at: datetime, covers: list[CoverView]) -> Roster:
        levels = []
        phase = self.calendar.phase(at)
        for level in self._plan.escalation:
            own = tuple(
                c for c in covers if c.level == level.level and c.starts_at <= at < c.ends_at
            )
            scheduled = self.calendar.scheduled(tuple(level.members), at)
            levels.append(
                LevelOnCall(
                    level.level,
                    level.name,
                    apply_covers(scheduled, own),
                    own,
                    reached_by(level.level, phase, self._plan.max_level)[1:],
                )
            )
        return Roster(
            at=at,
            phase=phase,
            phase_title=PHASE_TITLES[phase],
            business_hours=self.calendar.is_business_hours(at),
            levels=tuple(levels),
            next_handoff=self.calendar.next_handoff(at),
        )

    async def schedule(self, days: int = SCHEDULE_DAYS) -> list[Roster]:
        """Who is on call each day for the next days, as of that day's handoff."""
        now = self._clock.now()
        today = now.astimezone(self._plan.zone).date()
        moments = [max(now, self._day_moment(today + timedelta(days=n))) for n in range(days)]
        async with self._sessions() as session:
            rows = await session.scalars(
                select(OnCallOverride)
                .where(OnCallOverride.ends_at > now, OnCallOverride.starts_at <= moments[-1])
                .order_by(OnCallOverride.id)
            )
            covers = [self._view(c) for c in rows]
        return [self._roster(at, covers) for at in moments]

    def _day_moment(self, day: date) -> datetime:
        # The handoff on business days; midday otherwise, when Friday's person is still on.
        if self.calendar.is_business_day(day):
            return self.calendar.business_start(day)
        return local_slot(day, time(12, 0), self._plan.zone)

    async def cover(self, *, by: str, user: str, level: int, until: str = "") -> CoverView:
        """user covers level until a time: for by (if by is on call) or, by an admin, the level."""
        if level not in range(1, self._plan.max_level + 1):
            raise BadInput(reason="unknown_level", level=level, levels=self._plan.max_level)
        now = self._clock.now()
        ends_at = self.parse_until(until, now) if until.strip() else self.calendar.next_handoff(now)
        async with self._transaction() as session:
            on_call = await self.people(session, level, tuple(self._plan.level(level).members), now)
            if by in on_call and by != user:
                covering: str | None = by
            elif by in self._plan.admins:
                covering = None
            else:
                raise NotAllowed(action="cover", ref=f"level {level}")
            cover = OnCallOverride(
                level=level,
                user=user,
                covering=covering,
                starts_at=now,
                ends_at=ends_at,
                created_by=by,
                created_at=now,
            )
            session.add(cover)
            await session.flush()
            await self._outbox.add(session, Kind.ONCALL_COVER, "oncall", {"cover": cover.id})
            return self._view(cover)

    def parse_until(self, text: str, now: datetime) -> datetime:
        """4h, 1d, 18:00 (the next one), 2026-12-01 or 2026-12-01 09:00, in local time."""
        given = text.strip()  # echoed back as typed
        text = given.lower()
        zone = self._plan.zone
        ends: datetime
        if match := _CLOCK.match(text):
            hour, minute = int(match[1]), int(match[2])
            if hour > 23 or minute > 59:
                raise BadInput(reason="bad_until", given=given)
            day = now.astimezone(zone).date()
            ends = local_slot(day, time(hour, minute), zone)
            if ends <= now:
                ends = local_slot(day + timedelta(days=1), time(hour, minute), zone)
        elif match := _DATE_TIME.match(text):
            try:
                day = date.fromisoformat(match[1])
                hours, _, minutes = (match[2] or "0:00").partition(":")
                ends = local_slot(day, time(int(hours), int(minutes)), zone)
            except ValueError:
                raise BadInput(reason="bad_until", given=given) from None
        else:
            try:
                ends = now + parse_duration(text)
            except ValueError:
                raise BadInput(reason="bad_until", given=given) from None
        if ends <= now:
            raise BadInput(reason="until_past", given=given)
        if ends - now > MAX_COVER:
            raise BadInput(reason="until_too_far", given=given)
        return ends

    async def get_cover(self, cover_id: int) -> CoverView | None:
        async with self._sessions() as session:
            cover = await session.get(OnCallOverride, cover_id)
            return self._view(cover) if cover else None

    def _view(self, cover: OnCallOverride) -> CoverView:
        return CoverView(
            id=cover.id,
            level=cover.level,
            level_name=self._plan.level(cover.level).name
            if cover.level <= self._plan.max_level
            else f"Level {cover.level}",
            user=cover.user,
            covering=cover.covering,
            starts_at=cover.starts_at,
            ends_at=cover.ends_at,
            created_by=cover.created_by,
        )

    async def announce_due_handoff(self) -> datetime | None:
        """Queue the ops-channel announcement of today's handoff, once; its time, if queued."""
        now = self._clock.now()
        if self.calendar.phase(now) is Phase.ALL_HANDS:
            return None
        slot = self.calendar.latest_business_start(now)
        if slot is None or slot < self.calendar.rotation_begins or now - slot > HANDOFF_GRACE:
            return None
        key = f"handoff:{slot.astimezone(self._plan.zone).date().isoformat()}"
        try:
            async with self._transaction() as session:
                handoff = Handoff(slot_key=key, slot_at=slot, created_at=now)
                session.add(handoff)
                await session.flush()
                await self._outbox.add(
                    session, Kind.ONCALL_HANDOFF, "oncall", {"handoff": handoff.id}
                )
        except IntegrityError:
            return None  # announced already, by this process or another
        return slot

    async def handoff_slot(self, handoff_id: int) -> datetime | None:
        async with self._sessions() as session:
            handoff = await session.get(Handoff, handoff_id)
            return handoff.slot_at if handoff else None
