"""Database tables as typed SQLAlchemy models."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.config import Policy
from bot.store.columns import PolicyJSON, UTCDateTime, state
from bot.store.states import (
    IncidentStatus,
    OutboxStatus,
    PageKind,
    PageStatus,
    RunKind,
    RunStatus,
    StepKind,
    StepStatus,
)


class Base(DeclarativeBase):
    """Declarative base for every table."""

    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


def table_of(model: type[Base]) -> Table:
    """A model's table, for Core statements built once (hot paths skip the ORM's overhead)."""
    return cast(Table, model.__table__)


class Incident(Base):
    """A declared incident; its id is the number in INC-42."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    tier: Mapped[int]
    category: Mapped[str] = mapped_column(String(40))
    suggested: Mapped[bool] = mapped_column(default=False)
    matched_phrase: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[IncidentStatus] = mapped_column(
        state(IncidentStatus), default=IncidentStatus.OPEN
    )
    reporter: Mapped[str] = mapped_column(String(40))
    level: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    ack_due_at: Mapped[datetime]
    resolve_due_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(40))
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(40))
    summary: Mapped[str | None] = mapped_column(Text)
    root_cause: Mapped[str | None] = mapped_column(Text)
    lessons: Mapped[str | None] = mapped_column(Text)
    post_channel: Mapped[str] = mapped_column(String(40))
    post_ts: Mapped[str | None] = mapped_column(String(40))
    dedicated_channel: Mapped[str | None] = mapped_column(String(40))
    rating: Mapped[int | None]
    rated_at: Mapped[datetime | None]
    # The tier targets and levels in force at declaration: later config edits don't apply.
    policy: Mapped[Policy] = mapped_column(PolicyJSON)
    # The Slack request that declared it (trigger or view id): a retried request finds it.
    source_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Set when the deadline passed unmet: the post shows it and the reports count it.
    ack_breached_at: Mapped[datetime | None]
    resolve_breached_at: Mapped[datetime | None]
    # Outside business hours a lower tier's pages wait until this time.
    paging_deferred_until: Mapped[datetime | None]
    suggestion: Mapped[dict[str, Any] | None]  # how sure, which words, learned from (classifier)

    events: Mapped[list[IncidentEvent]] = relationship(
        back_populates="incident", order_by="IncidentEvent.id", cascade="all, delete-orphan"
    )
    # Few per incident and shown on every post, so they come with the incident.
    pages: Mapped[list[Page]] = relationship(
        back_populates="incident", order_by="Page.id", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (Index("ix_incidents_status", "status"), {"sqlite_autoincrement": True})


class IncidentEvent(Base):
    """One line of an incident's timeline."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text, default="")

    incident: Mapped[Incident] = relationship(back_populates="events")

    __table_args__ = (Index("ix_incident_events_incident", "incident_id"),)


class OutboxMessage(Base):
    """A Slack side effect written with the change that caused it, delivered later."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Messages with the same key are delivered in id order (an incident's post before its edits).
    key: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[OutboxStatus] = mapped_column(state(OutboxStatus), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_key", "key", "status"),
    )


class ChecklistRun(Base):
    """One posting of a checklist or a runbook (both are lists people tick off).

    slot_key makes each scheduled checklist slot post at most once."""

    __tablename__ = "checklist_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    checklist: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(120))
    # The items as they were when posted, so later config edits don't reshuffle ticks.
    items: Mapped[dict[str, Any]] = mapped_column(JSON)
    slot_key: Mapped[str] = mapped_column(String(120), unique=True)
    slot_at: Mapped[datetime]
    status: Mapped[RunStatus] = mapped_column(state(RunStatus))
    channel: Mapped[str] = mapped_column(String(40))
    ts: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]
    kind: Mapped[RunKind] = mapped_column(
        state(RunKind), default=RunKind.CHECKLIST, server_default=RunKind.CHECKLIST.value
    )
    incident_id: Mapped[int | None]
    thread_ts: Mapped[str | None] = mapped_column(String(40))
    # Live check results by step index: {"0": {"status": "ok", "summary": "CPU 12% …"}}.
    results: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)

    ticks: Mapped[list[ChecklistTick]] = relationship(
        back_populates="run", order_by="ChecklistTick.item", cascade="all, delete-orphan"
    )

    __table_args__ = (Index("ix_checklist_runs_slot_at", "slot_at"), {"sqlite_autoincrement": True})


class ChecklistTick(Base):
    """An item ticked on a run: by whom and when (unticking deletes it)."""

    __tablename__ = "checklist_ticks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("checklist_runs.id", ondelete="CASCADE"))
    item: Mapped[int]
    ticked_by: Mapped[str] = mapped_column(String(40))
    ticked_at: Mapped[datetime]

    run: Mapped[ChecklistRun] = relationship(back_populates="ticks")

    __table_args__ = (UniqueConstraint("run_id", "item", name="uq_checklist_tick"),)


class Page(Base):
    """One page attempt: a DM to one person about one incident.

    key (L1:U0SUP1:2 = level 1, that person, second try; N for a notice) is unique per
    incident, so however many processes race, each attempt is made once. The key is only that
    guarantee: kind, level and attempt are read from their columns."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[PageKind] = mapped_column(
        state(PageKind, 10), default=PageKind.PAGE, server_default=PageKind.PAGE.value
    )
    level: Mapped[int]
    user: Mapped[str] = mapped_column(String(40))
    attempt: Mapped[int]
    reason: Mapped[str] = mapped_column(String(200))
    status: Mapped[PageStatus] = mapped_column(state(PageStatus), default=PageStatus.QUEUED)
    created_at: Mapped[datetime]
    # Set before the DM is sent: a later try that finds it set checks Slack before sending.
    attempted_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    channel: Mapped[str | None] = mapped_column(String(40))
    ts: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    digest_of: Mapped[int | None]  # the page whose DM carried this re-page with others

    incident: Mapped[Incident] = relationship(back_populates="pages")

    __table_args__ = (UniqueConstraint("incident_id", "key", name="uq_page_key"),)


class EscalationStep(Base):
    """Something to do for an incident at a time: re-page, hand over, check a deadline.

    Steps live in the database so a restart resumes them; key is unique per incident and a
    step is marked done in the transaction that does it, so it happens exactly once."""

    __tablename__ = "escalation_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[StepKind] = mapped_column(state(StepKind, 30))
    level: Mapped[int | None]
    # The try a re-page sends (the first page is try 1); None for other kinds.
    attempt: Mapped[int | None]
    due_at: Mapped[datetime]
    status: Mapped[StepStatus] = mapped_column(state(StepStatus), default=StepStatus.PENDING)
    done_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("incident_id", "key", name="uq_escalation_step_key"),
        Index("ix_escalation_steps_due", "status", "due_at"),
    )


class OnCallOverride(Base):
    """Someone covering a level for a while, instead of the scheduled person (or everyone)."""

    __tablename__ = "oncall_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[int]
    user: Mapped[str] = mapped_column(String(40))
    # The person covered; None means the whole level is handed to user.
    covering: Mapped[str | None] = mapped_column(String(40))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_oncall_overrides_window", "ends_at", "starts_at"),)


class Handoff(Base):
    """A daily on-call handoff announced in the ops channel; slot_key makes it once a day."""

    __tablename__ = "oncall_handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slot_key: Mapped[str] = mapped_column(String(40), unique=True)
    slot_at: Mapped[datetime]
    created_at: Mapped[datetime]
