"""users.* and auth.test: who is in the workspace, and who the app is."""

from __future__ import annotations

import copy
import time
from typing import Any

from playground.fake_slack.arguments import paginate
from playground.fake_slack.state import Workspace
from playground.slack_requests import BOT_ID, TEAM_DOMAIN, TEAM_ID


class UsersApi(Workspace):
    def _auth_test(self, a: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": "Supportbot Fake",
            "user": "supportbot",
            "team_id": TEAM_ID,
            "user_id": self.bot_user_id,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _users_info(self, a: dict[str, Any]) -> dict[str, Any]:
        return {"user": copy.deepcopy(self._user(a.get("user")))}

    def _users_list(self, a: dict[str, Any]) -> dict[str, Any]:
        members = [copy.deepcopy(u) for u in self._users.values()]
        page, next_cursor = paginate(members, a, default_limit=0, max_limit=1000)
        return {
            "members": page,
            "cache_ts": int(time.time()),
            "response_metadata": {"next_cursor": next_cursor},
        }
