"""Config: seed defaults, YAML over them, and errors that name the key."""

from __future__ import annotations

import subprocess
import sys
from datetime import time, timedelta
from pathlib import Path

import pytest
import yaml

from bot.config import Plan, Policy, Settings, load_plan, plan_as_yaml
from bot.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "supportbot.yml"
    path.write_text(text)
    return path


def test_seed_defaults_match_the_plan() -> None:
    plan = Plan()
    assert plan.tiers[1].respond == timedelta(minutes=15)
    assert plan.tiers[1].resolve == timedelta(hours=2)
    assert plan.tiers[2].respond == timedelta(hours=1)
    assert plan.tiers[3].resolve == timedelta(hours=24)
    assert plan.tiers[4].resolve is None
    assert [lvl.name for lvl in plan.escalation] == [
        "Support Team",
        "Development Team",
        "Senior Developer/Architect",
        "Management",
    ]
    assert plan.channels.incidents == "C0INCIDENTS"


def test_yaml_overrides_defaults(tmp_path: Path) -> None:
    plan = load_plan(
        write(
            tmp_path,
            """
timezone: Europe/London
business_hours: {days: [mon, tue], start: "08:30", end: 17:30}
channels: {incidents: C123}
tiers:
  1: {name: Sev1, respond: 5m, resolve: 1h30m}
  2: {name: Sev2, respond: 1h, resolve: 4h}
""",
        )
    )
    assert plan.timezone == "Europe/London"
    assert plan.business_hours.end == time(17, 30)  # unquoted 17:30 is YAML's number 1050
    assert plan.channels.incidents == "C123" and plan.channels.ops == "C0OPS"
    assert plan.tiers[1].resolve == timedelta(hours=1, minutes=30)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("timezone: Mars/Olympus", "timezone"),
        ("tiers: {1: {name: A, respond: soon}}", "tiers.1.respond"),
        ("escalation: [{level: 2, name: X}]", "escalation"),
        ("business_hours: {start: '18:00', end: '09:00'}", "business_hours"),
        ("channels: {incidnets: C1}", "channels.incidnets"),
        ("classifier: [{tier: 7, category: x, phrases: [y]}]", "classifier.rules.0.tier"),
        ("classifier: {examples: [{text: x, tier: 9, category: y}]}", "classifier.examples.0.tier"),
        ("classifier: {examples: [{text: x, tier: 1}]}", "classifier.examples.0.category"),
        ("launch_date: yesterday", "launch_date"),
        ("paging: {tiers: {1: {page: [7]}}}", "paging.tiers.1"),
        ("paging: {tiers: {9: {page: [1]}}}", "paging.tiers.9"),
        ("paging: {security_level: 5}", "paging.security_level"),
        ("paging: {level1_unresolved_after: later}", "paging.level1_unresolved_after"),
        ("escalation: [{level: 1, name: A, repage_every: often}]", "escalation.0.repage_every"),
        ("escalation: [{level: 1, name: A, tries: 0}]", "escalation.0.tries"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_plan(write(tmp_path, text))
    assert key in str(error.value)


def test_not_yaml_and_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_plan(write(tmp_path, "a: [unclosed"))
    with pytest.raises(ConfigError, match="mapping"):
        load_plan(write(tmp_path, "- a\n- b\n"))
    with pytest.raises(ConfigError, match="cannot read"):
        load_plan(tmp_path / "missing.yml")


def test_effective_plan_round_trips_through_yaml() -> None:
    plan = Plan()
    assert Plan.model_validate(yaml.safe_load(plan_as_yaml(plan))) == plan


def test_seed_paging_policy_is_spec_section_four() -> None:
    plan = Plan()
    assert plan.tier_paging(1).page == [1, 2] and plan.tier_paging(1).notify_at_half_resolve == 4
    assert plan.tier_paging(2).page == [1] and plan.tier_paging(2).dm_hours == "always"
    assert plan.tier_paging(3).dm_hours == "business" and plan.tier_paging(3).one_person
    assert plan.tier_paging(4).dm_hours == "never"
    assert [plan.tier_paging(t).repage_every for t in (1, 2, 3)] == [
        timedelta(minutes=5),
        timedelta(minutes=15),
        timedelta(hours=1),
    ]
    assert plan.paging.level1_unresolved_after == timedelta(hours=2)
    assert plan.paging.security_level == 3
    level = plan.level(1)
    assert (level.repage_every, level.tries, level.timeout) == (
        timedelta(minutes=5),
        3,
        timedelta(minutes=15),
    )


def test_trimmed_tiers_keep_the_paging_of_the_tiers_left(tmp_path: Path) -> None:
    plan = load_plan(
        write(tmp_path, "tiers: {1: {name: Urgent, respond: 10m}, 2: {name: Later, respond: 1d}}")
    )
    assert sorted(plan.paging.tiers) == [1, 2]
    assert plan.tier_paging(2).page == [1]


def test_per_level_repage_cadence_from_yaml(tmp_path: Path) -> None:
    plan = load_plan(
        write(
            tmp_path,
            "escalation:\n"
            "  - {level: 1, name: Support, members: [U1], repage_every: 2m, tries: 5}\n"
            "  - {level: 2, name: Dev, members: [U2]}\n",
        )
    )
    assert plan.level(1).timeout == timedelta(minutes=10)
    assert plan.level(2).timeout == timedelta(minutes=15)
    # The team's own level cadence is kept: the seed's per-tier cadence steps aside.
    policy = Policy.of(plan)
    assert policy.timeout(2, 1) == timedelta(minutes=10)
    assert policy.timeout(1, 2) == timedelta(minutes=15)


def test_settings_keep_the_database_url_they_were_given() -> None:
    chosen = Settings.from_env({"DATABASE_URL": "sqlite:///chosen.db"})
    assert chosen.with_default_database("sqlite:///demo.db").database_url == "sqlite:///chosen.db"
    # Naming the usual default still counts as a choice.
    usual = Settings.from_env({"DATABASE_URL": "sqlite:///supportbot.db"})
    assert (
        usual.with_default_database("sqlite:///demo.db").database_url == "sqlite:///supportbot.db"
    )
    unset = Settings.from_env({"DATABASE_URL": ""})
    assert unset.database_url == "sqlite:///supportbot.db"
    assert unset.with_default_database("sqlite:///demo.db").database_url == "sqlite:///demo.db"


def test_loading_the_config_imports_no_check_runner() -> None:
    # `config check` and every process that only reads the plan stay light, and a broken
    # psutil, httpx or database driver cannot stop the config from loading.
    probe = (
        "import sys, bot.config; bot.config.load_plan(None); "
        "print(sorted(m for m in ('psutil', 'httpx', 'sqlalchemy') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
