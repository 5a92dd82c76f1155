"""The incident service: declare, acknowledge, escalate, retier, update, resolve, reopen, rate."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Plan
from bot.errors import BadInput, InvalidTransition, NotAllowed
from bot.incidents.classifier import Classifier
from bot.incidents.declaration import Declaration, Declared, new_incident
from bot.incidents.learning import LearnedExamples, learn, report_text
from bot.incidents.reads import IncidentReads
from bot.incidents.titles import split_report
from bot.oncall import OnCallService
from bot.paging import Pager, Responders, Verb, who_may_act
from bot.slack import BOT_ACTOR, Kind, Outbox
from bot.store import Incident, IncidentStatus, Resolution, insert_now
from bot.timeline import IncidentLog, IncidentView, incident_key, ref


def write_up(incident: Incident) -> str:
    """A resolution's timeline entry: the whole write-up, as the post showed it then."""
    parts = [incident.summary or ""]
    parts += [f"Root cause: {incident.root_cause}"] if incident.root_cause else []
    parts += [f"Lessons learned: {incident.lessons}"] if incident.lessons else []
    return "\n".join(parts)


def channel_key(incident_id: int) -> str:
    """The outbox key of an incident's dedicated channel. Apart from its post's key: the
    channel needs nothing the post learns, so it is made while the post goes out."""
    return f"incident:{incident_id}:channel"


