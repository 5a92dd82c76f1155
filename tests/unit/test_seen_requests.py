"""What identifies a Slack request, and the table that remembers the ones taken in (real
databases, both kinds)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest
import sqlalchemy as sa

from bot.clock import FixedClock
from bot.config import Plan, Settings
from bot.services import Services, build_services
from bot.slack.replays import KEEP, PRUNE_EVERY, request_identity
from playground.slack_requests import (
    block_actions_body,
    slash_command_body,
    view_submission_body,
)


@pytest.fixture
async def services(database_url: str, plan: Plan, clock: FixedClock) -> AsyncIterator[Services]:
    built = build_services(Settings(database_url=database_url), plan, clock)
    yield built
    await built.close()


def form(body: bytes) -> dict[str, object]:
    fields = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    return json.loads(fields["payload"]) if "payload" in fields else dict(fields)


def command() -> dict[str, object]:
    return form(slash_command_body(command="/incident", text="list", user_id="U1", channel_id="C1"))


def click(**action: object) -> dict[str, object]:
    return form(
        block_actions_body(
            user_id="U1", action={"action_id": "escalate", **action}, channel_id="C1"
        )
    )


def test_copies_share_an_identity_and_new_requests_do_not() -> None:
    first, second = command(), command()
    assert request_identity(first) == request_identity(dict(first))
    assert request_identity(first) != request_identity(second)
    assert request_identity(click()) != request_identity(click())
    view = {"id": "V1", "hash": "1.a", "blocks": []}
    submit = form(view_submission_body(user_id="U1", view=view, values={}))
    resubmit = form(view_submission_body(user_id="U1", view=view, values={}))
    assert request_identity(submit) == request_identity(dict(submit))
    assert request_identity(submit) != request_identity(resubmit)  # a new trigger id


def test_requests_without_an_identity_are_not_remembered() -> None:
    assert request_identity(click(action_ts="")) is None
    assert request_identity({**command(), "trigger_id": ""}) is None
    assert request_identity({"type": "block_suggestion", "action_id": "x", "value": "db"}) is None
    assert request_identity({"type": "event_callback", "event": {}}) is None
    assert request_identity({"type": "event_callback", "event_id": "Ev1"}) == ("event", "Ev1")


async def test_a_request_is_claimed_once(services: Services) -> None:
    body = command()
    assert not await services.seen.is_repeat(body)
    assert await services.seen.is_repeat(dict(body))
    assert not await services.seen.is_repeat(command())


async def test_keys_older_than_an_hour_are_forgotten(
    services: Services, clock: FixedClock, db: sa.Engine
) -> None:
    old = command()
    assert not await services.seen.is_repeat(old)
    clock.at += KEEP - timedelta(minutes=1)
    assert not await services.seen.is_repeat(command())
    clock.at += PRUNE_EVERY
    assert not await services.seen.is_repeat(command())
    with db.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM seen_requests")) == 2
    # Long past the signature's five minutes: a copy that old is refused by its signature.
    assert not await services.seen.is_repeat(old)


async def test_a_burst_is_claimed_in_one_statement_and_a_copy_within_it_is_a_repeat(
    services: Services,
) -> None:
    # Ten commands at once were ten claims queued before the tenth ack; they are one INSERT
    # now, and the same request twice in the burst still acts once.
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "seen_requests" in statement:
            statements.append(statement.split(maxsplit=1)[0])

    bodies = [command() for _ in range(9)]
    sa.event.listen(sa.Engine, "before_cursor_execute", count)
    try:
        repeats = await asyncio.gather(
            *(services.seen.is_repeat(b) for b in [*bodies, dict(bodies[3])])
        )
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", count)
    assert repeats == [False] * 9 + [True]
    assert statements.count("INSERT") == 1, statements
    # Copies in a later burst, beside a new request: only the new one acts.
    again = await asyncio.gather(*(services.seen.is_repeat(b) for b in [bodies[0], command()]))
    assert again == [True, False]


async def test_an_asker_that_gave_up_does_not_keep_the_others_from_their_answers(
    services: Services,
) -> None:
    # A claim whose asker was cancelled is cancelled with it; the others claimed in the same
    # statement still get their answers (and a copy of the cancelled one is a repeat).
    dropped = asyncio.ensure_future(services.seen.claim("dropped"))
    kept = asyncio.ensure_future(services.seen.claim("kept"))
    await asyncio.sleep(0)  # both asked, in one turn of the loop
    dropped.cancel()
    assert await asyncio.wait_for(kept, 5) is True
    assert await services.seen.claim("dropped") is False
