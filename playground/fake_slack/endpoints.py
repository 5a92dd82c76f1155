"""The fake's HTTP face: Web API requests and response_url posts, parsed as Slack parses them."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple, Protocol
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

# In form bodies Slack (and slack_sdk) send structured arguments as JSON strings.
_JSON_FIELDS = ("blocks", "attachments", "view", "metadata")


class Answer(NamedTuple):
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    hold: float  # seconds to keep the answer back (see FakeSlack.hold_next)


class Processor(Protocol):
    def __call__(
        self, method: str, args: dict[str, Any], *, token: str | None, pre_error: str | None
    ) -> Answer: ...


def asgi_app(process: Processor, wait_held: Callable[[float], Awaitable[None]]) -> Starlette:
    """Routes /api/{method} and /hooks/... to `process`, which answers every call."""

    async def api_endpoint(request: Request) -> Response:
        method = request.path_params["method"]
        args: dict[str, Any] = dict(request.query_params)
        pre_error: str | None = None
        raw = await request.body()
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if raw:
            if content_type == "application/json":
                try:
                    body = json.loads(raw)
                except ValueError:
                    body, pre_error = {}, "invalid_json"
                if isinstance(body, dict):
                    args.update(body)
                else:
                    pre_error = "invalid_json"
            elif content_type in ("application/x-www-form-urlencoded", ""):
                args.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
            else:
                pre_error = "invalid_post_type"
        for key in _JSON_FIELDS:
            if isinstance(args.get(key), str) and args[key]:
                try:
                    args[key] = json.loads(args[key])
                except ValueError:
                    pre_error = pre_error or (
                        "invalid_blocks_format" if key == "blocks" else "invalid_arguments"
                    )
        token: str | None = args.pop("token", None)
        authorization = request.headers.get("authorization", "")
        if authorization.lower().startswith("bearer "):
            token = authorization[7:].strip()
        answer = process(method, args, token=token, pre_error=pre_error)
        if answer.hold:
            await wait_held(answer.hold)
        return JSONResponse(answer.body, status_code=answer.status, headers=answer.headers)

    async def hook_endpoint(request: Request) -> Response:
        params = request.path_params
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            body = None
        args: dict[str, Any] = body if isinstance(body, dict) else {}
        args["_hook"] = {
            "channel": params["channel"],
            "user": params["user"],
            "message_ts": None if params["ts"] == "-" else params["ts"],
        }
        answer = process(
            "response_url", args, token=None, pre_error=None if body is not None else "invalid_json"
        )
        status = answer.status
        if status == 200 and not answer.body.get("ok"):
            status = 400
        return JSONResponse(answer.body, status_code=status, headers=answer.headers)

    return Starlette(
        routes=[
            Route("/api/{method}", api_endpoint, methods=["GET", "POST"]),
            Route("/hooks/{channel}/{user}/{ts}/{key}", hook_endpoint, methods=["POST"]),
        ]
    )
