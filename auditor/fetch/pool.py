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

The pass here keeps the same rules, counted once, and costs a lookup rather than a scan:
connections are indexed by origin, so a request looks only at its own host's connections (a closed
or expired one found there is dropped, a good idle or multiplexing one is taken); the pool list is
kept least recently used first, so when the pool is full the connection that makes room is the
idle one unused the longest (closed ones go first), and idle connections beyond the keep-alive
limit close in that order too (counted only when the pool holds more than that limit). Idle
connections to other hosts are not polled; they are closed when they are replaced or when the
client closes. A pool of another shape (an httpcore that changed) is left as it is.
"""

from __future__ import annotations

from typing import Any

import httpcore
import httpx

_NEEDED = ("_connections", "_requests", "_max_connections", "_max_keepalive_connections", "create_connection")
Key = tuple[bytes, bytes, int]
# A pool request is queued while it has no connection (what its is_queued() reads, checked here):
# the pass reads that attribute itself, once per request in the pool, twice per exchange.
try:
    _QUEUED_READS: tuple[str, ...] = httpcore._async.connection_pool.AsyncPoolRequest.is_queued.__code__.co_names
except AttributeError:  # another httpcore: its pools are left as they are
    _QUEUED_READS = ()


def _key(origin: Any) -> Key | None:
    return None if origin is None else (origin.scheme, origin.host, origin.port)


class _KeepingPass:
    """Mixed in before an httpcore pool class; see the module docstring."""

    _connections: list[Any]
    _requests: list[Any]
    _max_connections: int
    _max_keepalive_connections: int

    def _assign_requests_to_connections(self) -> list[Any]:
        closing: list[Any] = []
        index = self._index()
        connections = self._connections
        if len(connections) > self._max_keepalive_connections:
            surplus = sum(1 for c in connections if c.is_idle()) - self._max_keepalive_connections
            for connection in list(connections):  # the least recently used idle ones go first
                if surplus <= 0:
                    break
                if connection.is_idle():
                    self._drop(connection, index)
                    closing.append(connection)
                    surplus -= 1
        for pool_request in [r for r in self._requests if r.connection is None]:  # is_queued(), read directly
            origin = pool_request.request.url.origin
            key = _key(origin)
            connection = self._reusable(origin, [*index.get(key, ()), *index.get(None, ())], index, closing)
            if connection is None:
                if len(connections) >= self._max_connections and not self._make_room(index, closing):
                    continue  # the pool is full of busy connections: the request waits
                connection = self.create_connection(origin)  # type: ignore[attr-defined]
                index.setdefault(key, []).append(connection)
            else:
                connections.remove(connection)  # to the end: most recently used
            connections.append(connection)
            pool_request.assign_to_connection(connection)
        return closing

    def _index(self) -> dict[Key | None, list[Any]]:
        """Connections by origin, rebuilt if the pool's list was replaced (httpcore's aclose does); those
        whose origin cannot be read are kept under None and asked by every request."""
        index: dict[Key | None, list[Any]] | None = getattr(self, "_by_origin", None)
        if index is None or getattr(self, "_indexed", None) is not self._connections:
            index = {}
            for connection in self._connections:
                origin = getattr(connection, "_remote_origin", None) or getattr(connection, "_origin", None)
                index.setdefault(_key(origin), []).append(connection)
            self._by_origin = index
            self._indexed = self._connections
        return index

    def _drop(self, connection: Any, index: dict[Key | None, list[Any]]) -> None:
        self._connections.remove(connection)
        key = _key(getattr(connection, "_remote_origin", None) or getattr(connection, "_origin", None))
        lists = [(key, index[key])] if key in index and connection in index[key] else list(index.items())
        for key, same in lists:
            if connection in same:
                same.remove(connection)
                if not same:
                    del index[key]
                return

    def _reusable(self, origin: httpcore.Origin, candidates: list[Any],
                  index: dict[Key | None, list[Any]], closing: list[Any]) -> Any:
        """The first available connection to ``origin`` that is still good; closed and expired ones are dropped."""
        for connection in candidates:
            if connection.is_closed():
                self._drop(connection, index)
                continue
            if not (connection.can_handle_request(origin) and connection.is_available()):
                continue
            if connection.is_idle() and connection.has_expired():
                self._drop(connection, index)
                closing.append(connection)
                continue
            return connection
        return None

    def _make_room(self, index: dict[Key | None, list[Any]], closing: list[Any]) -> bool:
        """Drop the least recently used closed or idle connection; False when every one is busy."""
        for connection in self._connections:
            if connection.is_closed():
                self._drop(connection, index)
                return True
            if connection.is_idle():
                self._drop(connection, index)
                closing.append(connection)
                return True
        return False


_KEEPING: dict[type, type] = {}


def _keeping(pool_class: type) -> type:
    """The pool class with the keeping pass mixed in, made once per pool class."""
    made = _KEEPING.get(pool_class)
    if made is None:
        made = _KEEPING[pool_class] = type(f"Keeping{pool_class.__name__}", (_KeepingPass, pool_class), {})
    return made


def transports_of(client: httpx.AsyncClient) -> list[Any]:
    """The transports ``client`` sends through: its own and each mount's (a mount of None sends through
    the client's own), each with the wrappers that hand requests on unwrapped (the HTTP cache's
    ``next_transport``, the archive's ``inner``), so the one with the connection pool is the one given."""
    found = []
    for transport in [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]:
        while transport is not None:
            inner = getattr(transport, "next_transport", None) or getattr(transport, "inner", None)
            if not isinstance(inner, httpx.AsyncBaseTransport):
                break
            transport = inner
        if transport is not None:
            found.append(transport)
    return found


def keep_idle_connections(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """Give the client's httpcore pools the keeping pass (in place); the client, for chaining."""
    for transport in transports_of(client):
        pool = getattr(transport, "_pool", None)
        if not isinstance(pool, httpcore.AsyncConnectionPool) or isinstance(pool, _KeepingPass):
            continue
        if all(hasattr(pool, name) for name in _NEEDED) and _QUEUED_READS == ("connection",):
            pool.__class__ = _keeping(type(pool))
    return client
