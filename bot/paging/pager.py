"""Paging by escalation level: who gets a DM, who is asked again, who is next when they can't.

The Pager works inside its caller's transaction (the declaration, the acknowledgement, the
watcher's step), so the pages and steps it writes commit or roll back with their cause. The
steps it leaves for later are written by bot/paging/schedule.py and run by bot/paging/steps.py."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.oncall import OnCallService, reached_by
from bot.paging.pages import KEY_PREFIX, OUT, SHOWN, live_pages, page_key
from bot.paging.schedule import defer_pages, schedule_deadlines, schedule_repages
from bot.slack import Kind, Outbox
from bot.store import (
    LIVE_PAGES,
    Incident,
    IncidentStatus,
    Page,
    PageKind,
    PageStatus,
)
from bot.timeline import BOT_ACTOR, IncidentLog


class Pager:
    """Pages and re-pages people about incidents, level by level."""

    def __init__(self, outbox: Outbox, clock: Clock, oncall: OnCallService) -> None:
        self._outbox = outbox
        self._clock = clock
        self._oncall = oncall
        self._calendar = oncall.calendar
        self._incident_log = IncidentLog(outbox, clock)

    # -- declaration --------------------------------------------------------------------------

    async def declared(self, session: AsyncSession, incident: Incident) -> None:
        """Page per the tier's policy, or wait for business hours; schedule the deadlines."""
        if incident.policy.tier_paging(incident.tier).dms:
            await self._page_for_tier(session, incident)
            security_level = incident.policy.security_page(incident.category)
            if security_level is not None:
                await self.page_level(session, incident, security_level, "security incident")
        else:
            text = f"Tier {incident.tier} is not paged by DM: this post is the notice"
            await self._log(session, incident, "not_paged", text)
        await self.schedule_deadlines(session, incident, new=True)

    async def tier_changed(self, session: AsyncSession, incident: Incident) -> None:
        """A tier that pages, given to an incident nobody was paged for yet (a Tier 4 made
        Tier 1, a deferred Tier 3 made Tier 1 at night): page for it now."""
        paged = any(p.kind == PageKind.PAGE for p in incident.pages)
        dms = incident.policy.tier_paging(incident.tier).dms
        if dms and not paged and incident.acknowledged_at is None:
            await self._page_for_tier(session, incident)

    async def _page_for_tier(self, session: AsyncSession, incident: Incident) -> None:
        now, spec = self._clock.now(), incident.policy.tier_paging(incident.tier)
        if self._calendar.pages_now(incident.tier, spec.dm_hours, now):
            for level in spec.page:
                await self.page_level(session, incident, level, "declared")
        elif incident.paging_deferred_until is None:
            wait_until = self._calendar.next_business_start(now)
            defer_pages(session, incident, spec.page, wait_until)
            local = wait_until.astimezone(self._calendar.zone).strftime("%a %d %b %H:%M %Z")
            text = f"outside business hours; pages go out {local}"
            await self._log(session, incident, "paging_deferred", text)

    async def schedule_deadlines(
        self, session: AsyncSession, incident: Incident, *, new: bool = False
    ) -> None:
        """(Re)write the steps that watch the incident's deadlines; the old ones are cancelled."""
        await schedule_deadlines(session, incident, self._clock.now(), new=new)

    # -- paging -------------------------------------------------------------------------------

    async def page_level(
        self,
        session: AsyncSession,
        incident: Incident,
        level: int,
        reason: str,
        *,
        notify_only: bool = False,
        escalating: bool = False,
        actor: str = BOT_ACTOR,
    ) -> int | None:
        """Page everyone on call for a level (the next level at once if nobody can be).

        Returns the level paged, or None when no level had anyone. A level already paged
        is not paged again. notify_only tells a level without making it the incident's level.
        escalating: someone new must be paged, so a level whose people all hold a page already
        (weeks 1-2 page level 2 with level 1) is passed over for the next one."""
        kind = PageKind.NOTICE if notify_only else PageKind.PAGE
        top = incident.policy.max_level
        while level <= top:
            if any(p.kind == kind and p.level == level for p in incident.pages):
                if not notify_only:
                    incident.level = max(incident.level, level)
                return level
            people, anyone = await self._on_call(session, incident, level)
            name = incident.policy.level(level).name
            if anyone and not people:
                # Everyone on it already has a live page (weeks 1-2 page level 2 with level 1).
                if not notify_only:
                    incident.level = max(incident.level, level)
                if not escalating:
                    return level
                level += 1
                continue
            if people:
                await self._add_pages(
                    session, incident, people, kind=kind, level=level, reason=reason
                )
                verb = "notified" if notify_only else "paged"
                await self._log(
                    session,
                    incident,
                    verb,
                    f"level {level} — {name}: {', '.join(people)} ({reason})",
                    actor=actor,
                )
                if not notify_only:
                    incident.level = max(incident.level, level)
                    schedule_repages(session, incident, level, self._clock.now())
                return level
            await self._log(
                session,
                incident,
                "level_skipped",
                f"level {level} — {name}: nobody on call can be paged",
            )
            level += 1
        await self._log(session, incident, "nobody_paged", "no level above has anyone to page")
        return None

    async def _on_call(
        self, session: AsyncSession, incident: Incident, level: int
    ) -> tuple[list[str], bool]:
        """Who to page for a level now, and whether anyone is on it at all (maybe paged already)."""
        now = self._clock.now()
        policy = incident.policy
        one_person = policy.tier_paging(incident.tier).one_person
        # One person (Tier 3) is level 1's pick alone, without the weeks 1-2 development team.
        levels = (
            (level,)
            if one_person
            else reached_by(level, self._calendar.phase(now), policy.max_level)
        )
        people: list[str] = []
        for reached in levels:
            members = policy.level(reached).members
            people += await self._oncall.people(session, reached, members, now)
        out = {p.user for p in incident.pages if p.status in OUT}
        reachable = [p for p in dict.fromkeys(people) if p not in out]
        if one_person:
            # The first on call who can still take it (the rotation's pick, or a cover).
            reachable = reachable[:1]
        busy = {p.user for p in incident.pages if p.status in LIVE_PAGES}
        return [p for p in reachable if p not in busy], bool(reachable)

    async def _add_pages(
        self,
        session: AsyncSession,
        incident: Incident,
        people: list[str],
        *,
        kind: PageKind = PageKind.PAGE,
        level: int,
        reason: str,
        attempt: int = 1,
    ) -> None:
        """One page attempt per person, each queued for its own DM."""
        now = self._clock.now()
        pages = [
            Page(
                key=f"{KEY_PREFIX[kind]}{level}:{user}:{attempt}",
                kind=kind,
                level=level,
                user=user,
                attempt=attempt,
                reason=reason[:200],
                status=PageStatus.QUEUED,
                created_at=now,
            )
            for user in people
        ]
        incident.pages.extend(pages)
        for page in pages:
            await self._outbox.add(
                session, Kind.PAGE, page_key(incident.id, page.user), {"page": page}
            )

    async def repage(
        self, session: AsyncSession, incident: Incident, level: int, attempt: int
    ) -> int:
        """Send the level's unanswered page again to everyone still on it; returns how many."""
        # A declined or unreachable person's pages are no longer live, so they drop out here;
        # so does anyone this try or a later one already reached (another process ran a later
        # step first): the page would be stale as it is made.
        overtaken = {p.user for p in incident.pages if p.level == level and p.attempt >= attempt}
        people = sorted({p.user for p in live_pages(incident, level)} - overtaken)
        if people:
            await self._add_pages(
                session,
                incident,
                people,
                level=level,
                attempt=attempt,
                reason="not yet acknowledged",
            )
            await self._log(
                session, incident, "repaged", f"level {level}, try {attempt}: {', '.join(people)}"
            )
        return len(people)

    async def delivered(self, session: AsyncSession, incident_id: int) -> None:
        """A page's DM went out: the post's Paged field says so without waiting for another
        change to edit it."""
        await self._incident_log.show(session, incident_id)

    async def refresh_pages(self, session: AsyncSession, incident: Incident) -> None:
        """Bring every DM copy of the incident's pages up to date (acknowledged, resolved).

        A queued page may be on its way out right now; its edit is queued behind it on the same
        key, and does nothing if the page was dropped instead."""
        for page in incident.pages:
            if page.status in SHOWN:
                await self._outbox.add(
                    session, Kind.UPDATE_PAGE, page_key(incident.id, page.user), {"page": page.id}
                )

    async def decline(
        self, session: AsyncSession, incident: Incident, user: str, reason: str
    ) -> int | None:
        """user can't take it: their pages stop, and the next person or level is paged at once."""
        mine = [p for p in incident.pages if p.user == user and p.status in LIVE_PAGES]
        level = max((p.level for p in mine if p.kind == PageKind.PAGE), default=incident.level)
        for page in mine:
            page.status, page.note = PageStatus.DECLINED, reason[:500] or None
            await self._outbox.add(
                session, Kind.UPDATE_PAGE, page_key(incident.id, user), {"page": page.id}
            )
        await self._log(session, incident, "declined", reason or "no reason given", actor=user)
        if incident.acknowledged_at is not None or incident.status == IncidentStatus.RESOLVED:
            return None
        members = list(incident.policy.level(level).members)
        asked = {p.user for p in incident.pages}
        after = (
            members[members.index(user) + 1 :] + members[: members.index(user)]
            if user in members
            else members
        )
        for candidate in after:
            if candidate not in asked:
                await self._add_pages(
                    session,
                    incident,
                    [candidate],
                    level=level,
                    reason=f"{user} can't take it",
                )
                await self._log(
                    session, incident, "paged", f"level {level}: {candidate} ({user} can't take it)"
                )
                return level
        return await self.page_level(
            session, incident, level + 1, f"{user} can't take it", escalating=True
        )

    async def unreachable(
        self, session: AsyncSession, incident: Incident, page: Page, error: str
    ) -> None:
        """A page could not be delivered at all: when nobody on its level is left, go up."""
        page.status, page.note = PageStatus.UNREACHABLE, error[:500]
        await self._log(session, incident, "unreachable", f"{page.user} ({error})")
        if incident.acknowledged_at is not None or incident.status == IncidentStatus.RESOLVED:
            return
        # A notice asks nobody to take the incident, so an undelivered one needs nobody else.
        if page.kind == PageKind.PAGE and not live_pages(incident, page.level):
            name = incident.policy.level(page.level).name
            await self._log(
                session,
                incident,
                "level_skipped",
                f"level {page.level} — {name}: nobody could be reached",
            )
            await self.page_level(
                session,
                incident,
                page.level + 1,
                f"nobody on level {page.level} could be reached",
                escalating=True,
            )

    # -- helpers -------------------------------------------------------------------------------

    async def _log(
        self,
        session: AsyncSession,
        incident: Incident,
        kind: str,
        text: str,
        *,
        actor: str = BOT_ACTOR,
    ) -> None:
        await self._incident_log.changed(session, incident, actor, kind, text)
