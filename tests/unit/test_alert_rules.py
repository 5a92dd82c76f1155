"""The rules read observations with the seed's thresholds unless a monitor overrides them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.checks import CheckResult
from bot.config import MonitorConfig, MonitoringSettings
from bot.monitoring.observation import Observation
from bot.monitoring.rules import Limits, Rule, incident_tier, observed_state, read
from bot.store import SampleState

AT = datetime(2026, 11, 4, 15, 0, tzinfo=UTC)


def monitor(**fields: object) -> MonitorConfig:
    fields.setdefault("check", {"kind": "host"})
    return MonitorConfig.model_validate({"name": "box", **fields})


def readings(config: MonitorConfig, state: SampleState, values: dict[str, float], **kw: object):
    obs = Observation("box", AT, AT + timedelta(minutes=1), state, CheckResult("ok", "", 1, values))
    limits = Limits.of(config, MonitoringSettings())
    found = read(
        obs,
        config,
        limits,
        failed_in_row=kw.pop("failed", 0),
        down_firing=kw.pop("down", False),
        **kw,
    )  # type: ignore[arg-type]
    return {r.rule: r for r in found}


def test_host_thresholds_are_the_seeds():
    # CPU > 80 %, memory > 85 %, disk < 20 % free.
    found = readings(monitor(), SampleState.UP, {"cpu": 81, "memory": 85, "disk_free": 19.5})
    assert (found[Rule.CPU].bad, found[Rule.MEMORY].bad, found[Rule.DISK].bad) == (
        True,
        False,
        True,
    )
    assert found[Rule.DISK].detail == "19.5 % free (under 20 % free)"
    own = readings(monitor(cpu_above=95), SampleState.UP, {"cpu": 90})
    assert own[Rule.CPU].bad is False


@pytest.mark.parametrize(
    ("measures", "value", "bad"),
    [
        ("db_connections", 81, True),
        ("db_connections", 80, False),
        ("queue_depth", 1001, True),
        ("error_rate", 1.5, True),
        ("error_rate", 0.5, False),
    ],
)
def test_measured_numbers_use_the_seed_thresholds(measures: str, value: float, bad: bool):
    config = monitor(check={"kind": "sql", "query": "SELECT 1"}, measures=measures)
    found = readings(config, SampleState.UP, {"value": value})
    rule = Rule.ERROR_RATE if measures == "error_rate" else Rule.THRESHOLD
    assert found[rule].bad is bad


def test_down_counts_failed_checks_and_silences_latency_and_error_rate():
    config = monitor(check={"kind": "http", "url": "http://shop.example/"})
    two = readings(config, SampleState.DOWN, {}, failed=2)
    assert two[Rule.DOWN].bad and not two[Rule.DOWN].trips
    assert readings(config, SampleState.DOWN, {}, failed=3)[Rule.DOWN].trips
    slow = readings(config, SampleState.UP, {"response_ms": 4000})
    assert slow[Rule.SLOW].bad and not slow[Rule.VERY_SLOW].bad
    assert set(readings(config, SampleState.UP, {"response_ms": 4000}, down=True)) == {Rule.DOWN}
    rate = monitor(
        check={"kind": "metric", "url": "http://x/", "json_path": "e"}, measures="error_rate"
    )
    assert readings(rate, SampleState.UP, {"value": 5}, down=True) == {}


def test_a_probe_that_could_not_run_says_nothing_and_is_never_down():
    config = monitor(check={"kind": "http", "url": "http://shop.example/"})
    assert readings(config, SampleState.UNKNOWN, {}, failed=5) == {}
    assert observed_state("http", "unknown", {}) is SampleState.UNKNOWN
    assert observed_state("http", "fail", {"response_ms": 10}) is SampleState.DOWN
    # A number over its limit: the thing answered, so degraded; no number read: down.
    assert observed_state("sql", "fail", {"value": 900}) is SampleState.DEGRADED
    assert observed_state("metric", "fail", {"status_code": 500}) is SampleState.DOWN


def test_tls_stages_at_21_14_and_7_days():
    config = monitor(check={"kind": "tls", "host": "shop.example"})
    stages = [
        readings(config, SampleState.UP, {"days_left": d})[Rule.TLS].stage
        for d in (30, 21, 15.5, 14, 3)
    ]
    assert stages == [None, 21, 21, 14, 7]


def test_a_business_drop_is_against_last_week():
    config = monitor(check={"kind": "sql", "query": "SELECT 1"}, measures="order_volume")
    assert Rule.DROP not in readings(config, SampleState.UP, {"value": 10})
    drop = readings(config, SampleState.UP, {"value": 70}, last_week=100)[Rule.DROP]
    assert drop.bad and drop.detail == "70, 30 % below last week's 100"
    assert not readings(config, SampleState.UP, {"value": 85}, last_week=100)[Rule.DROP].bad


def test_which_rules_declare_incidents_and_of_which_tier():
    settings = MonitoringSettings()
    http = monitor(check={"kind": "http", "url": "http://shop.example/"})
    tiers = {rule: incident_tier(rule, Limits.of(http, settings), settings) for rule in Rule}
    assert {rule: tier for rule, tier in tiers.items() if tier} == {
        Rule.DOWN: 1,
        Rule.VERY_SLOW: 2,
        Rule.DROP: 3,
    }
    quiet = monitor(check={"kind": "http", "url": "http://shop.example/"}, incident=False)
    assert incident_tier(Rule.DOWN, Limits.of(quiet, settings), settings) is None
