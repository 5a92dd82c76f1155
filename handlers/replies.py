"""The one way a listener's failure becomes a reply.

Every listener is declared with `@listener()`. A domain error (bot.errors) is answered with the
notice explaining it; any other exception is logged with its traceback and answered with the
generic error notice, so nobody is left with nothing after a click or a command. Where the
answer goes is Slack's rule for the request: the ack or the response_url for commands and
actions, the form's field (`response_action: errors`) for a modal submission, a DM when there
is nowhere else. Events have no one waiting for an answer: their failures are only logged.

Slack drops a modal submission's answer after 3 s, so one whose work (a database waiting on a
lock) takes longer answers with a "working on it" view and reports the outcome in a DM: the
listener returns the confirmation to send, and a failure goes out like any other."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.response import BoltResponse

from bot.errors import SupportbotError
from bot.services import Services
from bot.slack import Message, plain

log = logging.getLogger(__name__)

# Work still going on after its listener's answer went out: held, since the loop keeps only a
# weak reference to a task.
_working: set[asyncio.Future[None]] = set()
# A modal listener may return the confirmation to DM when its work outlasts the form's answer.
Listener = Callable[..., Awaitable[Message | None]]
# The form field a modal shows an error on: one field, or one chosen by the error (None for a
# failure that is not a domain error).
FieldFor = str | Callable[[SupportbotError | None], str]

# What a wrapped listener may ask for; the request's payload goes by its Slack surface's name.
ARGUMENTS = frozenset({"ack", "body", "services", "command", "action", "view", "event"})
PAYLOAD_NAMES = ("command", "action", "view", "event")
# Slack waits 3 s for the answer. Before the listener, the replay claim may take up to its
# CLAIM_WAIT (bot/slack/replays.py, 0.5 s); the way back needs the rest.
FORM_ANSWER_WITHIN = 1.8


def listener(field: FieldFor | None = None) -> Callable[[Listener], Listener]:
    """Wrap a Bolt listener so every failure is answered the way Slack expects for it.

    field: for a modal submission, the input block that shows an error."""

    def wrap(handle: Listener) -> Listener:
        wanted = tuple(inspect.signature(handle).parameters)
        if unknown := set(wanted) - ARGUMENTS:
            raise TypeError(f"{handle.__qualname__} asks for {sorted(unknown)}")

        # Bolt passes arguments by the names in this signature (it unwraps __wrapped__, so
        # this wrapper deliberately has none and keeps its own).
        async def run(
            ack: AsyncAck, body: dict[str, Any], payload: dict[str, Any], services: Services
        ) -> None:
            answer: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            acking = _Ack(ack, answer, services)
            given = {"ack": acking, "body": body, "services": services}
            given |= dict.fromkeys(PAYLOAD_NAMES, payload)
            work = asyncio.ensure_future(
                _answered(handle(**{name: given[name] for name in wanted}), acking, body, services)
            )
            # Bolt sends its answer when this returns (process_before_response): as soon as
            # the listener acks, while its work goes on. An event is acked by Bolt at once.
            _working.add(work)
            work.add_done_callback(_working.discard)
            if _surface(body) != "event_callback":
                await asyncio.wait((work, answer), return_when=asyncio.FIRST_COMPLETED)

        async def _answered(
            work: Awaitable[Message | None], ack: Any, body: dict[str, Any], services: Services
        ) -> None:
            try:
                if _surface(body) == "view_submission":
                    await _answer_form_in_time(work, services, ack, body)
                else:
                    await work
            except SupportbotError as error:
                if _unexpected(error.__cause__):
                    log.error(
                        "%s listener %s failed",
                        _surface(body),
                        handle.__qualname__,
                        exc_info=error.__cause__,
                    )
                else:
                    log.info("refused: %s %s", error.code, error.params)
                on = _field_name(field, error)
                await _reply(services, ack, body, services.render.error(error), on)
            except Exception:
                # The request body stays out of the log: it carries user text and may carry ids.
                log.exception("%s listener %s failed", _surface(body), handle.__qualname__)
                on = _field_name(field, None)
                await _reply(services, ack, body, services.render.notice("error"), on)

        run.__name__, run.__qualname__ = handle.__name__, handle.__qualname__
        run.__module__, run.__doc__ = handle.__module__, handle.__doc__
        run.replies_on_failure = True  # type: ignore[attr-defined]
        return run

    return wrap


class _Ack:
    """The listener's ack(): Bolt's, which also lets the answer go out at once (the wrapper
    returns), then holds the listener's work after it until the other requests that came in
    are acked too (bot/slack/acks_first.py)."""

    def __init__(self, ack: AsyncAck, answer: asyncio.Future[None], services: Services) -> None:
        self._ack, self._answer, self._acks = ack, answer, services.acks

    @property
    def response(self) -> BoltResponse | None:
        """The answer given, None before."""
        return self._ack.response

    async def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        response = await self._ack(*args, **kwargs)
        if not self._answer.done():
            self._answer.set_result(None)
        await self._acks.turn()
        return response


async def finish_work(within: float) -> None:
    """Give the work still going on after its listener's answer (on this loop) up to within
    seconds to end: the bot is stopping, and what Slack was told is taken in must be."""
    loop = asyncio.get_running_loop()
    if going := [work for work in _working if work.get_loop() is loop]:
        await asyncio.wait(going, timeout=within)


@contextlib.contextmanager
def failing_as(error: Callable[[], SupportbotError]) -> Iterator[None]:
    """Answer an unexpected failure inside the block with a domain error that tells the user
    what it means for them; the failure itself is logged as the error's cause."""
    try:
        yield
    except SupportbotError:
        raise
    except Exception as cause:
        raise error() from cause


