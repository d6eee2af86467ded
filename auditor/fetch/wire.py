"""The moment a request's bytes leave for its host, seen from under the connection pool.

Takes an ``httpx.AsyncClient``; gives each of its httpcore pools a network backend whose streams
hold a request's first bytes until its host's turn (:func:`pace_writes`). The fetcher spaces the
requests to one host where their headers leave, not only where their attempts start: a request that
first opens a connection (proxy tunnel, TLS) sends later than one on an open connection and could
otherwise arrive right behind it.

httpcore can report that moment through a request's ``trace`` extension, but that turns on a
callback for every step of every exchange (a dozen per request, each building its event's name
and details): on the generated mix through the fixture proxy, 33 Python calls per request more
than the hold here, about 1 % of the audit's instructions. Here the hold costs one
context-variable read per write: the request's :class:`Turn` is in :data:`DEPARTING` while its
attempt runs, and the first non-empty write made with a turn that asks for it (``at_write``) takes
the turn first and ends it once written. That write is the request's headers on HTTP/1.1 (a GET
sends nothing else); a proxy's ``CONNECT`` is written before it and is not held. HTTP/2 writes many
requests' frames on one connection and is not paced here (the fetcher takes an HTTP/2 host's turn
before the pool). Reads, closing and the stream's details go straight to the stream underneath.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Protocol

import httpcore
import httpx

from auditor.fetch.guard import GuardedBackend
from auditor.fetch.pool import transports_of


class Turn(Protocol):
    """A request's turn to send to its host."""

    at_write: bool  # the turn is to be taken as the request's first bytes are written (once)

    async def take_turn(self) -> None: ...

    def leave(self) -> None: ...


DEPARTING: ContextVar[Turn | None] = ContextVar("auditor_departing", default=None)

_TUNNEL = b"CONNECT "


class PacedStream(httpcore.AsyncNetworkStream):
    """A network stream whose writes wait for the running request's turn (see the module docstring)."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        # Straight to the stream underneath: no frame of ours on the reading path.
        self.read = inner.read  # type: ignore[method-assign]
        self.aclose = inner.aclose  # type: ignore[method-assign]
        self.get_extra_info = inner.get_extra_info  # type: ignore[method-assign]

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        turn = DEPARTING.get()
        if turn is None or not turn.at_write or not buffer or buffer.startswith(_TUNNEL):
            await self._inner.write(buffer, timeout)
            return
        turn.at_write = False
        await turn.take_turn()
        try:
            await self._inner.write(buffer, timeout)
        finally:
            turn.leave()

    async def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        return PacedStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))


class PacedBackend(httpcore.AsyncNetworkBackend):
    """A network backend whose streams are :class:`PacedStream`."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self.inner = inner

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None, socket_options: Any = None) -> httpcore.AsyncNetworkStream:
        return PacedStream(await self.inner.connect_tcp(host, port, timeout=timeout, local_address=local_address,
                                                        socket_options=socket_options))

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Any = None) -> httpcore.AsyncNetworkStream:
        return PacedStream(await self.inner.connect_unix_socket(path, timeout=timeout, socket_options=socket_options))

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def pace_writes(client: httpx.AsyncClient) -> bool:
    """Give every pool of ``client`` paced streams (in place, once); whether every transport has them.

    False for a client any of whose transports has no httpcore pool (a mock, a replay): its
    requests' headers cannot be seen leaving here, so the fetcher asks the transport itself (the
    ``trace`` extension) or takes turns before sending. A guard already on a pool
    (:mod:`auditor.fetch.guard`) stays outermost: the paced backend goes under it, so installing
    the guard again keeps the pacing."""
    paced = True
    for transport in transports_of(client):
        pool = getattr(transport, "_pool", None)
        if not isinstance(pool, httpcore.AsyncConnectionPool):
            paced = False
            continue
        backend = pool._network_backend
        if isinstance(backend, GuardedBackend):
            if not isinstance(backend.inner, PacedBackend):
                backend.inner = PacedBackend(backend.inner)
        elif not isinstance(backend, PacedBackend):
            pool._network_backend = PacedBackend(backend)
    return paced
