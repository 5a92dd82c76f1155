"""A rendered report within Block Kit's limits: a report too long for one message is split,
the rest following in the first message's thread, never rejected."""

from __future__ import annotations

from bot.reports.report import Report
from bot.slack import Message, Renderer

# Slack takes at most 50 blocks a message; a continuation spends one on its heading.
MAX_BLOCKS = 50


def report_messages(
    renderer: Renderer, report: Report, *, limit: int = MAX_BLOCKS
) -> list[Message]:
    """The report as one message, or as several of at most limit blocks when it won't fit."""
    whole = renderer.message("report.j2", report=report)
    if len(whole.blocks) <= limit:
        return [whole]
    first, rest = whole.blocks[:limit], whole.blocks[limit:]
    size = limit - 1
    chunks = [rest[i : i + size] for i in range(0, len(rest), size)]
    messages = [Message(whole.text, first)]
    for number, chunk in enumerate(chunks, 2):
        heading = renderer.message(
            "report_continued.j2", report=report, part=number, parts=len(chunks) + 1
        )
        messages.append(Message(heading.text, heading.blocks + chunk))
    return messages
