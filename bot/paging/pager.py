"""Paging by escalation level: who gets a DM, when it is sent again, when the next level goes.

The Pager works inside its caller's transaction (the declaration, the acknowledgement, the
watcher's step), so the pages and steps it writes commit or roll back with their cause."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import format_duration
from bot.config import policy as policies
from bot.oncall import OnCallService, Phase
from bot.slack import Kind, Outbox
from bot.store import EscalationStep, Incident, Page
from bot.timeline import BOT_ACTOR, IncidentLog

LIVE = ("queued", "sent")
# Steps that follow the incident's deadlines: rescheduled when the tier changes or it reopens.
DEADLINE_STEPS = ("sla_ack", "sla_resolve", "level1_rule", "notify_half")


def page_key(incident_id: int, user: str) -> str:
    """Outbox key of one person's DMs about one incident: the page before its edits."""
    return f"page:{incident_id}:{user}"


class Pager:
    """Pages, re-pages, hand-overs and deadline steps for incidents."""

    def __init__(self, outbox: Outbox, clock: Clock, oncall: OnCallService) -> None:
        self._outbox = outbox
        self._clock = clock
        self._oncall = oncall
        self._calendar = oncall.calendar
        self._incident_log = IncidentLog(outbox, clock)

    # -- declaration and deadlines ------------------------------------------------------------

    async def declared(self, session: AsyncSession, incident: Incident) -> None:
        """Page per the tier's policy, or wait for business hours; schedule the deadlines."""
        now = self._clock.now()
        spec = policies.tier_paging(incident.policy, incident.tier)
        if self._calendar.pages_now(incident.tier, spec["dm_hours"], now):
            for level in spec["page"]:
                await self.page_level(session, incident, level, "declared")
        else:
            wait_until = self._calendar.next_business_start(now)
            incident.paging_deferred_until = wait_until
            # The targets count from when someone can be paged, not from the evening before.
            due = policies.targets(incident.policy, incident.tier, wait_until)
            incident.ack_due_at, incident.resolve_due_at = due.ack_due_at, due.resolve_due_at
            for level in spec["page"]:
                self._step(session, incident, "page", f"page:L{level}", wait_until, level=level)
            await self._log(
                session,
                incident,
                "paging_deferred",
                "outside business hours; pages go out "
                + wait_until.astimezone(self._calendar.zone).strftime("%a %d %b %H:%M %Z"),
            )
        if incident.category in incident.policy.get("security_categories", ()):
            level = int(incident.policy.get("security_level", policies.max_level(incident.policy)))
            await self.page_level(session, incident, level, "security incident")
        await self.schedule_deadlines(session, incident, new=True)

    async def schedule_deadlines(
        self, session: AsyncSession, incident: Incident, *, new: bool = False
    ) -> None:
        """(Re)write the steps that watch the incident's deadlines; the old ones are cancelled.

        new: a just-declared incident, which has no deadline steps yet."""
        if not new:
            await session.execute(
                update(EscalationStep)
                .where(
                    EscalationStep.incident_id == incident.id,
                    EscalationStep.status == "pending",
                    EscalationStep.kind.in_(DEADLINE_STEPS),
                )
                .values(status="cancelled", done_at=self._clock.now())
            )
        policy = incident.policy
        spec = policies.tier_paging(policy, incident.tier)
        # Deferred pages start the clock when they go out, not when the incident was declared.
        start = incident.paging_deferred_until or incident.created_at
        first_pages = max(spec["page"])
        ack_escalates_to = min(first_pages + 1, policies.max_level(policy))
        wanted: list[tuple[str, datetime, int | None]] = [
            ("sla_ack", incident.ack_due_at, ack_escalates_to)
        ]
        if incident.resolve_due_at is not None:
            wanted.append(("sla_resolve", incident.resolve_due_at, None))
            half = spec.get("notify_at_half_resolve")
            if half:
                halfway = start + (incident.resolve_due_at - start) / 2
                wanted.append(("notify_half", halfway, int(half)))
        rule = policy.get("level1_unresolved_after_s")
        if rule and policies.max_level(policy) >= 2:
            wanted.append(("level1_rule", start + timedelta(seconds=rule), 2))
        existing = (
            set()
            if new
            else set(
                await session.scalars(
                    select(EscalationStep.key).where(EscalationStep.incident_id == incident.id)
                )
            )
        )
        for kind, due, level in wanted:
            key = f"{kind}:{int(due.timestamp())}"
            if key not in existing:
                self._step(session, incident, kind, key, max(due, start), level=level)

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
        prefix = "N" if notify_only else "L"
        top = policies.max_level(incident.policy)
        while level <= top:
            if any(p.key.startswith(f"{prefix}{level}:") for p in incident.pages):
                if not notify_only:
                    incident.level = max(incident.level, level)
                return level
            people, anyone = await self._on_call(session, incident, level)
            name = policies.level(incident.policy, level)["name"]
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
                    session, incident, people, prefix=f"{prefix}{level}", level=level, reason=reason
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
                    self._schedule_repages(session, incident, level)
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
        members = tuple(policies.level(incident.policy, level)["members"])
        people = list(await self._oncall.people(session, level, members, now))
        all_hands = self._calendar.phase(now) is Phase.ALL_HANDS
        if level == 1 and all_hands and policies.max_level(incident.policy) >= 2:
            # Weeks 1-2: the development team is paged with level 1.
            developers = tuple(policies.level(incident.policy, 2)["members"])
            people += await self._oncall.people(session, 2, developers, now)
        out = {p.user for p in incident.pages if p.status in ("declined", "unreachable")}
        reachable = [p for p in dict.fromkeys(people) if p not in out]
        busy = {p.user for p in incident.pages if p.status in LIVE}
        return [p for p in reachable if p not in busy], bool(reachable)

    async def _add_pages(
        self,
        session: AsyncSession,
        incident: Incident,
        people: list[str],
        *,
        prefix: str,
        level: int,
        reason: str,
        attempt: int = 1,
    ) -> None:
        """One page attempt per person, each queued for its own DM."""
        now = self._clock.now()
        pages = [
            Page(
                key=f"{prefix}:{user}:{attempt}",
                level=level,
                user=user,
                attempt=attempt,
                reason=reason[:200],
                status="queued",
                created_at=now,
            )
            for user in people
        ]
        incident.pages.extend(pages)
        await session.flush()
        for page in pages:
            await self._outbox.add(
                session, Kind.PAGE, page_key(incident.id, page.user), {"page": page.id}
            )

    def _schedule_repages(self, session: AsyncSession, incident: Incident, level: int) -> None:
        now = self._clock.now()
        every = policies.repage_every(incident.policy, level)
        tries = policies.tries(incident.policy, level)
        for attempt in range(2, tries + 1):
            due = now + every * (attempt - 1)
            self._step(session, incident, "repage", f"repage:L{level}:{attempt}", due, level=level)
        if level < policies.max_level(incident.policy):
            self._step(
                session,
                incident,
                "handover",
                f"handover:L{level}",
                now + every * tries,
                level=level,
            )

    async def repage(
        self, session: AsyncSession, incident: Incident, level: int, attempt: int
    ) -> str:
        """Send the level's unanswered page again to everyone still on it."""
        # A declined or unreachable person's pages are no longer live, so they drop out here.
        people = sorted(
            {p.user for p in incident.pages if p.key.startswith(f"L{level}:") and p.status in LIVE}
        )
        if people:
            await self._add_pages(
                session,
                incident,
                people,
                prefix=f"L{level}",
                level=level,
                attempt=attempt,
                reason=f"try {attempt}: not yet acknowledged",
            )
            await self._log(
                session, incident, "repaged", f"level {level}, try {attempt}: {', '.join(people)}"
            )
        return f"re-paged {len(people)}"

    async def refresh_pages(self, session: AsyncSession, incident: Incident) -> None:
        """Bring every DM copy of the incident's pages up to date (acknowledged, resolved).

        A queued page may be on its way out right now; its edit is queued behind it on the same
        key, and does nothing if the page was dropped instead."""
        for page in incident.pages:
            if page.status in ("queued", "sent", "declined"):
                await self._outbox.add(
                    session, Kind.UPDATE_PAGE, page_key(incident.id, page.user), {"page": page.id}
                )

    async def decline(
        self, session: AsyncSession, incident: Incident, user: str, reason: str
    ) -> int | None:
        """user can't take it: their pages stop, and the next person or level is paged at once."""
        mine = [p for p in incident.pages if p.user == user and p.status in LIVE]
        level = max((p.level for p in mine if p.key.startswith("L")), default=incident.level)
        for page in mine:
            page.status, page.note = "declined", reason[:500] or None
            await self._outbox.add(
                session, Kind.UPDATE_PAGE, page_key(incident.id, user), {"page": page.id}
            )
        await self._log(session, incident, "declined", reason or "no reason given", actor=user)
        if incident.acknowledged_at is not None or incident.status == "resolved":
            return None
        members = list(policies.level(incident.policy, level)["members"])
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
                    prefix=f"L{level}",
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
        page.status, page.note = "unreachable", error[:500]
        await self._log(session, incident, "unreachable", f"{page.user} ({error})")
        if incident.acknowledged_at is not None or incident.status == "resolved":
            return
        level_left = [
            p
            for p in incident.pages
            if p.level == page.level and p.status in LIVE and p.key.startswith("L")
        ]
        if not level_left and page.key.startswith("L"):
            name = policies.level(incident.policy, page.level)["name"]
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

    # -- steps -------------------------------------------------------------------------------

    async def run_step(
        self, session: AsyncSession, step: EscalationStep, incident: Incident
    ) -> str:
        """Do one due step, if it still applies; returns what happened, for the record."""
        level = step.level or incident.level
        unanswered = incident.acknowledged_at is None and incident.status != "resolved"
        match step.kind:
            case "page" if unanswered:
                paged = await self.page_level(
                    session, incident, level, "deferred until business hours"
                )
                return f"paged level {paged}" if paged else "nobody to page"
            case "repage" if unanswered:
                return await self.repage(session, incident, level, int(step.key.rsplit(":", 1)[1]))
            case "handover" if unanswered and incident.level <= level:
                every = policies.repage_every(incident.policy, level) * policies.tries(
                    incident.policy, level
                )
                paged = await self.page_level(
                    session,
                    incident,
                    level + 1,
                    f"level {level} did not acknowledge in {format_duration(every)}",
                    escalating=True,
                )
                return f"paged level {paged}"
            case "sla_ack":
                return await self._ack_deadline(session, step, incident, level)
            case "sla_resolve":
                return await self._resolve_deadline(session, step, incident)
            case "level1_rule" if incident.status != "resolved" and incident.level == 1:
                await self.page_level(
                    session,
                    incident,
                    2,
                    "unresolved at level 1 after "
                    + format_duration(
                        timedelta(seconds=incident.policy["level1_unresolved_after_s"])
                    ),
                )
                return "paged level 2"
            case "notify_half" if incident.status != "resolved":
                await self.page_level(
                    session,
                    incident,
                    level,
                    "half the resolution target has passed",
                    notify_only=True,
                )
                return f"notified level {level}"
        return "no longer needed"

    async def _ack_deadline(
        self, session: AsyncSession, step: EscalationStep, incident: Incident, level: int
    ) -> str:
        acked = incident.acknowledged_at
        if acked is not None and acked <= incident.ack_due_at:
            return "acknowledged in time"
        if incident.ack_breached_at is None:
            incident.ack_breached_at = incident.ack_due_at
            await self._log(session, incident, "breach", "acknowledgement target missed")
        if acked is None and incident.status != "resolved":
            paged = await self.page_level(
                session,
                incident,
                level,
                "not acknowledged within the response target",
                escalating=True,
            )
            return f"breach; paged level {paged}"
        return "breach"

    async def _resolve_deadline(
        self, session: AsyncSession, step: EscalationStep, incident: Incident
    ) -> str:
        due = incident.resolve_due_at
        if due is None or (incident.resolved_at is not None and incident.resolved_at <= due):
            return "resolved in time"
        if incident.resolve_breached_at is None:
            incident.resolve_breached_at = due
            await self._log(session, incident, "breach", "resolution target missed")
        if incident.status != "resolved" and incident.level < policies.max_level(incident.policy):
            paged = await self.page_level(
                session,
                incident,
                incident.level + 1,
                "not resolved within the resolution target",
                escalating=True,
            )
            return f"breach; paged level {paged}"
        return "breach"

    # -- helpers -------------------------------------------------------------------------------

    def _step(
        self,
        session: AsyncSession,
        incident: Incident,
        kind: str,
        key: str,
        due: datetime,
        *,
        level: int | None = None,
    ) -> None:
        session.add(
            EscalationStep(
                incident_id=incident.id,
                key=key,
                kind=kind,
                level=level,
                due_at=due,
                status="pending",
            )
        )

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
