"""Plain read models of incidents that services hand to the edge and the templates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.config import Policy
from bot.store import IncidentRecord, IncidentStatus, PageKind, PageStatus


class PageFields(Protocol):
    """What views and page deliveries read of a page: a Page, or a row read without the ORM."""

    @property
    def id(self) -> int: ...
    @property
    def user(self) -> str: ...
    @property
    def level(self) -> int: ...
    @property
    def attempt(self) -> int: ...
    @property
    def reason(self) -> str: ...
    @property
    def status(self) -> PageStatus: ...
    @property
    def kind(self) -> PageKind: ...
    @property
    def note(self) -> str | None: ...
    @property
    def ts(self) -> str | None: ...
    @property
    def digest_of(self) -> int | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def attempted_at(self) -> datetime | None: ...


class IncidentFields(Protocol):
    """What a view reads of an incident: an Incident, or an IncidentRecord (a delivery's
    read without the ORM)."""

    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def tier(self) -> int: ...
    @property
    def category(self) -> str: ...
    @property
    def suggested(self) -> bool: ...
    @property
    def matched_phrase(self) -> str | None: ...
    @property
    def status(self) -> IncidentStatus: ...
    @property
    def reporter(self) -> str: ...
    @property
    def level(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def ack_due_at(self) -> datetime: ...
    @property
    def resolve_due_at(self) -> datetime | None: ...
    @property
    def acknowledged_at(self) -> datetime | None: ...
    @property
    def acknowledged_by(self) -> str | None: ...
    @property
    def resolved_at(self) -> datetime | None: ...
    @property
    def resolved_by(self) -> str | None: ...
    @property
    def summary(self) -> str | None: ...
    @property
    def root_cause(self) -> str | None: ...
    @property
    def lessons(self) -> str | None: ...
    @property
    def post_channel(self) -> str: ...
    @property
    def post_ts(self) -> str | None: ...
    @property
    def dedicated_channel(self) -> str | None: ...
    @property
    def rating(self) -> int | None: ...
    @property
    def policy(self) -> Policy: ...
    @property
    def ack_breached_at(self) -> datetime | None: ...
    @property
    def resolve_breached_at(self) -> datetime | None: ...
    @property
    def paging_deferred_until(self) -> datetime | None: ...
    @property
    def suggestion(self) -> dict[str, Any] | None: ...
    @property
    def pages(self) -> Sequence[PageFields]: ...


class EventFields(Protocol):
    """What a view reads of a timeline entry: an IncidentEvent, or a row read without the ORM."""

    @property
    def at(self) -> datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...


def ref(incident_id: int) -> str:
    """The short id people type: INC-42."""
    return f"INC-{incident_id}"


@dataclass(frozen=True)
class EventView:
    """One timeline entry."""

    at: datetime
    actor: str
    kind: str
    text: str

    @classmethod
    def of(cls, event: EventFields) -> EventView:
        return cls(at=event.at, actor=event.actor, kind=event.kind, text=event.text)


@dataclass(frozen=True)
class PagedPerson:
    """Where one person's pages about an incident stand: their latest attempt."""

    user: str
    level: int
    tries: int
    status: PageStatus
    notify_only: bool

    @classmethod
    def of_pages(cls, pages: Sequence[PageFields]) -> tuple[PagedPerson, ...]:
        latest: dict[str, PageFields] = {}
        tries: dict[str, int] = {}
        for page in pages:
            latest[page.user] = page
            tries[page.user] = tries.get(page.user, 0) + (page.status != PageStatus.CANCELLED)
        return tuple(
            cls(
                user=user,
                level=page.level,
                tries=tries[user],
                status=page.status,
                notify_only=page.kind == PageKind.NOTICE,
            )
            for user, page in latest.items()
        )


