"""Work after an ack waits its turn: while a request is on its way to its ack, one piece at a
time, never longer than its limit (bot/slack/acks_first.py), on a real event loop."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from bot.slack import AcksFirst


async def turns(acks: AcksFirst, order: list[str], name: str) -> None:
    await acks.turn()
    order.append(name)


async def settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


def test_with_nothing_waiting_work_goes_at_once():
    async def main() -> None:
        acks = AcksFirst()
        await asyncio.wait_for(acks.turn(), timeout=0.01)
        assert acks.quiet

    asyncio.run(main())


def test_work_waits_until_every_request_that_came_in_is_acked():
    async def main() -> None:
        acks, order = AcksFirst(), []
        first, second = acks.arrived(), acks.arrived()
        work = asyncio.ensure_future(turns(acks, order, "work"))
        await settle()
        acks.acked(first)
        await settle()
        assert order == [] and not acks.quiet  # the second is still on its way
        acks.acked(second)
        acks.acked(second)  # again: nothing changes
        await asyncio.wait_for(work, timeout=1)
        assert order == ["work"] and acks.quiet and acks.unacked == 0

    asyncio.run(main())


def test_pieces_go_in_the_order_they_asked_and_a_request_read_between_goes_first():
    async def main() -> None:
        acks, order = AcksFirst(), []
        request = acks.arrived()
        late: list[int] = []

        async def piece(name: str) -> None:
            await acks.turn()
            order.append(name)
            if name == "a":
                # A request comes in while the first piece runs: b must wait for its ack.
                late.append(acks.arrived())

        pieces = [asyncio.ensure_future(piece(name)) for name in "abc"]
        await settle()
        acks.acked(request)
        await settle()
        assert order == ["a"]
        acks.acked(late[0])
        await asyncio.wait_for(asyncio.gather(*pieces), timeout=1)
        assert order == ["a", "b", "c"]

    asyncio.run(main())


def test_a_request_whose_bytes_came_in_during_a_piece_goes_before_the_next():
    # As uvicorn does it: the socket turns readable while a piece runs, the loop reads it on
    # its next turn and starts the request's task, which counts the request one turn later.
    async def main() -> None:
        acks, order, late = AcksFirst(), [], []
        loop = asyncio.get_running_loop()
        reader, writer = socket.socketpair()
        reader.setblocking(False)

        async def request() -> None:
            late.append(acks.arrived())

        def readable() -> None:
            reader.recv(16)
            loop.remove_reader(reader)
            asyncio.ensure_future(request())

        loop.add_reader(reader, readable)

        async def piece(name: str) -> None:
            await acks.turn()
            order.append(name)
            if name == "a":
                writer.send(b"POST")
                time.sleep(0.005)  # a piece of work: the bytes are there before it ends

        first = acks.arrived()
        pieces = [asyncio.ensure_future(piece(name)) for name in "ab"]
        await settle()
        acks.acked(first)
        for _ in range(20):
            await asyncio.sleep(0)
        assert order == ["a"] and late  # b waits for the request that came in
        acks.acked(late[0])
        await asyncio.wait_for(asyncio.gather(*pieces), timeout=1)
        assert order == ["a", "b"]
        reader.close()
        writer.close()

    asyncio.run(main())


def test_one_piece_per_turn_of_the_loop():
    async def main() -> None:
        acks, order = AcksFirst(), []
        request = acks.arrived()
        pieces = [asyncio.ensure_future(turns(acks, order, str(n))) for n in range(3)]
        await settle()
        acks.acked(request)
        seen = []
        for _ in range(12):
            await asyncio.sleep(0)
            seen.append(len(order))
        await asyncio.gather(*pieces)
        # Each piece waits for a full turn of the loop after the one before: never two at once.
        assert all(b - a <= 1 for a, b in zip(seen, seen[1:], strict=False))
        assert order == ["0", "1", "2"]

    asyncio.run(main())


def test_a_request_never_acked_holds_work_back_only_until_the_limit():
    async def main() -> None:
        acks, order = AcksFirst(max_wait=0.05), []
        acks.arrived()  # never acked
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.wait_for(asyncio.gather(*(turns(acks, order, n) for n in "xy")), 1)
        assert order == ["x", "y"]
        assert 0.04 <= loop.time() - started < 0.5

    asyncio.run(main())


def test_work_cancelled_while_waiting_holds_nobody_up():
    async def main() -> None:
        acks, order = AcksFirst(), []
        request = acks.arrived()
        cancelled = asyncio.ensure_future(turns(acks, order, "cancelled"))
        kept = asyncio.ensure_future(turns(acks, order, "kept"))
        await settle()
        cancelled.cancel()
        acks.acked(request)
        await asyncio.wait_for(kept, timeout=1)
        assert order == ["kept"]
        with pytest.raises(asyncio.CancelledError):
            await cancelled

    asyncio.run(main())


@pytest.mark.parametrize("turns_before", range(8))
def test_work_cancelled_at_any_moment_of_its_turn_holds_nobody_up(turns_before):
    # Cancelled while waiting, as it is let go, or as it looks once more: the next still goes.
    async def main() -> None:
        acks, order = AcksFirst(), []
        request = acks.arrived()
        first = asyncio.ensure_future(turns(acks, order, "first"))
        second = asyncio.ensure_future(turns(acks, order, "second"))
        await settle()
        acks.acked(request)
        for _ in range(turns_before):
            await asyncio.sleep(0)
        first.cancel()
        await asyncio.wait_for(second, timeout=1)
        assert order[-1] == "second"
        assert acks.quiet

    asyncio.run(main())


def test_it_works_on_each_new_loop():
    # Tests and the playground run one loop after another on the same services.
    acks = AcksFirst(max_wait=0.05)

    async def once() -> list[str]:
        order: list[str] = []
        request = acks.arrived()
        work = asyncio.ensure_future(turns(acks, order, "work"))
        await settle()
        acks.acked(request)
        await asyncio.wait_for(work, timeout=1)
        return order

    assert asyncio.run(once()) == ["work"]
    assert asyncio.run(once()) == ["work"]
