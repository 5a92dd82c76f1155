"""Acks go first: work that follows an ack waits while other requests are on their way to theirs.

Everything runs on one event loop. A request needs several turns of it before its ack (its
body, the replay claim, Bolt's listener task), and every turn also runs whatever else is ready.
With 10 commands in flight, each declaring after its ack (bench/ack_latency.py), acks took p50
90 ms against the bare app's 13: every request waited behind the declarations of the commands
before it, and one that came in meanwhile was not even read until they were done.

Slack drops a request it has no ack for within 3 s and waits for nothing after, so the work
after an ack (the rest of the listener, the outbox worker's passes and deliveries) takes its
turn: in the order it asked, one piece at a time, and only while no request that has come in
is still on its way to its ack. Between two pieces the loop reads what came in (a request read
then goes first). A piece that has waited MAX_WAIT goes anyway: a steady stream of requests
slows the work down but cannot starve it."""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from typing import NamedTuple

# Long enough for a burst's acks (a hundred take well under a second at 10 in flight), short
# enough that the work acked for is never far behind.
MAX_WAIT = 0.5


class _Waiting(NamedTuple):
    turn: asyncio.Future[None]
    until: float


class AcksFirst:
    """The requests not acked yet, and the work waiting for its turn."""

    def __init__(self, max_wait: float = MAX_WAIT) -> None:
        self._max_wait = max_wait
        self._numbers = itertools.count()
        self._unacked: set[int] = set()
        self._queue: deque[_Waiting] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pumping = False
        self._later: asyncio.TimerHandle | None = None
        # Work let go that has not started yet: the next waits for it to.
        self._going = 0

    def arrived(self) -> int:
        """A request came in: work waits for its ack. Returns its number for acked()."""
        number = next(self._numbers)
        self._unacked.add(number)
        return number

    def acked(self, number: int) -> None:
        """The request is acked, or answered without one (refused, failed); again is a no-op."""
        self._unacked.discard(number)
        if not self._unacked and self._queue:
            self._pump_soon()

    @property
    def unacked(self) -> int:
        """How many requests are not acked yet."""
        return len(self._unacked)

    @property
    def quiet(self) -> bool:
        """No request is on its way to its ack and no work is waiting for its turn."""
        return not self._unacked and not self._queue

    async def turn(self) -> None:
        """Return when it is this work's turn: no request is on its way to its ack and the
        work that asked before has gone (or it has waited MAX_WAIT)."""
        if not self._queue and not self._unacked:
            return
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # A new loop (tests run one each): handles on the old one will never run.
            self._loop, self._pumping, self._later, self._going = loop, False, None, 0
        waiting = _Waiting(loop.create_future(), loop.time() + self._max_wait)
        self._queue.append(waiting)
        try:
            while True:
                self._pump_soon()
                try:
                    await waiting.turn
                    # Bytes that came in while the last piece ran are read on the loop's next
                    # turn, and their request counted on the turn after: look once more.
                    await asyncio.sleep(0)
                finally:
                    if waiting.turn.done() and not waiting.turn.cancelled():
                        self._going -= 1
                if not self._unacked or loop.time() >= waiting.until:
                    return
                # A request came in as this work was let go: it goes first, this work next.
                waiting = _Waiting(loop.create_future(), waiting.until)
                self._queue.appendleft(waiting)
        finally:
            # The next piece is let go once this one has started (or given up).
            if self._queue:
                self._pump_soon()

    def _pump_soon(self) -> None:
        if not self._pumping and self._loop is not None and not self._loop.is_closed():
            self._pumping = True
            # Two hops: the pump runs a full turn of the loop after the piece that asked, so
            # what came in meanwhile has been read before the next piece is let go.
            self._loop.call_soon(self._pump_next_turn)

    def _pump_next_turn(self) -> None:
        if self._loop is not None:
            self._loop.call_soon(self._pump)

    def _overdue(self) -> None:
        self._later = None
        self._pump()

    def _pump(self) -> None:
        self._pumping = False
        queue, loop = self._queue, self._loop
        while queue and queue[0].turn.done():  # cancelled while waiting
            queue.popleft()
        if not queue or loop is None or self._going:
            return
        head = queue[0]
        if self._unacked and loop.time() < head.until:
            # Woken again by acked() or by this timer, whichever comes first.
            if self._later is None or self._later.when() != head.until:
                if self._later is not None:
                    self._later.cancel()
                self._later = loop.call_at(head.until, self._overdue)
            return
        queue.popleft().turn.set_result(None)
        self._going += 1
