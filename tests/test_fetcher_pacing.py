"""The per-host gap holds where it counts: between requests arriving at the server.

These go through the fixture internet (a real proxy tunnel and TLS), where the fetcher sees
each request's headers leave: through the transport's trace hook while it does not know how a
host speaks, then, on a host known to speak HTTP/1.1, as the headers are written to the
connection. The proxy's own log is the judge.
"""

from __future__ import annotations

import asyncio
import time

from auditor.fetch.client import Fetcher, FetchSettings, make_client

HOST = "pages.example"
GAP = 0.1


class TracingFetcher(Fetcher):
    """A fetcher that counts the requests it sends with the transport's trace hook."""

    traced = 0

    def _send_pacer(self, departure):  # type: ignore[no-untyped-def]
        TracingFetcher.traced += 1
        return super()._send_pacer(departure)


def fetch_all(urls: list[str], settings: FetchSettings, sleep=asyncio.sleep, first: str | None = None) -> float:
    """GET ``urls`` at once through one fetcher on a fresh client (after ``first``, alone); the seconds it took."""

    async def main() -> None:
        async with make_client(settings) as client:
            fetcher = TracingFetcher(client, settings, sleep=sleep)
            if first is not None:
                await fetcher.get(first)
            await asyncio.gather(*(fetcher.get(url) for url in urls))

    began = time.monotonic()
    asyncio.run(main())
    return time.monotonic() - began


def arrivals(web, since: float) -> list[float]:
    return sorted(entry.started for entry in web.log if entry.host == HOST and entry.started >= since)


def test_concurrent_requests_to_one_host_arrive_a_gap_apart(fixture_internet):
    since = time.monotonic()
    fetch_all([f"https://{HOST}/p{i}" for i in range(6)], FetchSettings(min_gap=GAP, respect_robots=False))
    seen = arrivals(fixture_internet, since)
    assert len(seen) == 6
    assert min(b - a for a, b in zip(seen, seen[1:])) >= GAP - 0.01


def test_a_request_woken_late_pushes_the_next_one_back(fixture_internet):
    """A busy event loop wakes a sleeping request late; the one booked after it must still
    leave a whole gap after it, not at its own booked time."""
    late = [0.15]

    async def oversleeping(seconds: float) -> None:
        await asyncio.sleep(seconds + (late.pop() if late else 0.0))

    since = time.monotonic()
    fetch_all([f"https://{HOST}/q{i}" for i in range(4)], FetchSettings(min_gap=GAP, respect_robots=False),
              sleep=oversleeping)
    seen = arrivals(fixture_internet, since)
    assert len(seen) == 4
    assert min(b - a for a, b in zip(seen, seen[1:])) >= GAP - 0.01


def test_on_a_host_known_to_speak_http11_the_turn_is_taken_as_the_headers_are_written(fixture_internet):
    """After one exchange shows the host speaks HTTP/1.1, its requests go without the trace hook; a
    request woken late still leaves a gap after the one that overtook it, each on a connection of its
    own (new ones opened for them) or an open one."""
    late = [0.15]

    async def oversleeping(seconds: float) -> None:
        await asyncio.sleep(seconds + (late.pop() if late else 0.0))

    TracingFetcher.traced = 0
    since = time.monotonic()
    fetch_all([f"https://{HOST}/w{i}" for i in range(4)], FetchSettings(min_gap=GAP, respect_robots=False),
              sleep=oversleeping, first=f"https://{HOST}/w")
    seen = arrivals(fixture_internet, since)
    assert len(seen) == 5
    assert min(b - a for a, b in zip(seen, seen[1:])) >= GAP - 0.01
    assert TracingFetcher.traced == 1  # the first exchange only


def test_opening_a_tunnel_through_a_proxy_does_not_cost_a_gap(fixture_internet):
    """The proxy's CONNECT is not a request to the host: a first request to a host leaves at once."""
    settings = FetchSettings(min_gap=2.0, respect_robots=False)
    waits: list[float] = []

    async def recorded(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(0)

    async def main() -> None:
        async with make_client(settings) as client:
            fetcher = Fetcher(client, settings, sleep=recorded)
            await fetcher.get("https://dates.example/")  # not the client's first request
            await fetcher.get(f"https://{HOST}/first")  # a new host: tunnel, TLS, then the request

    asyncio.run(main())
    assert not [w for w in waits if w > 0.5], waits  # no host gap was waited for either first request


def test_on_http2_requests_in_flight_together_still_arrive_a_gap_apart(monkeypatch):
    """Where the server offers HTTP/2 the host's requests are streams of one connection: each still
    waits its turn, a gap after the previous one's headers, and every one is answered."""
    from conftest import FIXTURE_WEB

    from auditor.fixtures.fixtureweb import FixtureInternet

    with FixtureInternet(FIXTURE_WEB, http2=True) as web:
        for key, value in web.env().items():
            monkeypatch.setenv(key, value)
        since = time.monotonic()
        fetch_all([f"https://{HOST}/p{i}" for i in range(6)], FetchSettings(min_gap=GAP, respect_robots=False))
        seen = arrivals(web, since)
        assert len(seen) == 6 and all(entry.completed for entry in web.log)
        assert min(b - a for a, b in zip(seen, seen[1:])) >= GAP - 0.01
        assert len(web.tunnels) == 1
