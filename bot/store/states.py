"""The fixed sets of values rows hold (statuses, kinds), each stored as its string value."""

from __future__ import annotations

from enum import StrEnum


class IncidentStatus(StrEnum):
    """Where an incident stands."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class PageKind(StrEnum):
    """What a page asks of the person it reaches."""

    # Take the incident: a level paged this way becomes the incident's level.
    PAGE = "page"
    # Only know about it (half the resolution target has passed): nothing to acknowledge.
    NOTICE = "notice"


class PageStatus(StrEnum):
    """Where one page attempt stands."""

    QUEUED = "queued"
    SENT = "sent"
    # No longer needed when its turn to go out came.
    CANCELLED = "cancelled"
    UNREACHABLE = "unreachable"
    DECLINED = "declined"


# Pages still waiting for an answer: their people count as asked.
LIVE_PAGES = frozenset({PageStatus.QUEUED, PageStatus.SENT})


class StepKind(StrEnum):
    """What an escalation step does when it falls due."""

    PAGE = "page"
    REPAGE = "repage"
    HANDOVER = "handover"
    SLA_ACK = "sla_ack"
    SLA_RESOLVE = "sla_resolve"
    LEVEL1_RULE = "level1_rule"
    NOTIFY_HALF = "notify_half"


# Steps that follow the incident's deadlines: rescheduled when the tier changes or it reopens.
DEADLINE_STEPS = frozenset(
    {StepKind.SLA_ACK, StepKind.SLA_RESOLVE, StepKind.LEVEL1_RULE, StepKind.NOTIFY_HALF}
)


class StepStatus(StrEnum):
    """Where an escalation step stands."""

    PENDING = "pending"
    DONE = "done"
    # Due, but no longer applied (acknowledged or resolved in time).
    SKIPPED = "skipped"
    # Replaced before it was due (the tier changed, the incident reopened).
    CANCELLED = "cancelled"
    FAILED = "failed"


class RunKind(StrEnum):
    """What a checklist run lists."""

    CHECKLIST = "checklist"
    RUNBOOK = "runbook"


class RunStatus(StrEnum):
    """How a run was posted: a checklist on its slot (or missed), or a runbook on request."""

    ON_TIME = "on_time"
    LATE = "late"
    MANUAL = "manual"
    REPOSTED = "reposted"
    MISSED = "missed"
    POSTED = "posted"


class OutboxStatus(StrEnum):
    """Where one outbox message stands."""

    PENDING = "pending"
    # Claimed by a worker until its lease runs out.
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class ReportKind(StrEnum):
    """Which period a report covers."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class SampleState(StrEnum):
    """What one monitor check found."""

    UP = "up"
    # Answering, but past a threshold (slow, a number too high).
    DEGRADED = "degraded"
    DOWN = "down"
    # The probe itself could not run (the bot's fault, the probe's own timeout): never down.
    UNKNOWN = "unknown"


class RollupPeriod(StrEnum):
    """The length of one aggregate row of samples."""

    HOUR = "hour"
    DAY = "day"


class AlertState(StrEnum):
    """Where one rule's alert on one monitor stands."""

    # Over the threshold, but not yet for the rule's for-duration: nothing posted.
    PENDING = "pending"
    FIRING = "firing"
    RESOLVED = "resolved"


class MuteKind(StrEnum):
    """Why a monitor's alerts are muted for a while."""

    # Alerts muted; the time still counts for uptime.
    SILENCE = "silence"
    # Planned work: alerts muted and the time left out of uptime.
    MAINTENANCE = "maintenance"
