"""The fetcher is polite (limits, gaps, robots, Retry-After) and bounded (size, redirects, time)."""

from __future__ import annotations

import asyncio
import gzip
import time
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timezone

import httpx
import pytest

from auditor.fetch.client import (
    Fetcher,
    FetchSettings,
    make_client,
    parse_retry_after,
    refusal,
)

FAST = FetchSettings(min_gap=0.0, backoff=0.01, backoff_max=0.02, respect_robots=False)


def run(handler, urls, settings=FAST):
    """Fetch ``urls`` concurrently through a MockTransport; return (results, fetcher)."""

    async def main():
        async with make_client(settings, transport=httpx.MockTransport(handler)) as client:
            fetcher = Fetcher(client, settings)
            results = await asyncio.gather(*(fetcher.get(u) for u in urls))
            return results, fetcher

    return asyncio.run(main())


class CountingServer:
    """A fake server that records, per host, how many requests were in flight and when each began."""

    def __init__(self, delay: float = 0.01) -> None:
        self.delay = delay
        self.in_flight: dict[str, int] = defaultdict(int)
        self.peak: dict[str, int] = defaultdict(int)
        self.starts: dict[str, list[float]] = defaultdict(list)

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.starts[host].append(time.monotonic())
        self.in_flight[host] += 1
        self.peak[host] = max(self.peak[host], self.in_flight[host])
        await asyncio.sleep(self.delay)
        self.in_flight[host] -= 1
        return httpx.Response(200, text="ok")


def test_per_host_concurrency_is_never_exceeded_but_is_used():
    server = CountingServer()
    urls = [f"https://{h}.example/{i}" for h in ("a", "b") for i in range(30)]
    results, _ = run(server, urls, FetchSettings(per_host=3, min_gap=0.0, respect_robots=False))
    assert all(r.ok for r in results)
    assert dict(server.peak) == {"a.example": 3, "b.example": 3}


def test_requests_to_one_host_start_at_least_the_minimum_gap_apart():
    server = CountingServer(delay=0.0)
    began = time.monotonic()
    run(server, [f"https://a.example/{i}" for i in range(8)], FetchSettings(min_gap=0.05, respect_robots=False))
    starts = sorted(server.starts["a.example"])
    # The k-th request may not start before k gaps have passed (a lower bound that a busy
    # machine, which only ever delays a start, cannot break).
    assert all(start - began >= k * 0.05 - 0.001 for k, start in enumerate(starts))
    assert starts[-1] - began >= 7 * 0.05


def test_retry_after_is_honoured_before_the_retry():
    seen: list[float] = []

    def handler(request):
        seen.append(time.monotonic())
        if len(seen) == 1:
            return httpx.Response(429, headers={"Retry-After": "1"})
        return httpx.Response(200, text="ok")

    (result,), fetcher = run(handler, ["https://a.example/"])
    assert result.ok
    assert seen[1] - seen[0] >= 0.95
    assert fetcher.records[0].attempts == 2


def test_retry_after_beyond_the_cap_is_reported_not_waited_for():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(429, headers={"Retry-After": "3600"})

    (result,), fetcher = run(handler, ["https://a.example/"])
    assert result.status == 429 and not result.ok
    assert len(calls) == 1 and fetcher.records[0].attempts == 1


def test_server_errors_are_retried_with_backoff_then_succeed():
    statuses = iter([503, 500, 200])
    (result,), fetcher = run(lambda r: httpx.Response(next(statuses)), ["https://a.example/"])
    assert result.status == 200
    assert fetcher.records[0].attempts == 3


def test_persistent_server_errors_end_with_the_last_status():
    (result,), fetcher = run(lambda r: httpx.Response(502), ["https://a.example/"])
    assert result.status == 502 and not result.ok and result.error == ""
    assert fetcher.records[0].attempts == FAST.retries + 1


def test_not_found_is_not_retried():
    (result,), fetcher = run(lambda r: httpx.Response(404), ["https://a.example/"])
    assert result.status == 404 and fetcher.records[0].attempts == 1


def test_connection_failures_become_a_value_after_retries():
    def handler(request):
        raise httpx.ConnectError("[Errno 104] Connection reset by peer", request=request)

    (result,), fetcher = run(handler, ["https://flaky.example/"])
    assert result.status is None and result.error_kind == "connect"
    assert "flaky.example" in result.error
    assert fetcher.records[0].attempts == FAST.retries + 1
    assert fetcher.stats().errors == 1


def test_a_temporary_dns_failure_is_retried():
    def handler(request):
        raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution", request=request)

    (result,), fetcher = run(handler, ["https://busy-dns.example/"])
    assert result.error_kind == "connect" and fetcher.records[0].attempts == FAST.retries + 1


