"""Rate-limit headers pace the fetcher: no requests left means the host waits for the reset."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import httpx
import pytest

from auditor.fetch.client import Fetcher, FetchSettings, asked_pause, make_client, rate_limit_delay

FAST = FetchSettings(min_gap=0.0, backoff=0.01, backoff_max=0.02, respect_robots=False)
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc).timestamp()


def headers(**values: str) -> httpx.Headers:
    return httpx.Headers({name.replace("_", "-"): value for name, value in values.items()})


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # GitHub: lower-case names, reset in Unix seconds
        ({"x_ratelimit_remaining": "0", "x_ratelimit_reset": str(int(NOW) + 120)}, 120.0),
        # Mastodon: reset as an ISO 8601 time
        ({"X_RateLimit_Remaining": "0", "X_RateLimit_Reset": "2026-11-22T12:05:00.000Z"}, 300.0),
        # Bluesky: RateLimit-* with a Unix reset
        ({"RateLimit_Remaining": "0", "RateLimit_Reset": str(int(NOW) + 45)}, 45.0),
        # IETF draft: RateLimit-Reset in seconds to go
        ({"RateLimit_Remaining": "0", "RateLimit_Reset": "50"}, 50.0),
        # Reddit: float counts, reset in seconds to go
        ({"X_Ratelimit_Used": "100", "X_Ratelimit_Remaining": "0.0", "X_Ratelimit_Reset": "37"}, 37.0),
        # a reset already past waits for nothing
        ({"x_ratelimit_remaining": "0", "x_ratelimit_reset": str(int(NOW) - 10)}, 0.0),
    ],
)
def test_an_exhausted_window_waits_until_its_reset(given, expected):
    assert rate_limit_delay(headers(**given), now=NOW) == pytest.approx(expected)


@pytest.mark.parametrize(
    "given",
    [
        {"x_ratelimit_remaining": "12", "x_ratelimit_reset": str(int(NOW) + 120)},  # requests left
        {"X_Ratelimit_Remaining": "3.0", "X_Ratelimit_Reset": "37"},
        {"x_ratelimit_remaining": "0"},  # no reset: nothing to wait for
        {"x_ratelimit_remaining": "0", "x_ratelimit_reset": "soon"},  # unreadable reset
        {"x_ratelimit_remaining": "none", "x_ratelimit_reset": "30"},  # unreadable count
        {},
    ],
)
def test_no_wait_without_an_exhausted_window_and_a_readable_reset(given):
    assert rate_limit_delay(headers(**given), now=NOW) is None


def fetch_in_order(handler, urls, settings=FAST):
    """GET ``urls`` one after another with a sleep that only records what it was asked to wait."""
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    async def main():
        async with make_client(settings, transport=httpx.MockTransport(handler)) as client:
            fetcher = Fetcher(client, settings, sleep=fake_sleep)
            return [await fetcher.get(u) for u in urls]

    return asyncio.run(main()), waits


def test_the_next_request_to_an_exhausted_host_waits_for_the_reset():
    def handler(request):
        if request.url.path == "/first":
            return httpx.Response(200, json={}, headers={"X-Ratelimit-Remaining": "0.0", "X-Ratelimit-Reset": "30"})
        return httpx.Response(200, json={})

    results, waits = fetch_in_order(handler, ["https://oauth.test/first", "https://oauth.test/second"])
    assert [r.status for r in results] == [200, 200]
    assert len(waits) == 1 and waits[0] == pytest.approx(30, abs=0.5)


def test_other_hosts_are_not_held_back_by_one_hosts_window():
    def handler(request):
        return httpx.Response(200, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "30"}
                              if request.url.host == "api.test" else {})

    _, waits = fetch_in_order(handler, ["https://api.test/a", "https://other.test/b", "https://other.test/c"])
    assert waits == []


def test_a_wait_beyond_the_cap_is_reported_not_waited_for():
    def handler(request):
        return httpx.Response(403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "3600"})

    results, waits = fetch_in_order(handler, ["https://api.test/a", "https://api.test/b"],
                                    FetchSettings(min_gap=0.0, respect_robots=False, retry_after_cap=20.0))
    assert [r.status for r in results] == [403, 403] and waits == []


def test_requests_left_in_the_window_do_not_slow_anything():
    def handler(request):
        return httpx.Response(200, headers={"x-ratelimit-remaining": "59", "x-ratelimit-reset": "3600"})

    _, waits = fetch_in_order(handler, ["https://api.test/a", "https://api.test/b"])
    assert waits == []


def test_a_429_with_a_short_reset_is_retried_after_the_reset():
    calls = []

    def handler(request):
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(429, headers={"RateLimit-Remaining": "0", "RateLimit-Reset": "7"})
        return httpx.Response(200, text="ok")

    (result,), waits = fetch_in_order(handler, ["https://api.test/a"])
    assert result.ok and len(calls) == 2
    assert waits and waits[0] == pytest.approx(7, abs=0.5)  # the wait before the retry


def test_a_429_whose_reset_is_beyond_the_cap_is_reported_not_waited_for():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(429, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "3600"})

    (result,), waits = fetch_in_order(handler, ["https://api.test/a"])
    assert result.status == 429 and len(calls) == 1 and waits == []


def test_a_retry_after_beyond_the_cap_does_not_hold_up_the_host():
    def handler(request):
        if request.url.path == "/a":
            return httpx.Response(429, headers={"Retry-After": "900"})  # beyond the cap: reported
        return httpx.Response(200)

    results, waits = fetch_in_order(handler, ["https://api.test/a", "https://api.test/b"],
                                    FetchSettings(min_gap=0.0, respect_robots=False, retry_after_cap=15.0))
    assert [r.status for r in results] == [429, 200]
    assert waits == []


def test_the_pause_an_answer_asks_for_is_the_longer_of_its_rate_limit_reset_and_a_429s_retry_after():
    spent = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "10"}  # seconds to go (a small number)
    assert asked_pause(429, httpx.Headers({**spent, "retry-after": "5"})) == 10
    assert asked_pause(503, httpx.Headers({"retry-after": "7"})) == 7
    assert asked_pause(200, httpx.Headers({"retry-after": "7"})) == 0  # only a 429 or 503 asks with it
    assert asked_pause(200, httpx.Headers(spent)) == 10
    assert asked_pause(200, httpx.Headers({"x-ratelimit-remaining": "12", "x-ratelimit-reset": "10"})) == 0
