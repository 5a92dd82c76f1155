"""The sockets the fake Slack, the tests' bot and the playground are served on."""

from __future__ import annotations

import asyncio
import socket

from playground.serving import ThreadedServer


async def _nodelay_of_accepted(listening: socket.socket) -> int:
    """TCP_NODELAY on a connection asyncio accepts on the socket, as uvicorn serves it."""
    loop = asyncio.get_running_loop()
    seen: asyncio.Future[int] = loop.create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            accepted = transport.get_extra_info("socket")
            seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await loop.create_server(Probe, sock=listening)
    try:
        port = listening.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            return await asyncio.wait_for(seen, 5)
        finally:
            writer.close()
    finally:
        server.close()
        await server.wait_closed()


async def test_connections_on_a_served_socket_send_without_waiting_for_acks() -> None:
    # Nagle's algorithm off: uvicorn writes a response's headers and body separately, and with
    # it on, the body of an answer on a kept-alive connection waited for the client's delayed
    # ACK (40 ms a call). asyncio turns it off only on sockets made as TCP ones.
    assert await _nodelay_of_accepted(ThreadedServer.bind()) == 1
