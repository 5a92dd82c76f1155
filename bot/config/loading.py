"""Reading the plan from YAML (errors name the key) and printing the effective plan."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from bot.config.plan import Plan
from bot.config.redact import mask_secrets
from bot.errors import ConfigError


def load_plan(path: Path | None) -> Plan:
    """Read and validate the plan; None means the seed defaults."""
    if path is None:
        return Plan()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys")
    try:
        return Plan.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(path, exc)) from None


def _describe(path: Path, exc: ValidationError) -> str:
    lines = [f"{path}: {exc.error_count()} problem(s) in the config"]
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"]) or "(top level)"
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"  {key}: {message}")
    return "\n".join(lines)


def default_config_path(env_value: str | None) -> Path | None:
    """SUPPORTBOT_CONFIG, else ./supportbot.yml when present, else None (seed)."""
    if env_value:
        return Path(env_value)
    local = Path("supportbot.yml")
    return local if local.exists() else None


def plan_as_yaml(plan: Plan) -> str:
    """The effective plan in the same shape as the config file, credentials masked."""
    data = mask_secrets(plan.model_dump(mode="json"))
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
