"""Jinja2 templates → Block Kit. Each template prints one JSON object a line:
the envelope (message text, or the view) first, then one block per line."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context

from bot.config import Plan, format_duration
from bot.errors import SupportbotError
from bot.slack import block_lines
from bot.slack import blocks as elements
from bot.slack.ids import BOT_ACTOR, DECLARE_ANYWAY, SUGGEST, Action, Field, View
from bot.slack.text import clip, escape_mrkdwn, mention_ids


@dataclass(frozen=True)
class Message:
    """A Slack message: fallback text and blocks."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        """Arguments for chat.postMessage / chat.update / respond."""
        return {"text": self.text, "blocks": self.blocks}


@pass_context
def _json_line(_context: Any, value: Any) -> str:
    # pass_context: Jinja evaluates a filter of a constant once, as it compiles the template,
    # and would keep the reference that render made (the home's {"type": "home"}) for all.
    return block_lines.printed_line(value)


def _mention(user: str | None) -> str:
    if user == BOT_ACTOR:
        return "supportbot"
    return f"<@{user}>" if user else "nobody"


class Renderer:
    """Renders every message and view the bot sends."""

    def __init__(self, plan: Plan) -> None:
        self._plan = plan
        env = Environment(
            loader=PackageLoader("bot.slack", "templates"),
            undefined=StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=["jinja2.ext.do"],
            # Templates ship with the code: compiled once per process, not checked on disk
            # (a stat of its file) at every render.
            auto_reload=False,
        )
        env.filters.update(
            mrkdwn=escape_mrkdwn,
            clip=clip,
            # A whole line's object ({{ {...}|json }}) is printed by reference like a block.
            json=_json_line,
            # A message shows the same few instants as the last (declared, due by…): each
            # converted and formatted once.
            local=lru_cache(maxsize=1024)(self._local),
            mention=_mention,
            mention_ids=mention_ids,
            duration=format_duration,
        )
        env.globals.update(
            Action=Action,
            View=View,
            Field=Field,
            BOT_ACTOR=BOT_ACTOR,
            SUGGEST=SUGGEST,
            DECLARE_ANYWAY=DECLARE_ANYWAY,
            plan=plan,
            # The blocks a template prints, b.section(…) and the rest (block_lines.py).
            b=block_lines,
            button=elements.button,
            option=elements.option,
            static_select=elements.static_select,
            text_input=elements.text_input,
        )
        self._env = env

    def add_global(self, name: str, value: Any) -> None:
        """Make a value or function available to every template."""
        self._env.globals[name] = value

    def _local(self, when: datetime | None, fmt: str = "%a %d %b %H:%M %Z") -> str:
        if when is None:
            return "—"
        return when.astimezone(self._plan.zone).strftime(fmt)

    def _lines(self, template: str, context: dict[str, Any]) -> list[dict[str, Any]]:
        with block_lines.printing() as printed:
            output = self._env.get_template(template).render(**context)
        objects: list[dict[str, Any]] = []
        for number, line in enumerate(output.splitlines(), 1):
            if line.startswith(block_lines.REFERENCE):
                objects.append(printed[int(line[1:])])
            elif line.strip():
                try:
                    objects.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{template}:{number} rendered bad JSON: {exc}") from None
        return objects

    def message(self, template: str, **context: Any) -> Message:
        """A message: first line {"text": ...}, then blocks."""
        envelope, *blocks = self._lines(template, context)
        return Message(text=clip(envelope["text"], 3000), blocks=blocks)

    def objects(self, template: str, **context: Any) -> list[dict[str, Any]]:
        """Plain JSON objects, one a line (words that travel with data, e.g. a chart's alt text)."""
        return self._lines(template, context)

    def view(self, template: str, **context: Any) -> dict[str, Any]:
        """A modal or home view: first line the view's fields, then blocks."""
        envelope, *blocks = self._lines(template, context)
        return {**envelope, "blocks": blocks}

    def notice(self, name: str, **context: Any) -> Message:
        """A one-section reply from templates/notices/NAME.j2."""
        text = self._env.get_template(f"notices/{name}.j2").render(**context).strip()
        return Message(
            text=clip(text, 3000),
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": clip(text, 3000)}}],
        )

    def error(self, error: SupportbotError) -> Message:
        """The reply for a domain error."""
        return self.notice(error.code, **error.params)
