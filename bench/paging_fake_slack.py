"""The benchmarks' fake Slack Web API, plus a feed of the calls it records; prints its port.

Serves the same FakeSlack as bench/fake_slack_server.py (same people, no Block Kit validation),
and `GET /bench/calls?after=N&wait=S`: every call recorded after the Nth, with the time the fake
recorded it (`at`, epoch seconds, after answering it). The request waits up to S seconds for a
new DM (a chat.postMessage to a "D…" channel), so a reader learns of one as soon as it lands
without polling; the other calls come along with it.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bench.fake_slack_server import serve
from playground.fake_slack import FakeSlack


def is_dm_post(method: str, args: dict[str, Any], ok: bool) -> bool:
    return method == "chat.postMessage" and ok and str(args.get("channel", "")).startswith("D")


def add_call_feed(fake: FakeSlack) -> None:
    """Add GET /bench/calls to the fake's ASGI app."""
    waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []

    def on_event(event: dict[str, Any]) -> None:
        call = event.get("call") if event.get("type") == "api_call" else None
        if call and is_dm_post(call["method"], call["args"], call["ok"]):
            for loop, landed in list(waiters):
                loop.call_soon_threadsafe(landed.set)

    fake.subscribe(on_event)

    async def feed(request: Request) -> JSONResponse:
        after = int(request.query_params.get("after", "0"))
        wait = float(request.query_params.get("wait", "1"))
        landed = asyncio.Event()
        waiter = (asyncio.get_running_loop(), landed)
        waiters.append(waiter)
        try:
            deadline = time.monotonic() + wait
            while True:
                landed.clear()  # before looking, so a DM landing meanwhile still wakes us
                calls = fake.calls[after:]  # one slice: atomic under the GIL
                left = deadline - time.monotonic()
                if left <= 0 or any(is_dm_post(c.method, c.args, c.ok) for c in calls):
                    answer = [
                        {
                            "method": c.method,
                            "ok": c.ok,
                            "at": c.at,
                            "channel": c.args.get("channel") or c.args.get("hook_channel"),
                            "text": c.args.get("text") or "",
                            "metadata": c.args.get("metadata"),
                        }
                        for c in calls
                    ]
                    return JSONResponse({"next": after + len(calls), "calls": answer})
                try:
                    await asyncio.wait_for(landed.wait(), left)
                except TimeoutError:
                    pass
        finally:
            waiters.remove(waiter)

    fake.asgi_app.router.routes.append(Route("/bench/calls", feed, methods=["GET"]))


if __name__ == "__main__":
    serve(add_call_feed)
