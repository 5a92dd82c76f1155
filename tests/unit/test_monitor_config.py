"""The `monitors:` and `monitoring:` config contract: the issue's example, defaults, errors."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import Measure, load_plan, plan_as_yaml
from bot.errors import ConfigError

EXAMPLE = """
monitors:
  - name: shop
    every: 10s
    check: {kind: http, url: "https://shop.example.com/health", expect_status: 200, timeout: 5s}
    slow_after: 3s
    down_after: 3
  - name: jobs
    measures: queue_depth
    check: {kind: sql, query: "select count(*) from jobs"}
  - name: errors
    measures: error_rate
    for: 2m
    check: {kind: metric, url: "http://app.internal/metrics", series: 'http_errors_total'}
monitoring:
  remind_every: 30m
  maintenance:
    - {monitors: [shop], start: "2026-12-05T02:00:00Z", end: "2026-12-05T03:00:00Z"}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "supportbot.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_issue_example_loads_and_round_trips(tmp_path: Path) -> None:
    plan = load_plan(write(tmp_path, EXAMPLE))
    shop = plan.monitor("SHOP")
    assert shop is not None and shop.every == timedelta(seconds=10)
    assert shop.check.kind == "http" and shop.check.root.timeout == 5.0
    assert plan.monitors[1].measures is Measure.QUEUE_DEPTH
    assert plan.monitors[2].for_ == timedelta(minutes=2)
    assert plan.monitoring.remind_every == timedelta(minutes=30)
    assert load_plan(write(tmp_path, plan_as_yaml(plan))) == plan


def test_seed_defaults() -> None:
    plan = load_plan(None)
    assert plan.monitors == []
    rules = plan.monitoring
    assert (rules.down_after, rules.recover_after, rules.error_rate_above) == (3, 2, 1.0)
    assert (rules.cpu_above, rules.memory_above, rules.disk_free_below) == (80, 85, 20)
    assert rules.slow_after == timedelta(seconds=3)
    assert rules.slow_incident_after == timedelta(seconds=5)
    assert rules.tls_warn_days == [21, 14, 7]
    assert (rules.down_tier, rules.slow_tier) == (1, 2)
    assert rules.retention.raw == timedelta(days=7)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            "monitors: [{name: a, check: {kind: http, url: 'http://a.test'}}, "
            "{name: A, check: {kind: host}}]",
            "unique: A, a",
        ),
        ("monitors: [{name: a, every: 1s, check: {kind: host}}]", "at least 5s"),
        ("monitors: [{name: a, check: {kind: jobs}}]", "own jobs"),
        ("monitors: [{name: a, measures: queue_depth, check: {kind: host}}]", "measures"),
        ("monitors: [{name: a, chek: {kind: host}}]", "monitors.0.chek"),
        (
            "monitoring: {maintenance: [{monitors: [nope], start: '2026-12-05T02:00:00Z', "
            "end: '2026-12-05T03:00:00Z'}]}",
            "no monitor nope",
        ),
        (
            "monitoring: {maintenance: [{start: '2026-12-05T04:00:00Z', "
            "end: '2026-12-05T03:00:00Z'}]}",
            "start must be before end",
        ),
    ],
)
def test_bad_monitors_are_refused_naming_the_problem(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        load_plan(write(tmp_path, text))


def test_trimmed_tiers_keep_the_monitoring_tiers_valid(tmp_path: Path) -> None:
    text = "tiers: {1: {name: Only, respond: 15m, resolve: 2h}}\n"
    plan = load_plan(write(tmp_path, text))
    assert (plan.monitoring.down_tier, plan.monitoring.slow_tier) == (1, 1)
