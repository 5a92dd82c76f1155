"""The /alerts grammar: text in, a typed command out (no Slack, no database)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store import MuteKind


@dataclass(frozen=True)
class AlertsCommand:
    """A parsed /alerts: list what is firing, mute a monitor, or help (with its problem)."""

    name: str
    kind: MuteKind | None = None
    monitor: str = ""
    duration: str = ""
    problem: str | None = None
    given: str = ""


def parse(text: str) -> AlertsCommand:
    """`/alerts`, `/alerts silence NAME DURATION`, `/alerts maintenance NAME DURATION`.

    A monitor's name may have spaces: the duration is the last word, the name the rest."""
    words = text.split()
    if not words or (words[0].lower() in ("list", "firing") and len(words) == 1):
        return AlertsCommand("list")
    first = words[0].lower()
    if first in {kind.value for kind in MuteKind}:
        if len(words) < 3:
            return AlertsCommand("help", problem="needs_name_and_duration", given=first)
        return AlertsCommand(
            "mute", kind=MuteKind(first), monitor=" ".join(words[1:-1]), duration=words[-1]
        )
    if first == "help":
        return AlertsCommand("help")
    return AlertsCommand("help", problem="unknown_subcommand", given=words[0][:30])
