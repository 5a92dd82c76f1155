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


FileReader = Callable[[str], "tuple[bytes, str] | None"]


def asgi_app(
    process: Processor,
    wait_held: Callable[[float], Awaitable[None]],
    read_file: FileReader | None = None,
) -> Starlette:
    """Routes /api/{method}, /hooks/... and upload URLs to `process`, which answers every
    call; /files/... serves what was uploaded."""

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
        args["_origin"] = _origin(request)
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
        if answer.hold:
            await wait_held(answer.hold)
        status = answer.status
        if status == 200 and not answer.body.get("ok"):
            status = 400
        return JSONResponse(answer.body, status_code=status, headers=answer.headers)

    return Starlette(
        routes=[
            Route("/api/{method}", api_endpoint, methods=["GET", "POST"]),
            Route("/hooks/{channel}/{user}/{ts}/{key}", hook_endpoint, methods=["POST"]),
            *_file_routes(process, wait_held, read_file),
        ]
    )


def _origin(request: Request) -> str:
    """Where this fake is reached, a mount point (the playground's /fake) included, for the
    URLs it hands out."""
    path = request.url.path
    mount = path[: path.rindex("/api/")] if "/api/" in path else ""
    return f"{request.url.scheme}://{request.url.netloc}{mount}/"


def _file_routes(
    process: Processor,
    wait_held: Callable[[float], Awaitable[None]],
    read_file: FileReader | None,
) -> list[Route]:
    """The upload URLs files.getUploadURLExternal hands out, and the uploaded files."""

    async def upload_endpoint(request: Request) -> Response:
        args = {
            "file_id": request.path_params["file_id"],
            "secret": request.path_params["secret"],
            "_bytes": await request.body(),
        }
        answer = process("upload_url", args, token=None, pre_error=None)
        if answer.hold:
            await wait_held(answer.hold)
        status = answer.status if answer.body.get("ok") or answer.status != 200 else 404
        # Slack's upload URL answers in plain text, not JSON.
        text = f"OK - {answer.body.get('length')}" if status == 200 else str(answer.body)
        return Response(text, status_code=status, headers=answer.headers)

    async def file_endpoint(request: Request) -> Response:
        found = read_file(request.path_params["file_id"]) if read_file else None
        if found is None:
            return Response("file not found", status_code=404)
        content, mimetype = found
        return Response(content, media_type=mimetype)

    return [
        Route("/upload/v1/{file_id}/{secret}", upload_endpoint, methods=["POST"]),
        Route("/files/{file_id}/{name}", file_endpoint, methods=["GET"]),
    ]
