"""The shared client keeps a connection per host in flight, so a brand's requests share one handshake."""

import asyncio
import ssl

import httpcore
import httpx

from auditor.fetch.client import Fetcher, FetchSettings, make_client
from auditor.fetch.pool import _keeping, keep_idle_connections


def _pools(settings: FetchSettings) -> list[tuple[str, int, int]]:
    async def main() -> list[tuple[str, int, int]]:
        async with make_client(settings) as client:
            transports = [client._transport, *client._mounts.values()]  # direct, and proxied from the environment
            return [(type(t._pool).__name__, t._pool._max_connections, t._pool._max_keepalive_connections)
                    for t in transports]

    return asyncio.run(main())


def test_every_connection_may_stay_open_idle(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    pools = _pools(FetchSettings(max_connections=64, open_connections=256))
    assert pools[0] == ("KeepingAsyncConnectionPool", 256, 256)  # the fetcher keeps 64 in use at most
    assert set(pools[1:]) == {("KeepingAsyncHTTPProxy", 256, 256)}  # one per proxied scheme
    assert _pools(FetchSettings(max_connections=4, open_connections=4))[0][1:] == (4, 4)
    assert _pools(FetchSettings(max_connections=300, open_connections=4))[0][1:] == (300, 300)


def test_keeping_twice_changes_nothing():
    async def main() -> type:
        async with make_client(FetchSettings()) as client:
            return type(keep_idle_connections(client)._transport._pool)

    assert asyncio.run(main()).__mro__[1].__name__ == "_KeepingPass"


def test_a_pool_whose_requests_say_queued_otherwise_is_left_as_it_is(monkeypatch):
    """The pass reads a request's connection where httpcore's is_queued() does; an httpcore that
    decides it another way keeps its own pass."""
    import auditor.fetch.pool as pool

    monkeypatch.setattr(pool, "_QUEUED_READS", ("connection", "_state"))

    async def main() -> str:
        async with make_client(FetchSettings()) as client:
            return type(client._transport._pool).__name__

    assert asyncio.run(main()) == "AsyncConnectionPool"


class _Connection:
    """Just enough of an httpcore connection for the pool's bookkeeping."""

    def __init__(self, origin: str, *, idle: bool = True, expired: bool = False) -> None:
        self.origin, self.idle, self.expired, self.closed = origin, idle, expired, False
        self.expiry_checks = 0

    def is_closed(self) -> bool:
        return self.closed

    def is_idle(self) -> bool:
        return self.idle

    def is_available(self) -> bool:
        return self.idle

    def has_expired(self) -> bool:
        self.expiry_checks += 1
        return self.expired

    def can_handle_request(self, origin: httpcore.Origin) -> bool:
        return origin.host.decode() == self.origin


class _Queued:
    def __init__(self, host: str) -> None:
        self.request = httpcore.Request("GET", f"https://{host}/")
        self.connection = None

    def is_queued(self) -> bool:
        return self.connection is None

    def assign_to_connection(self, connection: object) -> None:
        self.connection = connection


def _pool(connections: list[_Connection], requests: list[_Queued], *, limit: int, idle: int):
    pool = httpcore.AsyncConnectionPool(max_connections=limit, max_keepalive_connections=idle)
    pool.__class__ = _keeping(httpcore.AsyncConnectionPool)
    pool._connections = list(connections)
    pool._requests = list(requests)
    pool.create_connection = lambda origin: _Connection(origin.host.decode(), idle=False)
    return pool


def test_idle_connections_are_kept_while_busy_ones_outnumber_the_idle_limit():
    busy = [_Connection(f"busy{i}.example", idle=False) for i in range(6)]
    idle = [_Connection(f"idle{i}.example") for i in range(3)]
    pool = _pool(busy + idle, [], limit=10, idle=4)
    assert pool._assign_requests_to_connections() == []  # 3 idle <= 4, however many are open
    assert pool._connections == busy + idle


def test_idle_connections_beyond_the_limit_close_oldest_first():
    idle = [_Connection(f"idle{i}.example") for i in range(5)]
    pool = _pool(idle, [], limit=10, idle=3)
    assert pool._assign_requests_to_connections() == idle[:2]
    assert pool._connections == idle[2:]


def test_a_request_reuses_its_hosts_idle_connection_and_polls_no_other():
    others = [_Connection(f"other{i}.example") for i in range(20)]
    mine = _Connection("mine.example")
    request = _Queued("mine.example")
    pool = _pool([*others, mine], [request], limit=64, idle=64)
    assert pool._assign_requests_to_connections() == []
    assert request.connection is mine and mine.expiry_checks == 1
    assert all(c.expiry_checks == 0 for c in others)


def test_an_expired_connection_is_closed_not_reused():
    stale = _Connection("mine.example", expired=True)
    request = _Queued("mine.example")
    pool = _pool([stale], [request], limit=4, idle=4)
    assert pool._assign_requests_to_connections() == [stale]
    assert request.connection is not stale and request.connection.origin == "mine.example"


def test_a_full_pool_replaces_its_oldest_idle_connection_or_lets_the_request_wait():
    old, newer = _Connection("old.example"), _Connection("newer.example")
    request = _Queued("new.example")
    pool = _pool([old, newer], [request], limit=2, idle=2)
    assert pool._assign_requests_to_connections() == [old]
    assert [c.origin for c in pool._connections] == ["newer.example", "new.example"]
    waiting = _Queued("third.example")
    full = _pool([_Connection("a.example", idle=False)], [waiting], limit=1, idle=1)
    assert full._assign_requests_to_connections() == [] and waiting.connection is None


class _Made(_Connection):
    """A connection as the pool makes them: its origin where httpcore keeps it, and every origin check counted."""

    checks = 0

    def __init__(self, origin: httpcore.Origin, **kwargs) -> None:
        super().__init__(origin.host.decode(), **kwargs)
        self._origin = origin

    def can_handle_request(self, origin: httpcore.Origin) -> bool:
        _Made.checks += 1
        return super().can_handle_request(origin)


def _making_pool(limit: int) -> httpcore.AsyncConnectionPool:
    pool = _pool([], [], limit=limit, idle=limit)
    pool.create_connection = lambda origin: _Made(origin)
    return pool


def _serve(pool, host: str):
    """One request to ``host`` through the pool's pass; the connection it got, left idle again."""
    request = _Queued(host)
    pool._requests = [request]
    pool._assign_requests_to_connections()
    request.connection.idle = True
    return request.connection


def test_a_request_asks_only_its_own_hosts_connections():
    pool = _making_pool(300)
    for i in range(200):
        _serve(pool, f"host{i}.example")
    _Made.checks = 0
    again = _serve(pool, "host7.example")
    fresh = _serve(pool, "new.example")
    assert again.origin == "host7.example" and len(pool._connections) == 201 and fresh.origin == "new.example"
    assert _Made.checks == 1  # host7's one connection; none of the 199 others, none for a new host


def test_a_full_pool_closes_the_connection_unused_the_longest():
    pool = _making_pool(3)
    first, second, third = (_serve(pool, f"{name}.example") for name in ("first", "second", "third"))
    assert _serve(pool, "first.example") is first  # used again: now the most recent
    pool._requests = [_Queued("fourth.example")]
    assert pool._assign_requests_to_connections() == [second]
    assert [c.origin for c in pool._connections] == ["third.example", "first.example", "fourth.example"]


def test_a_closed_connection_is_dropped_when_its_host_asks_again():
    pool = _making_pool(4)
    gone = _serve(pool, "mine.example")
    gone.closed = True
    assert _serve(pool, "mine.example") is not gone and gone not in pool._connections


def test_a_brands_requests_to_one_host_share_one_tls_handshake(fixture_internet):
    """Through the fixture proxy: six pages of one host, one after another, one TLS session."""
    sessions = []
    original = ssl.SSLContext.wrap_bio

    def counted(context, *args, **kwargs):
        if not kwargs.get("server_side"):  # the fixture proxy's own sessions run in this process too
            sessions.append(kwargs.get("server_hostname"))
        return original(context, *args, **kwargs)

    settings = FetchSettings(min_gap=0.0, respect_robots=False)

    async def main() -> None:
        async with make_client(settings) as client:
            fetcher = Fetcher(client, settings)
            for i in range(6):
                assert (await fetcher.get(f"https://pages.example/p{i}")).status is not None

    ssl.SSLContext.wrap_bio = counted
    try:
        asyncio.run(main())
    finally:
        ssl.SSLContext.wrap_bio = original
    assert sessions == [b"pages.example"]


def test_where_the_server_offers_http2_a_hosts_requests_in_flight_together_share_one_connection(tmp_path, monkeypatch):
    """Through a fixture proxy that offers HTTP/2: the first page opens the connection, then four more
    pages of the host go out at once (per-host limit 4) as streams of it, each answered and logged."""
    from auditor.fixtures.fixtureweb import FixtureInternet

    (tmp_path / "pages.example").mkdir()
    for i in range(5):
        (tmp_path / "pages.example" / f"p{i}.html").write_text(f"<p>page {i}</p>")
    settings = FetchSettings(min_gap=0.0, respect_robots=False, per_host=4)
    with FixtureInternet(tmp_path, http2=True) as web:
        for key, value in web.env().items():
            monkeypatch.setenv(key, value)

        async def main() -> list[int | None]:
            async with make_client(settings) as client:
                fetcher = Fetcher(client, settings)
                first = await fetcher.get("https://pages.example/p0")
                rest = await asyncio.gather(*(fetcher.get(f"https://pages.example/p{i}") for i in range(1, 5)))
                return [f.status for f in (first, *rest)]

        statuses = asyncio.run(main())
        assert statuses == [200] * 5
        assert [t.host for t in web.tunnels] == ["pages.example"]  # one connection carried all five
        assert sorted(e.target for e in web.log if e.completed) == [f"/p{i}" for i in range(5)]


def test_the_transports_of_a_client_are_found_under_the_wrappers_that_hand_requests_on():
    """The HTTP cache's and the archive's wrappers are looked through; a mount of None (a host the
    environment's NO_PROXY sends direct) is the client's own transport, not one more."""
    from hishel.httpx import AsyncCacheTransport

    from auditor.archive.transport import RecordingTransport
    from auditor.fetch.pool import transports_of

    direct, proxied = httpx.AsyncHTTPTransport(), httpx.AsyncHTTPTransport()
    client = httpx.AsyncClient(transport=RecordingTransport(direct, lambda: None))
    client._mounts = {httpx._utils.URLPattern("all://"): AsyncCacheTransport(next_transport=proxied),
                      httpx._utils.URLPattern("all://local.example"): None}
    try:
        assert transports_of(client) == [direct, proxied]
    finally:
        asyncio.run(client.aclose())


def test_a_cached_clients_pool_keeps_idle_connections_too(tmp_path):
    from auditor.fetch.client import CacheSettings

    async def main() -> str:
        async with make_client(FetchSettings(), cache=CacheSettings(tmp_path)) as client:
            from auditor.fetch.pool import transports_of

            return type(transports_of(client)[0]._pool).__name__

    assert asyncio.run(main()) == "KeepingAsyncConnectionPool"
