"""Block action listeners: buttons and selects on our messages."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from bot.slack import Action
from handlers.actions import (
    alert_buttons,
    checklist_buttons,
    home_buttons,
    incident_buttons,
    lookalike_buttons,
    page_buttons,
    rating,
)


def register(app: AsyncApp) -> None:
    """Wire every action id we send."""
    app.action(Action.ACKNOWLEDGE)(incident_buttons.acknowledge)
    app.action(Action.ESCALATE)(incident_buttons.escalate)
    app.action(Action.RESOLVE)(incident_buttons.open_resolve_modal)
    app.action(Action.CHANGE_TIER)(incident_buttons.change_tier)
    app.action(Action.REOPEN)(incident_buttons.reopen)
    app.action(Action.RUNBOOK)(incident_buttons.show_runbook)
    # Acknowledging from a DM is acknowledging: the service updates the post and every copy.
    app.action(Action.PAGE_ACKNOWLEDGE)(incident_buttons.acknowledge)
    app.action(Action.PAGE_DECLINE)(page_buttons.decline)
    app.action(Action.ADD_TO_INCIDENT)(lookalike_buttons.add_to_incident)
    app.action(Action.DECLARE_ANYWAY)(lookalike_buttons.declare_anyway)
    app.action(Action.CHECKLIST_TICK)(checklist_buttons.tick_item)
    app.action(Action.RECHECK)(checklist_buttons.rerun_check)
    app.action(Action.HOME_DECLARE)(home_buttons.open_declare_modal)
    app.action(Action.HOME_ONCALL)(home_buttons.show_oncall)
    app.action(Action.ALERT_ACKNOWLEDGE)(alert_buttons.acknowledge_alert)
    # Five buttons in one block need five action ids: incident.rate.1 … incident.rate.5.
    app.action(re.compile(rf"^{re.escape(Action.RATE)}\.[1-5]$"))(rating.rate_incident)
    # One button per tier in a close call's answer: incident.confirm_tier.1, .2, …
    app.action(re.compile(rf"^{re.escape(Action.CONFIRM_TIER)}\.\d+$"))(
        incident_buttons.confirm_tier
    )
