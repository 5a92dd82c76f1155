"""The demo workspace the playground shows: people and channels from the plan, with names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class DemoUser:
    """Someone you can be in the playground."""

    id: str
    name: str
    role: str


def demo_users(plan: Plan) -> list[DemoUser]:
    """One person per escalation level, plus an admin if none of them is one."""
    users: list[DemoUser] = []
    for level in plan.escalation:
        if level.members:
            member = level.members[0]
            role = f"level {level.level}" + (", admin" if member in plan.admins else "")
            users.append(DemoUser(member, NAMES.get(member, member), role))
    if plan.admins and not any(u.id in plan.admins for u in users):
        admin = plan.admins[0]
        users.append(DemoUser(admin, NAMES.get(admin, admin), "admin"))
    return users


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
