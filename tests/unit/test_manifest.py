"""manifest.yml is a valid Slack app manifest and matches what the bot serves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from handlers.commands import COMMANDS

REPO_ROOT = Path(__file__).resolve().parents[2]
MANIFEST = REPO_ROOT / "manifest.yml"
# Slack's manifest schema, copied with its licence (tests/data/slack/README.md).
SCHEMA = REPO_ROOT / "tests" / "data" / "slack" / "manifest.schema.1.0.0.json"
EVENTS_URL = "https://supportbot.example.com/slack/events"

# The slash commands the bot registers. Grows with each command; every one must be in the
# manifest and the manifest must hold no command the bot does not answer.
REGISTERED_COMMANDS = set(COMMANDS)
REQUIRED_BOT_SCOPES = {
    "commands",
    "chat:write",
    "chat:write.public",
    "im:write",
    "channels:manage",
    "channels:read",
    "groups:write",
    "users:read",
}


def find_schema() -> Path:
    """Slack's manifest schema, kept in the repository with its licence."""
    return SCHEMA


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "manifest.yml must be a mapping"
    return data


def test_manifest_validates_against_slack_schema(manifest: dict[str, Any]) -> None:
    schema = json.loads(find_schema().read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = sorted(validator_class(schema).iter_errors(manifest), key=lambda e: list(e.path))
    messages = [f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message}" for e in errors]
    assert not messages, "manifest.yml is not a valid Slack manifest:\n" + "\n".join(messages)


def test_manifest_commands_are_the_registered_ones(manifest: dict[str, Any]) -> None:
    commands = manifest["features"]["slash_commands"]
    names = [command["command"] for command in commands]
    assert len(names) == len(set(names)), f"duplicate commands in manifest.yml: {names}"
    assert set(names) == REGISTERED_COMMANDS
    for command in commands:
        assert command["url"] == EVENTS_URL
        # /oncall cover @someone needs the user id, which Slack only sends when escaping.
        assert command["should_escape"] is (command["command"] == "/oncall")


def test_incident_usage_hint_lists_subcommands(manifest: dict[str, Any]) -> None:
    (incident,) = [c for c in manifest["features"]["slash_commands"] if c["command"] == "/incident"]
    hint = incident["usage_hint"]
    for word in ("list", "show", "ack", "escalate", "tier", "update", "resolve", "reopen", "help"):
        assert f"{word} " in hint or hint.endswith(word), word


def test_manifest_grants_required_bot_scopes(manifest: dict[str, Any]) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    missing = REQUIRED_BOT_SCOPES - scopes
    assert not missing, f"bot scopes missing from manifest.yml: {sorted(missing)}"


def test_manifest_settings_point_at_the_events_endpoint(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["interactivity"] == {"is_enabled": True, "request_url": EVENTS_URL}
    assert settings["event_subscriptions"]["request_url"] == EVENTS_URL
    assert "app_home_opened" in settings["event_subscriptions"]["bot_events"]
    assert settings["socket_mode_enabled"] is False
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False
    features = manifest["features"]
    assert features["app_home"]["home_tab_enabled"] is True
    assert features["app_home"]["messages_tab_enabled"] is True
    assert features["bot_user"] == {"display_name": "supportbot", "always_online": True}
