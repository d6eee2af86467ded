"""Connection-pool bookkeeping for the shared client that keeps idle connections and stays cheap.

Takes an ``httpx.AsyncClient``; gives its httpcore pools (direct and proxied) a replacement for
the pass httpcore runs whenever a request enters or leaves a pool
(``_assign_requests_to_connections``). httpcore 1.0's pass has two costs a crawl of many hosts
pays on every request:

* it compares ``max_keepalive_connections`` with the number of *all* connections, not the idle
  ones (encode/httpcore pull request #1000), so once more connections are open than that
  limit it closes idle ones the crawl was about to reuse, and almost every request pays a
  new proxy tunnel and TLS handshake;
* it recounts the pool once per idle connection (quadratic in the pool's size) and polls the
  socket of every idle connection to see whether the server closed it.

The pass here keeps the same rules, counted once: closed connections leave; idle connections
beyond the keep-alive limit close, oldest first; a queued request takes the first available
connection to its origin (checked for expiry or a server hang-up only then, and closed and
skipped if so), else a new connection while there is room, else one that replaces the oldest
idle connection. Idle connections to other hosts are not polled; they are closed when they are
replaced or when the client closes. A pool of another shape (an httpcore that changed) is
left as it is.
"""

from __future__ import annotations

from typing import Any

import httpcore
import httpx

_NEEDED = ("_connections", "_requests", "_max_connections", "_max_keepalive_connections", "create_connection")


class _KeepingPass:
    """Mixed in before an httpcore pool class; see the module docstring."""

    _connections: list[Any]
    _requests: list[Any]
    _max_connections: int
    _max_keepalive_connections: int

    def _assign_requests_to_connections(self) -> list[Any]:
        closing: list[Any] = []
        open_connections = [c for c in self._connections if not c.is_closed()]
        surplus = sum(1 for c in open_connections if c.is_idle()) - self._max_keepalive_connections
        if surplus > 0:  # the oldest idle connections go first
            kept = []
            for connection in open_connections:
                if surplus > 0 and connection.is_idle():
                    closing.append(connection)
                    surplus -= 1
                else:
                    kept.append(connection)
            open_connections = kept
        self._connections[:] = open_connections
        for pool_request in [r for r in self._requests if r.is_queued()]:
            origin = pool_request.request.url.origin
            connection = self._reusable(origin, closing)
            if connection is None and len(self._connections) >= self._max_connections:
                idle = next((c for c in self._connections if c.is_idle()), None)
                if idle is None:
                    continue  # the pool is full of busy connections: the request waits
                self._connections.remove(idle)
                closing.append(idle)
            if connection is None:
                connection = self.create_connection(origin)  # type: ignore[attr-defined]
                self._connections.append(connection)
            pool_request.assign_to_connection(connection)
        return closing

    def _reusable(self, origin: httpcore.Origin, closing: list[Any]) -> Any:
        """The first available connection to ``origin`` that is still good; expired ones are closed."""
        for connection in list(self._connections):
            if not (connection.can_handle_request(origin) and connection.is_available()):
                continue
            if connection.is_idle() and connection.has_expired():
                self._connections.remove(connection)
                closing.append(connection)
                continue
            return connection
        return None


_KEEPING: dict[type, type] = {}


def _keeping(pool_class: type) -> type:
    """The pool class with the keeping pass mixed in, made once per pool class."""
    made = _KEEPING.get(pool_class)
    if made is None:
        made = _KEEPING[pool_class] = type(f"Keeping{pool_class.__name__}", (_KeepingPass, pool_class), {})
    return made


def keep_idle_connections(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """Give the client's httpcore pools the keeping pass (in place); the client, for chaining."""
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        if not isinstance(pool, httpcore.AsyncConnectionPool) or isinstance(pool, _KeepingPass):
            continue
        if all(hasattr(pool, name) for name in _NEEDED):
            pool.__class__ = _keeping(type(pool))
    return client