def _refused(request):
    try:
        raise ConnectionRefusedError(111, "Connection refused")
    except ConnectionRefusedError as refused:
        try:  # as anyio and httpcore wrap it
            raise OSError("All connection attempts failed") from refused
        except OSError as wrapped:
            raise httpx.ConnectError("All connection attempts failed", request=request) from wrapped


def _no_such_host(request):
    raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)


def _proxy_bad_gateway(request):
    raise httpx.ProxyError("502 Bad Gateway", request=request)


def _bad_certificate(request):
    raise httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed", request=request)


@pytest.mark.parametrize("handler", [_refused, _no_such_host, _proxy_bad_gateway, _bad_certificate],
                         ids=["refused", "no-such-host", "proxy-502", "certificate"])
def test_a_dead_host_is_tried_once_and_its_next_urls_fail_at_once_with_the_same_reason(handler):
    sent: list[str] = []

    def counting(request):
        sent.append(request.url.path)
        return handler(request)

    settings = FetchSettings(min_gap=0.0, backoff=0.01, backoff_max=0.02)  # robots.txt read too

    async def main():
        async with make_client(settings, transport=httpx.MockTransport(counting)) as client:
            fetcher = Fetcher(client, settings)
            first = await fetcher.get("https://dead.example/")
            rest = [await fetcher.get(f"https://dead.example/{page}") for page in ("blog", "about")]
            return first, rest, fetcher

    first, rest, fetcher = asyncio.run(main())
    assert sent == ["/robots.txt"]  # the first try; then nothing more reaches the host
    assert first.error_kind in ("connect", "tls") and "dead.example" in first.error
    assert [(r.error_kind, r.error) for r in rest] == [(first.error_kind, first.error)] * 2
    assert [r.attempts for r in fetcher.records] == [1, 0, 0, 0]  # robots.txt, then the three pages


def test_concurrent_requests_to_a_dead_host_stop_once_it_is_known_dead():
    sent: list[str] = []

    def handler(request):
        sent.append(request.url.path)
        return _no_such_host(request)

    settings = FetchSettings(min_gap=0.02, respect_robots=False)
    results, _ = run(handler, [f"https://dead.example/guess{i}" for i in range(5)], settings)
    assert len(sent) == 1 and all(r.error_kind == "connect" for r in results)


def test_a_proxy_timeout_is_retried_not_condemned():
    def handler(request):
        raise httpx.ProxyError("504 Gateway Timeout", request=request)

    results, fetcher = run(handler, ["https://slow-upstream.example/a", "https://slow-upstream.example/b"],
                           replace(FAST, per_host=1))
    assert [r.attempts for r in fetcher.records] == [FAST.retries + 1] * 2


def test_a_dead_host_is_tried_again_once_its_verdict_lapses(monkeypatch):
    import auditor.fetch.client as fetcher_module

    monkeypatch.setattr(fetcher_module, "DEAD_HOST_SECONDS", 0.0)
    sent: list[str] = []

    def handler(request):
        sent.append(request.url.path)
        return _no_such_host(request)

    async def main():
        async with make_client(FAST, transport=httpx.MockTransport(handler)) as client:
            fetcher = Fetcher(client, FAST)
            await fetcher.get("https://blip.example/a")
            await fetcher.get("https://blip.example/b")

    asyncio.run(main())
    assert sent == ["/a", "/b"]


def test_a_host_the_fixture_proxy_cannot_resolve_costs_one_tunnel(fixture_internet):
    """Through a real proxy: robots.txt and two pages of a host that does not exist, one CONNECT."""
    settings = FetchSettings(min_gap=0.0)

    async def main():
        async with make_client(settings) as client:
            fetcher = Fetcher(client, settings)
            return [await fetcher.get(f"https://no-such-host.example/{page}") for page in ("", "blog", "about")]

    results = asyncio.run(main())
    assert all(r.error_kind == "connect" and "502" in r.error for r in results)
    assert [t.host for t in fixture_internet.tunnels if t.host == "no-such-host.example"] == ["no-such-host.example"]


def test_one_retry_policy_serves_every_request_and_counts_each_ones_attempts(monkeypatch):
    import auditor.fetch.client as fetcher_module

    built: list[object] = []

    class Counted(fetcher_module.Retrying):
        def __init__(self, *args, **kwargs):
            built.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(fetcher_module, "Retrying", Counted)
    answers = {"/twice": iter([503, 500, 200]), "/never": iter([502] * 10)}

    def handler(request):
        statuses = answers.get(request.url.path)
        return httpx.Response(next(statuses) if statuses else 200)

    urls = ["https://a.example/twice", "https://a.example/never", *(f"https://a.example/ok{i}" for i in range(5))]
    results, fetcher = run(handler, urls)
    assert len(built) == 1
    attempts = {r.url: r.attempts for r in fetcher.records}
    assert attempts["https://a.example/twice"] == 3 and attempts["https://a.example/never"] == FAST.retries + 1
    assert all(attempts[f"https://a.example/ok{i}"] == 1 for i in range(5))


