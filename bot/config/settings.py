"""Process settings from the environment (SPEC §2); secrets stay out of repr and logs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.config.loading import default_config_path

SLACK_PUBLIC_API = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///supportbot.db"


@dataclass(frozen=True)
class Settings:
    """Everything the process reads from its environment."""

    bot_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    api_url: str = SLACK_PUBLIC_API
    database_url: str = DEFAULT_DATABASE_URL
    # DATABASE_URL named the database: a mode with a database of its own (the playground)
    # must still use the one the operator chose.
    database_url_set: bool = False
    config_path: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read SLACK_*, DATABASE_URL and SUPPORTBOT_CONFIG."""
        env = os.environ if env is None else env
        api_url = env.get("SLACK_API_URL") or SLACK_PUBLIC_API
        return cls(
            bot_token=env.get("SLACK_BOT_TOKEN") or None,
            signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            app_token=env.get("SLACK_APP_TOKEN") or None,
            # slack_sdk joins method names onto the base URL, so it must end with a slash.
            api_url=api_url if api_url.endswith("/") else api_url + "/",
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            database_url_set=bool(env.get("DATABASE_URL")),
            config_path=default_config_path(env.get("SUPPORTBOT_CONFIG")),
        )

    def with_default_database(self, database_url: str) -> Settings:
        """These settings with another database, unless DATABASE_URL (or the caller) chose one."""
        if self.database_url_set or self.database_url != DEFAULT_DATABASE_URL:
            return self
        return replace(self, database_url=database_url)

    def missing_for_http(self) -> list[str]:
        """Names of the variables HTTP mode needs and lacks."""
        wanted = {"SLACK_BOT_TOKEN": self.bot_token, "SLACK_SIGNING_SECRET": self.signing_secret}
        return [name for name, value in wanted.items() if not value]

    def missing_for_socket(self) -> list[str]:
        """Names of the variables Socket Mode needs and lacks."""
        wanted = {"SLACK_BOT_TOKEN": self.bot_token, "SLACK_APP_TOKEN": self.app_token}
        return [name for name, value in wanted.items() if not value]
