"""The demo workspace the playground shows: people and channels from the plan, with names."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.config import Plan

# Friendly names for the seed plan's member ids; other ids show as themselves.
NAMES = {
    "U0SUP1": "Sam (Support)",
    "U0SUP2": "Sky (Support)",
    "U0DEV1": "Dana (Dev)",
    "U0DEV2": "Devi (Dev)",
    "U0ARCH1": "Ari (Architect)",
    "U0MGR1": "Morgan (Manager)",
}

# The app manifest, in a checkout: descriptions and usage hints for the composer, and which
# commands Slack sends with mentions escaped. Without it (an installed wheel) the composer
# still lists every command, and mentions go through as typed.
MANIFEST = Path(__file__).resolve().parents[1] / "manifest.yml"

_MENTION = re.compile(r"(?<![\w<@])@([\w.\-]+)")
_CHANNEL = re.compile(r"(?<![\w<#])#([\w\-]+)")


@dataclass(frozen=True)
class DemoUser:
    """Someone you can be in the playground."""

    id: str
    name: str
    role: str


@dataclass(frozen=True)
class CommandHint:
    """What the composer says about a slash command."""

    command: str
    description: str = ""
    usage_hint: str = ""
    escapes_mentions: bool = False


def _role(plan: Plan, uid: str) -> str:
    levels = [f"level {lvl.level}" for lvl in plan.escalation if uid in lvl.members]
    return ", ".join([*levels, *(["admin"] if uid in plan.admins else [])])


def demo_users(plan: Plan, on_call: Sequence[Sequence[str]] | None = None) -> list[DemoUser]:
    """One person per escalation level, plus an admin if none of them is one.

    With on_call (who is on call now, per level), each level's person is the first one on
    call, so the pages a declared incident sends land in the demo people's DMs."""
    users: list[DemoUser] = []
    for index, level in enumerate(plan.escalation):
        now = list(on_call[index]) if on_call is not None and index < len(on_call) else []
        member = next(iter(now), None) or next(iter(level.members), None)
        if member is None or any(u.id == member for u in users):
            continue
        role = f"level {level.level}" + (", admin" if member in plan.admins else "")
        users.append(DemoUser(member, NAMES.get(member, member), role))
    if plan.admins and not any(u.id in plan.admins for u in users):
        admin = plan.admins[0]
        users.append(DemoUser(admin, NAMES.get(admin, admin), "admin"))
    return users


def other_users(plan: Plan, shown: Sequence[DemoUser]) -> list[DemoUser]:
    """Everyone else the plan names, so any DM (a re-page, a cover) can be looked at."""
    ids = {u.id for u in shown}
    return [
        DemoUser(u["id"], u["real_name"], _role(plan, u["id"]))
        for u in workspace_users(plan)
        if u["id"] not in ids
    ]


def workspace_users(plan: Plan) -> list[dict[str, Any]]:
    """Everyone the plan names, for the fake Slack's directory."""
    ids = {m for level in plan.escalation for m in level.members} | set(plan.admins)
    return [
        {
            "id": uid,
            "name": NAMES.get(uid, uid).split(" ")[0].lower(),
            "real_name": NAMES.get(uid, uid),
        }
        for uid in sorted(ids)
    ]


def workspace_channels(plan: Plan) -> list[dict[str, Any]]:
    """The plan's channels, named for their purpose."""
    return [{"id": cid, "name": purpose} for purpose, cid in plan.channels.model_dump().items()]


def command_hints(commands: Sequence[str], manifest: Path = MANIFEST) -> list[CommandHint]:
    """Each command the bot answers, with the manifest's description and usage if it has one."""
    entries: dict[str, dict[str, Any]] = {}
    if manifest.is_file():
        data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
        for entry in (data.get("features") or {}).get("slash_commands") or []:
            if isinstance(entry, dict) and entry.get("command"):
                entries[str(entry["command"])] = entry
    return [
        CommandHint(
            command=name,
            description=str(entries.get(name, {}).get("description") or ""),
            usage_hint=str(entries.get(name, {}).get("usage_hint") or ""),
            escapes_mentions=bool(entries.get(name, {}).get("should_escape")),
        )
        for name in sorted(commands)
    ]


def escape_mentions(
    text: str, users: Sequence[Mapping[str, Any]], channels: Sequence[Mapping[str, Any]]
) -> str:
    """@name and #channel as Slack sends them for a command with should_escape: <@U…|name>."""
    by_name: dict[str, Mapping[str, Any]] = {}
    for person in users:
        first_name = str(person.get("real_name") or "").split(" ")[0]
        for key in (person.get("name"), person.get("id"), first_name):
            if key:
                by_name.setdefault(str(key).lower(), person)
    channel_ids = {str(c["name"]).lower(): c for c in channels}

    def user(match: re.Match[str]) -> str:
        found = by_name.get(match[1].lower())
        return f"<@{found['id']}|{found['name']}>" if found else match[0]

    def channel(match: re.Match[str]) -> str:
        found = channel_ids.get(match[1].lower())
        return f"<#{found['id']}|{found['name']}>" if found else match[0]

    return _CHANNEL.sub(channel, _MENTION.sub(user, text))