def test_tls_failures_are_not_retried():
    def handler(request):
        raise httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed", request=request)

    (result,), fetcher = run(handler, ["https://bad-tls.example/"])
    assert result.error_kind == "tls" and fetcher.records[0].attempts == 1


def test_a_slow_server_times_out():
    async def handler(request):
        await asyncio.sleep(5)
        return httpx.Response(200)

    settings = FetchSettings(total_timeout=0.1, retries=0, respect_robots=False)
    (result,), _ = run(handler, ["https://slow.example/"], settings)
    assert result.error_kind == "timeout"


def test_a_body_over_the_cap_is_cut_off():
    settings = FetchSettings(max_bytes=1000, respect_robots=False)
    (declared,), _ = run(lambda r: httpx.Response(200, content=b"x" * 5000), ["https://a.example/"], settings)
    assert declared.error_kind == "too_large"

    async def chunks():
        for _ in range(10):
            yield b"x" * 600

    def streamed(request):  # no Content-Length: the cap must hold while streaming
        return httpx.Response(200, content=chunks())

    (result,), _ = run(streamed, ["https://a.example/"], settings)
    assert result.error_kind == "too_large" and result.body == b""


def test_a_gzip_bomb_hits_the_cap_after_decoding():
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    assert len(bomb) < 100_000

    def handler(request):
        return httpx.Response(200, content=bomb, headers={"Content-Encoding": "gzip"})

    (result,), _ = run(handler, ["https://a.example/sitemap.xml"], FetchSettings(respect_robots=False))
    assert result.error_kind == "too_large"


def test_redirects_are_followed_and_recorded():
    def handler(request):
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "/new"})
        return httpx.Response(200, text="here")

    (result,), _ = run(handler, ["https://a.example/old"])
    assert result.ok and result.final_url == "https://a.example/new"
    assert result.redirects == ("https://a.example/old",)


def test_a_redirect_loop_is_reported():
    def handler(request):
        target = "/b" if request.url.path == "/a" else "/a"
        return httpx.Response(302, headers={"Location": target})

    (result,), _ = run(handler, ["https://a.example/a"])
    assert result.error_kind == "redirects" and "loop" in result.error


def test_endless_redirects_stop_at_the_cap():
    def handler(request):
        n = int(request.url.path.strip("/") or 0)
        return httpx.Response(302, headers={"Location": f"/{n + 1}"})

    (result,), _ = run(handler, ["https://a.example/0"], FetchSettings(max_redirects=5, respect_robots=False))
    assert result.error_kind == "redirects" and "more than 5" in result.error


def test_a_redirect_into_a_private_network_is_refused():
    calls = []

    def handler(request):
        calls.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/meta-data"})

    (result,), _ = run(handler, ["https://a.example/"])
    assert result.error_kind == "refused"
    assert calls == ["https://a.example/"]


@pytest.mark.parametrize(
    "url, refused",
    [
        ("https://acme.example/", False),
        ("http://93.184.216.34/", False),
        ("http://127.0.0.1:8080/", True),
        ("http://10.1.2.3/", True),
        ("http://169.254.169.254/", True),
        ("http://[::1]/", True),
        ("http://localhost/", True),
        ("http://intranet.localhost/", True),
        ("file:///etc/passwd", True),
        ("javascript:alert(1)", True),
        ("https:///nohost", True),
    ],
)
def test_refusal_table(url, refused):
    assert bool(refusal(url)) is refused


def test_allow_private_lifts_only_the_address_guard():
    assert refusal("http://127.0.0.1:8080/", allow_private=True) == ""
    assert refusal("file:///etc/passwd", allow_private=True)


def robots_server(robots_status: int, robots_body: str = ""):
    hits = defaultdict(int)

    def handler(request):
        hits[request.url.path] += 1
        if request.url.path == "/robots.txt":
            return httpx.Response(robots_status, text=robots_body)
        return httpx.Response(200, text="page")

    return handler, hits


def test_robots_disallow_is_obeyed_and_fetched_once_per_origin():
    handler, hits = robots_server(200, "User-agent: *\nDisallow: /private/\n")
    settings = FetchSettings(min_gap=0.0)
    results, _ = run(handler, ["https://a.example/private/x", "https://a.example/public", "https://a.example/"], settings)
    assert [r.error_kind for r in results] == ["robots", "", ""]
    assert "robots.txt disallows /private/x" in results[0].error
    assert hits["/robots.txt"] == 1 and hits["/private/x"] == 0


