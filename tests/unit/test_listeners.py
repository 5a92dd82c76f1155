"""Every Bolt listener answers its failures the same way: through @listener."""

from __future__ import annotations

from typing import Any

import pytest
from slack_bolt.async_app import AsyncApp

from handlers import register_all
from handlers.commands.incident import incident_command
from handlers.replies import listener


def test_every_registered_listener_replies_on_failure():
    app = AsyncApp(signing_secret="unused", token="xoxb-unused")
    register_all(app)
    registered = [entry.ack_function for entry in app._async_listeners]
    assert len(registered) > 10
    bare = [f.__qualname__ for f in registered if not getattr(f, "replies_on_failure", False)]
    assert not bare, f"listeners without @listener(): {bare}"


def test_a_listener_asking_for_what_bolt_would_not_pass_is_refused_at_import():
    async def greet(ack: Any, say: Any) -> None:
        await say("hi")

    with pytest.raises(TypeError, match="say"):
        listener()(greet)


def test_the_wrapper_keeps_the_listeners_name_and_docstring():
    assert incident_command.__name__ == "incident_command"
    assert incident_command.__doc__ and "Help answers in the ack" in incident_command.__doc__