def _unexpected(cause: BaseException | None) -> bool:
    return cause is not None and not isinstance(cause, SupportbotError)


async def _answer_form_in_time(
    work: Awaitable[Message | None], services: Services, ack: AsyncAck, body: dict[str, Any]
) -> None:
    # Never cancelled: a declaration waiting on a lock is stored the moment the lock goes.
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=FORM_ANSWER_WITHIN)
    if done or ack.response is not None:
        await task
        return
    await ack(response_action="update", view=services.render.view("working_modal.j2"))
    confirmation = await task
    if confirmation is not None:
        # The work is done: a DM that fails must not come back as "something went wrong".
        await _reply(services, ack, body, confirmation, None)


def _surface(body: dict[str, Any]) -> str:
    if body.get("command"):
        return "command"
    return str(body.get("type") or "unknown")


def _field_name(field: FieldFor | None, error: SupportbotError | None) -> str | None:
    if field is None or isinstance(field, str):
        return field
    return field(error)


async def _reply(
    services: Services, ack: AsyncAck, body: dict[str, Any], message: Message, field: str | None
) -> None:
    try:
        await _deliver(services, ack, body, message, field)
    except Exception:
        log.exception("could not answer a %s", _surface(body))


async def _deliver(
    services: Services, ack: AsyncAck, body: dict[str, Any], message: Message, field: str | None
) -> None:
    surface, acked = _surface(body), ack.response is not None
    if surface == "event_callback":
        return
    if surface == "view_submission" and not acked and field is not None:
        # The modal stays open with the problem beside the field, so nothing typed is lost.
        # A field's error is plain text: mrkdwn marks would show as typed.
        await ack(response_action="errors", errors={field: plain(message.text)})
        return
    if surface == "command" and not acked:
        await ack(**message.as_kwargs())
        return
    if not acked:
        await ack()
    response_url = body.get("response_url")
    if response_url:
        await services.gateway.respond(response_url, message)
        return
    # Modals and the App Home carry no response_url: the user hears from us in a DM.
    await _direct_message(services, body, message)


async def _direct_message(services: Services, body: dict[str, Any], message: Message) -> None:
    user = body.get("user_id") or (body.get("user") or {}).get("id")
    if user:
        await services.gateway.post(await services.gateway.open_dm(str(user)), message)
    else:
        log.warning("a %s has no one to answer", _surface(body))