def test_missing_robots_allows_everything_and_ignore_robots_skips_it():
    handler, hits = robots_server(404)
    (result,), _ = run(handler, ["https://a.example/x"], FetchSettings(min_gap=0.0))
    assert result.ok
    handler, hits = robots_server(200, "User-agent: *\nDisallow: /\n")
    (result,), _ = run(handler, ["https://a.example/x"], FetchSettings(min_gap=0.0, respect_robots=False))
    assert result.ok and hits["/robots.txt"] == 0


def test_a_failing_robots_txt_closes_the_site_as_rfc9309_says():
    handler, _ = robots_server(500)
    settings = FetchSettings(min_gap=0.0, retries=0)
    (result,), _ = run(handler, ["https://a.example/x"], settings)
    assert result.error_kind == "robots" and "500" in result.error


def test_text_uses_the_declared_charset_and_survives_invalid_bytes():
    def handler(request):
        if request.url.path == "/latin1":
            return httpx.Response(200, content="café".encode("latin-1"),
                                  headers={"Content-Type": "text/html; charset=iso-8859-1"})
        if request.url.path == "/bogus":
            return httpx.Response(200, content=b"ok", headers={"Content-Type": "text/html; charset=no-such"})
        return httpx.Response(200, content=b"caf\xe9 \xff", headers={"Content-Type": "text/html"})

    results, _ = run(handler, ["https://a.example/latin1", "https://a.example/bad", "https://a.example/bogus"])
    assert results[0].text() == "café"
    assert results[1].text().startswith("caf")
    assert results[2].text() == "ok"


def test_stats_count_every_request():
    statuses = {"/a": 200, "/b": 404}
    results, fetcher = run(lambda r: httpx.Response(statuses[r.url.path], text="12345"),
                           ["https://a.example/a", "https://a.example/b"])
    stats = fetcher.stats()
    assert stats.requests == 2 and stats.by_status == {"200": 1, "404": 1} and stats.bytes == 10


def test_parse_retry_after():
    now = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Sun, 22 Nov 2026 12:01:00 GMT", now=now) == 60.0
    assert parse_retry_after("Sun, 22 Nov 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_robots_txt_is_shared_with_discovery_not_fetched_twice():
    handler, hits = robots_server(200, "User-agent: *\nAllow: /\nSitemap: https://a.example/sitemap.xml\n")

    async def main():
        async with make_client(FAST, transport=httpx.MockTransport(handler)) as client:
            fetcher = Fetcher(client, FetchSettings(min_gap=0.0))
            await fetcher.get("https://a.example/")
            return await fetcher.robots_sitemaps("https://a.example/about")

    assert asyncio.run(main()) == ("https://a.example/sitemap.xml",)
    assert hits["/robots.txt"] == 1


def test_no_cookies_are_kept_between_requests():
    seen = []

    def handler(request):
        seen.append(request.headers.get("cookie"))
        return httpx.Response(200, headers={"Set-Cookie": "session=abc; Path=/"})

    run(handler, ["https://a.example/1"])
    run(handler, ["https://a.example/2"])

    async def same_client():
        async with make_client(FAST, transport=httpx.MockTransport(handler)) as client:
            fetcher = Fetcher(client, FAST)
            await fetcher.get("https://a.example/3")
            await fetcher.get("https://a.example/4")

    asyncio.run(same_client())
    assert seen == [None, None, None, None]


def test_per_host_state_stays_bounded_over_many_hosts(monkeypatch):
    import auditor.fetch.client as fetcher_module

    monkeypatch.setattr(fetcher_module, "HOSTS_REMEMBERED", 5)
    urls = [f"https://h{n}.example/" for n in range(40)]
    results, fetcher = run(lambda r: httpx.Response(200), urls, FetchSettings(min_gap=0.0))
    assert all(r.ok for r in results)
    assert len(fetcher._slots) <= 10 and len(fetcher._robots) <= 10  # never all 40; a busy oldest host lingers


def test_an_answer_from_the_http_cache_says_nothing_of_how_the_hosts_connections_speak():
    """A transport that never reports its headers leaving (a test's, a replay) lets each request take its
    host's turn as it is sent; an answer from the HTTP cache left nothing, so the host keeps taking turns
    before the pool, as HTTP/2 needs, until a real exchange says otherwise."""
    from types import SimpleNamespace

    def cached(request: httpx.Request) -> httpx.Response:
        hit = request.url.host == "cached.example"
        return httpx.Response(200, text="ok", extensions={"caching": SimpleNamespace(from_cache=hit)})

    results, fetcher = run(cached, ["https://cached.example/", "https://plain.example/"],
                           FetchSettings(min_gap=0.0, respect_robots=False))
    assert all(r.ok for r in results)
    turns = {host: slot.turn_at_headers for host, slot in fetcher._slots.items()}
    assert turns == {"cached.example": False, "plain.example": True}