@dataclass(frozen=True)
class SuggestionView:
    """How the classifier came to an incident's tier: how sure, the words, a close call."""

    confidence: float
    words: tuple[str, ...]
    close_call: bool
    learned_from: int | None
    runner_up: int | None

    @classmethod
    def of(cls, stored: dict[str, Any] | None) -> SuggestionView | None:
        if not stored or not stored.get("matched", True):
            return None
        learned = stored.get("learned_from")
        return cls(
            confidence=float(stored.get("confidence") or 0.0),
            words=tuple(str(w) for w in stored.get("words") or ()),
            close_call=bool(stored.get("close_call")),
            learned_from=int(learned) if learned is not None else None,
            runner_up=stored.get("runner_up"),
        )

    @property
    def learned_ref(self) -> str | None:
        """The incident a correction was learned from (INC-4)."""
        return ref(self.learned_from) if self.learned_from is not None else None


@dataclass(frozen=True)
class IncidentView:
    """Everything a message about an incident shows."""

    id: int
    ref: str
    title: str
    description: str
    tier: int
    tier_name: str
    tiers: tuple[int, ...]
    category: str
    suggested: bool
    matched_phrase: str | None
    status: IncidentStatus
    reporter: str
    level: int
    level_name: str
    level_members: tuple[str, ...]
    max_level: int
    created_at: datetime
    ack_due_at: datetime
    resolve_due_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    summary: str | None
    root_cause: str | None
    lessons: str | None
    post_channel: str
    post_ts: str | None
    dedicated_channel: str | None
    rating: int | None
    paged: tuple[PagedPerson, ...] = ()
    ack_breached_at: datetime | None = None
    resolve_breached_at: datetime | None = None
    paging_deferred_until: datetime | None = None
    suggestion: SuggestionView | None = None

    @property
    def is_open(self) -> bool:
        return self.status != IncidentStatus.RESOLVED

    @property
    def overdue(self) -> bool:
        """A missed target still outstanding: not acknowledged past its acknowledgement target,
        or open past its resolution target. Once met late, a breach is history."""
        late_ack = self.ack_breached_at is not None and self.acknowledged_at is None
        return self.is_open and (late_ack or self.resolve_breached_at is not None)

    @classmethod
    def of(cls, incident: IncidentFields) -> IncidentView:
        if not isinstance(incident, IncidentRecord):
            return cls._made(incident)
        # A record never changes: one view serves every message made from it (a
        # declaration's four page DMs are made from one).
        if incident.shown is None:
            incident.shown = cls._made(incident)
        shown: IncidentView = incident.shown
        return shown

    @classmethod
    def _made(cls, incident: IncidentFields) -> IncidentView:
        policy = incident.policy
        level = policy.level(incident.level)
        return cls(
            id=incident.id,
            ref=ref(incident.id),
            title=incident.title,
            description=incident.description,
            tier=incident.tier,
            tier_name=policy.tier_name(incident.tier),
            tiers=tuple(policy.tier_numbers),
            category=incident.category,
            suggested=incident.suggested,
            matched_phrase=incident.matched_phrase,
            status=incident.status,
            reporter=incident.reporter,
            level=incident.level,
            level_name=level.name,
            level_members=level.members,
            max_level=policy.max_level,
            created_at=incident.created_at,
            ack_due_at=incident.ack_due_at,
            resolve_due_at=incident.resolve_due_at,
            acknowledged_at=incident.acknowledged_at,
            acknowledged_by=incident.acknowledged_by,
            resolved_at=incident.resolved_at,
            resolved_by=incident.resolved_by,
            summary=incident.summary,
            root_cause=incident.root_cause,
            lessons=incident.lessons,
            post_channel=incident.post_channel,
            post_ts=incident.post_ts,
            dedicated_channel=incident.dedicated_channel,
            rating=incident.rating,
            paged=PagedPerson.of_pages(incident.pages),
            ack_breached_at=incident.ack_breached_at,
            resolve_breached_at=incident.resolve_breached_at,
            paging_deferred_until=incident.paging_deferred_until,
            suggestion=SuggestionView.of(incident.suggestion) if incident.suggested else None,
        )


@dataclass(frozen=True)
class IncidentDetail:
    """An incident with its timeline."""

    incident: IncidentView
    events: tuple[EventView, ...]
