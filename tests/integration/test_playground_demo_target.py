"""The playground's demo monitor and the site it watches, served by the playground itself."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bot.config import Plan
from tests.support.playground_server import PlaygroundServer


@pytest.fixture
def playground(sqlite_url: str) -> Iterator[PlaygroundServer]:
    with PlaygroundServer(Plan(), sqlite_url) as server:
        yield server


def test_the_playground_watches_its_own_demo_site(playground):
    assert playground.playground is not None
    monitor = playground.playground.plan.monitor("demo-shop")
    assert monitor is not None and monitor.every.total_seconds() == 10
    assert monitor.check.root.url == f"{playground.url}/pg/demo-target"
    assert httpx.get(f"{playground.url}/pg/state").json()["demo"] == {
        "monitor": "demo-shop",
        "up": True,
    }


def test_the_switch_takes_it_down_and_back(playground):
    target, switch = f"{playground.url}/pg/demo-target", f"{playground.url}/pg/demo-target/switch"
    assert httpx.get(target).status_code == 200
    assert httpx.post(switch, json={"up": False}).json() == {
        "ok": True,
        "up": False,
        "monitor": "demo-shop",
    }
    assert httpx.get(target).status_code == 503
    assert httpx.get(f"{playground.url}/pg/state").json()["demo"]["up"] is False
    assert httpx.post(switch, json={"up": True}).json()["up"] is True
    assert httpx.get(target).status_code == 200


def test_the_switch_refuses_what_it_does_not_understand_and_cross_site_forms(playground):
    switch = f"{playground.url}/pg/demo-target/switch"
    assert httpx.post(switch, json={"up": "no"}).status_code == 400
    assert httpx.post(switch, data={"up": "false"}).status_code == 403  # a form from any site
    assert httpx.get(f"{playground.url}/pg/demo-target").status_code == 200


def test_a_config_with_its_own_demo_shop_keeps_it(sqlite_url):
    own = Plan.model_validate(
        {"monitors": [{"name": "demo-shop", "check": {"kind": "http", "url": "https://x.test/"}}]}
    )
    with PlaygroundServer(own, sqlite_url) as server:
        assert server.playground is not None
        (monitor,) = server.playground.plan.monitors
        assert monitor.check.root.url == "https://x.test/"
