"""A tiny site the playground serves itself, watched by a demo monitor, with a switch to take
it down: a newcomer sees a monitor go down, an alert fire, an incident open and recover."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.config import MonitorConfig, Plan

DEMO_MONITOR = "demo-shop"
TARGET_PATH = "/pg/demo-target"


def with_demo_monitor(plan: Plan, base_url: str) -> Plan:
    """The plan with the demo monitor added (unless it already has one of that name): checked
    every 10 s, so three failed checks — a Tier 1 incident — take half a minute."""
    if plan.monitor(DEMO_MONITOR) is not None:
        return plan
    demo = MonitorConfig.model_validate(
        {
            "name": DEMO_MONITOR,
            "every": "10s",
            "public": True,
            "check": {"kind": "http", "url": f"{base_url}{TARGET_PATH}", "timeout": "3s"},
        }
    )
    return plan.model_copy(update={"monitors": [*plan.monitors, demo]})


class DemoTarget:
    """The demo site: up (200) until switched down (503), and back."""

    def __init__(self) -> None:
        self.up = True

    def routes(self) -> list[BaseRoute]:
        return [
            Route(TARGET_PATH, self.page),
            Route(f"{TARGET_PATH}/switch", self.switch, methods=["POST"]),
        ]

    async def page(self, _: Request) -> Response:
        if self.up:
            return PlainTextResponse("demo shop: open for business")
        return PlainTextResponse("demo shop: switched off in the playground", status_code=503)

    async def switch(self, request: Request) -> Response:
        """{"up": true|false} sets the site's state; the answer says where it stands."""
        body = await request.json()
        if not isinstance(body, dict) or not isinstance(body.get("up"), bool):
            return JSONResponse({"ok": False, "error": 'send {"up": true|false}'}, 400)
        self.up = body["up"]
        return JSONResponse({"ok": True, "up": self.up, "monitor": DEMO_MONITOR})
