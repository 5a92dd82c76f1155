"""Ids of Slack actions, blocks and views: one place, so handlers and templates agree."""

from __future__ import annotations

from enum import StrEnum

# The actor of what the bot does on its own (re-pages, hand-overs, breaches) in timelines; a
# mention of it renders as the bot's name, not as a user.
BOT_ACTOR = "supportbot"


class Action(StrEnum):
    """action_id of every interactive element we send."""

    ACKNOWLEDGE = "incident.acknowledge"
    ESCALATE = "incident.escalate"
    RESOLVE = "incident.resolve"
    CHANGE_TIER = "incident.change_tier"
    # The reporter's answer to a close call: incident.confirm_tier.1 … one per tier.
    CONFIRM_TIER = "incident.confirm_tier"
    RUNBOOK = "incident.runbook"
    REOPEN = "incident.reopen"
    RATE = "incident.rate"
    # The answer to "looks like INC-2 — add to it instead?".
    ADD_TO_INCIDENT = "incident.add_to"
    DECLARE_ANYWAY = "incident.declare_anyway"
    PAGE_ACKNOWLEDGE = "page.acknowledge"
    PAGE_DECLINE = "page.decline"
    CHECKLIST_TICK = "checklist.tick"
    RECHECK = "checklist.recheck"
    # The App Home's own buttons (its Acknowledge is a page's).
    HOME_DECLARE = "home.declare"
    HOME_ONCALL = "home.oncall"
    ALERT_ACKNOWLEDGE = "alert.acknowledge"


class View(StrEnum):
    """callback_id of every modal we open."""

    DECLARE = "incident.declare"
    RESOLVE = "incident.resolve"
    DECLINE = "page.decline"


class Field(StrEnum):
    """block_id (and action_id) of modal inputs."""

    TITLE = "title"
    DESCRIPTION = "description"
    TIER = "tier"
    CATEGORY = "category"
    SUMMARY = "summary"
    ROOT_CAUSE = "root_cause"
    LESSONS = "lessons"
    REASON = "reason"


SUGGEST = "suggest"
# The declare form's private_metadata once it has shown its look-alike: submitting declares.
DECLARE_ANYWAY = "declare_anyway"