class IncidentService(IncidentReads):
    """Verbs on incidents; each owns its transaction and queues its Slack side effects."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        plan: Plan,
        outbox: Outbox,
        clock: Clock,
        pager: Pager,
        *,
        oncall: OnCallService,
        classifier: Classifier | None = None,
    ) -> None:
        self._sessions = sessions
        self.classifier = classifier or Classifier.for_plan(plan)
        self._plan = plan
        self._outbox = outbox
        self._clock = clock
        self._pager = pager
        self._oncall = oncall
        self._log = IncidentLog(outbox, clock)
        self._learned = LearnedExamples()

    def _transaction(self) -> AbstractAsyncContextManager[AsyncSession]:
        return self._outbox.transaction(self._sessions)

    async def declare(self, request: Declaration, *, ask_if_alike: bool = False) -> Declared:
        """Create an incident, post it, and open its dedicated channel if its tier wants one.

        ask_if_alike: when the report reads like an open incident, nothing is declared and
        that incident comes back as alike. Read in the declaration's transaction, as are the
        learned examples: one transaction, and its rows and messages written together as it
        ends (a batch, bot/store/bulk.py)."""
        try:
            async with self._outbox.transaction(self._sessions, batch=True) as session:
                if ask_if_alike and (open_one := await self._alike(session, request)):
                    return Declared(IncidentView.of(open_one), alike=True)
                learned = await self._learned.read(session)
                incident = new_incident(
                    request,
                    self._plan,
                    self._clock.now(),
                    lambda text: self.classifier.suggest(text, learned),
                )
                await insert_now(session, incident)
                self._log.record(session, incident, request.reporter, "declared", "")
                named = {"incident": incident.id}
                key = incident_key(incident.id)
                await self._outbox.add(session, Kind.POST_INCIDENT, key, named)
                await self._pager.declared(session, incident)
                if incident.tier in self._plan.incidents.dedicated_channel_tiers:
                    key = channel_key(incident.id)
                    await self._outbox.add(session, Kind.CREATE_CHANNEL, key, named)
        except IntegrityError:
            # The same Slack request came again (a retry, or a race): the unique key caught it.
            if request.source_key and (found := await self._by_source(request.source_key)):
                return Declared(found, duplicate=True)
            raise
        return Declared(IncidentView.of(incident))

    async def acknowledge(self, incident_id: int, *, by: str) -> IncidentView:
        """Someone who may has taken the incident (from its post, a page DM or /incident ack)."""
        async with self._transaction() as session:
            incident = await self._load(session, incident_id, for_update=True)
            # Its state first: "already acknowledged by …" is the useful answer to a late click.
            if incident.status == IncidentStatus.RESOLVED:
                raise InvalidTransition(reason="already_resolved", ref=ref(incident_id))
            if incident.acknowledged_at is not None:
                raise InvalidTransition(
                    reason="already_acknowledged",
                    ref=ref(incident_id),
                    who=incident.acknowledged_by,
                )
            await self._require(session, incident, by, Verb.ACKNOWLEDGE)
            incident.status = IncidentStatus.ACKNOWLEDGED
            incident.acknowledged_at = self._clock.now()
            incident.acknowledged_by = by
            await self._changed(session, incident, by, "acknowledged", "")
            await self._pager.refresh_pages(session, incident)
            return IncidentView.of(incident)

    async def escalate(self, incident_id: int, *, by: str, reason: str = "") -> IncidentView:
        """Raise the incident one escalation level."""
        async with self._transaction() as session:
            incident = await self._load(session, incident_id, for_update=True)
            await self._require(session, incident, by, Verb.ESCALATE)
            if incident.status == IncidentStatus.RESOLVED:
                raise InvalidTransition(reason="already_resolved", ref=ref(incident_id))
            if incident.level >= incident.policy.max_level:
                raise InvalidTransition(reason="top_level", ref=ref(incident_id))
            target = incident.level = incident.level + 1
            name = incident.policy.level(target).name
            await self._changed(
                session, incident, by, "escalated", f"level {target} — {name}. {reason}".strip()
            )
            await self._pager.page_level(session, incident, target, f"escalated by {by}", actor=by)
            return IncidentView.of(incident)

    async def change_tier(self, incident_id: int, tier: int, *, by: str) -> IncidentView:
        """Move the incident to another tier; its deadlines follow from the declaration time."""
        async with self._transaction() as session:
            incident = await self._load(session, incident_id, for_update=True)
            responders = await self._responders(session, incident)
            responders.require(by, Verb.TIER)
            if incident.status == IncidentStatus.RESOLVED:
                raise InvalidTransition(reason="already_resolved", ref=ref(incident_id))
            tiers = incident.policy.tier_numbers
            if tier not in tiers:
                raise BadInput(reason="unknown_tier", tier=tier, tiers=tiers)
            if tier == incident.tier:
                raise InvalidTransition(reason="same_tier", ref=ref(incident_id), tier=tier)
            old = incident.tier
            incident.tier, incident.suggested = tier, False
            since = incident.paging_deferred_until or incident.created_at
            due = incident.policy.targets(tier, since)
            incident.ack_due_at, incident.resolve_due_at = due.ack_due_at, due.resolve_due_at
            await self._changed(session, incident, by, "tier_changed", f"{old} → {tier}")
            if responders.may_acknowledge(by):
                # A reporter's own retier is not a responder's judgement: not taught.
                await learn(session, incident, by=by, at=self._clock.now())
            await self._pager.tier_changed(session, incident)
            await self._pager.schedule_deadlines(session, incident)
            wants_channel = tier in self._plan.incidents.dedicated_channel_tiers
            if wants_channel and incident.dedicated_channel is None:
                await self._outbox.add(
                    session,
                    Kind.CREATE_CHANNEL,
                    channel_key(incident.id),
                    {"incident": incident.id},
                    coalesce=True,
                )
            return IncidentView.of(incident)

    async def confirm_tier(self, incident_id: int, tier: int, *, by: str) -> IncidentView:
        """The answer to a close call: the suggested tier confirmed, or changed (and learned)."""
        async with self._transaction() as session:
            incident = await self._load(session, incident_id, for_update=True)
            await self._require(session, incident, by, Verb.TIER)
            if tier == incident.tier:
                if incident.status == IncidentStatus.RESOLVED:
                    raise InvalidTransition(reason="already_resolved", ref=ref(incident_id))
                incident.suggestion = {**(incident.suggestion or {}), "close_call": False}
                await self._changed(session, incident, by, "tier_confirmed", f"Tier {tier}")
                return IncidentView.of(incident)
        return await self.change_tier(incident_id, tier, by=by)

    async def add_update(self, incident_id: int, text: str, *, by: str) -> IncidentView:
        """A free-text note on the timeline."""
        if not text.strip():
            raise BadInput(reason="empty_update")
        async with self._transaction() as session:
            incident = await self._load(session, incident_id, for_update=True)
            await self._changed(session, incident, by, "update", text.strip())
            return IncidentView.of(incident)

    async def add_report(self, incident_id: int, request: Declaration) -> IncidentView:
        """A report like an open incident, put on its timeline instead of declared again."""
        title, details = split_report(request.text, request.description)
        return await self.add_update(incident_id, report_text(title, details), by=request.reporter)

    async def note(self, incident_id: int, kind: str, text: str, *, by: str) -> IncidentView:
        """Something done for the incident elsewhere (a runbook posted) joins its timeline."""
        async with self._transaction() as session:
            incident = await self._load(session, incident_id, for_update=True)
            await self._changed(session, incident, by, kind, text)
            return IncidentView.of(incident)

    async def check_may_resolve(self, incident_id: int, *, by: str) -> IncidentView:
        """Raise unless by may resolve this open incident (before a modal is opened)."""
        async with self._sessions() as session:
            incident = await self._load(session, incident_id)
            await self._require(session, incident, by, Verb.RESOLVE)
            if incident.status == IncidentStatus.RESOLVED:
                raise InvalidTransition(reason="already_resolved", ref=ref(incident_id))
            return IncidentView.of(incident)

    async def resolve(
        self, incident_id: int, *, by: str, summary: str, root_cause: str = "", lessons: str = ""
    ) -> IncidentView:
        """Close the incident with its write-up, and ask the reporter for a rating."""
        async with self._transaction() as session:
            incident = await self._load(session, incident_id, for_update=True)
            await self._require(session, incident, by, Verb.RESOLVE)
            if incident.status == IncidentStatus.RESOLVED:
                raise InvalidTransition(reason="already_resolved", ref=ref(incident_id))
            incident.status = IncidentStatus.RESOLVED
            incident.resolved_at, incident.resolved_by = self._clock.now(), by
            incident.summary, incident.root_cause = summary.strip(), root_cause.strip() or None
            incident.lessons = lessons.strip() or None
            # The incident shows the latest write-up; a reopened one's earlier write-ups stay
            # searchable here and readable on the timeline.
            session.add(
                Resolution(
                    incident_id=incident.id,
                    resolved_at=incident.resolved_at,
                    resolved_by=by,
                    summary=incident.summary,
                    root_cause=incident.root_cause,
                    lessons=incident.lessons,
                )
            )
            await self._changed(session, incident, by, "resolved", write_up(incident))
            await self._pager.refresh_pages(session, incident)
            # A monitor's incident was reported by the bot: there is nobody to ask.
            asks = incident.reporter != BOT_ACTOR and self._plan.incidents.ask_rating
            if asks and incident.rating is None:
                await self._outbox.add(
                    session,
                    Kind.RATING_DM,
                    incident_key(incident.id),
                    {"incident": incident.id},
                    coalesce=True,
                )
            return IncidentView.of(incident)

    async def reopen(self, incident_id: int, *, by: str) -> IncidentView:
        """Bring a resolved incident back; resolution is due again from now."""
        async with self._transaction() as session:
            incident = await self._load(session, incident_id, for_update=True)
            await self._require(session, incident, by, Verb.REOPEN)
            if incident.status != IncidentStatus.RESOLVED:
                raise InvalidTransition(reason="not_resolved", ref=ref(incident_id))
            now = self._clock.now()
            incident.status = (
                IncidentStatus.ACKNOWLEDGED if incident.acknowledged_at else IncidentStatus.OPEN
            )
            incident.resolved_at = incident.resolved_by = None
            incident.resolve_due_at = incident.policy.targets(incident.tier, now).resolve_due_at
            await self._changed(session, incident, by, "reopened", "")
            await self._pager.schedule_deadlines(session, incident)
            return IncidentView.of(incident)

    async def rate(self, incident_id: int, rating: int, *, by: str) -> IncidentView:
        """The reporter's 1–5 satisfaction rating; given once."""
        if rating not in range(1, 6):
            raise BadInput(reason="bad_rating")
        async with self._transaction() as session:
            incident = await self._load(session, incident_id, for_update=True)
            if by != incident.reporter:
                raise NotAllowed(action="rate", ref=ref(incident_id))
            if incident.rating is not None:
                raise InvalidTransition(
                    reason="already_rated", ref=ref(incident_id), rating=incident.rating
                )
            incident.rating, incident.rated_at = rating, self._clock.now()
            self._log.record(session, incident, by, "rated", f"{rating}/5")
            return IncidentView.of(incident)

    async def post_on_its_way(self, incident_id: int) -> bool:
        """Whether the incident's post is still to reach Slack, or reached it and its ts is
        not recorded yet (a reply in its thread then waits for it)."""
        async with self._sessions() as session:
            return await self._outbox.on_its_way(
                session, incident_key(incident_id), Kind.POST_INCIDENT
            )

    async def _responders(self, session: AsyncSession, incident: Incident) -> Responders:
        # The rule itself is bot/paging/responders.py; this only reads who is on call now.
        roster = await self._oncall.roster_in(session, self._clock.now())
        return who_may_act(incident, roster, self._plan.admins)

    async def _require(
        self, session: AsyncSession, incident: Incident, user: str, verb: Verb
    ) -> None:
        (await self._responders(session, incident)).require(user, verb)

    async def _changed(
        self, session: AsyncSession, incident: Incident, actor: str, kind: str, text: str
    ) -> None:
        await self._log.changed(session, incident, actor, kind, text)
