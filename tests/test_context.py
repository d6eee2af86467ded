"""The audit's context: within one audit every URL is requested once, whoever asks for it."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import httpx
from conftest import AS_OF, TEST_FETCH

from auditor.fetch.client import Fetcher
from auditor.plugin import Context


def counting_context(seen: list[str], delay: float = 0.01) -> tuple[Context, httpx.AsyncClient]:
    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.url} {request.headers.get('authorization', '')}".strip())
        await asyncio.sleep(delay)  # long enough for concurrent asks to overlap
        return httpx.Response(200, text="ok")

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return Context(fetcher=Fetcher(client, replace(TEST_FETCH, respect_robots=False)), as_of=AS_OF), client


def test_concurrent_and_later_asks_for_one_url_share_one_request():
    seen: list[str] = []

    async def run() -> list[int | None]:
        context, client = counting_context(seen)
        async with client:
            first = await asyncio.gather(*(context.get("https://a.example/feed") for _ in range(5)))
            later = await context.get("https://a.example/feed")
            return [f.status for f in [*first, later]]

    assert asyncio.run(run()) == [200] * 6
    assert seen == ["https://a.example/feed"]


def test_other_headers_make_another_request_and_are_remembered_apart():
    seen: list[str] = []

    async def run() -> None:
        context, client = counting_context(seen)
        async with client:
            await context.get("https://api.example/me")
            await context.get("https://api.example/me", headers={"Authorization": "Bearer t"})
            await context.get("https://api.example/me", headers={"Authorization": "Bearer t"})
            assert context.seen("https://api.example/me")

    asyncio.run(run())
    assert seen == ["https://api.example/me", "https://api.example/me Bearer t"]


def test_when_the_first_asker_is_cancelled_the_others_still_get_the_page():
    seen: list[str] = []

    async def run() -> int | None:
        context, client = counting_context(seen, delay=0.05)
        async with client:
            first = asyncio.ensure_future(context.get("https://a.example/feed"))
            await asyncio.sleep(0.01)  # the first ask's request is under way
            second = asyncio.ensure_future(context.get("https://a.example/feed"))
            await asyncio.sleep(0.01)
            first.cancel()  # say, its channel ran out of time
            fetched = await asyncio.wait_for(second, 2)  # not left waiting for an answer nobody fetches
            assert first.cancelled()
            assert context.seen("https://a.example/feed")
            return fetched.status

    assert asyncio.run(run()) == 200
    assert seen == ["https://a.example/feed"] * 2  # asked again, once, for the one still waiting


def test_a_cancelled_waiter_leaves_the_fetch_to_the_others():
    seen: list[str] = []

    async def run() -> list[int | None]:
        context, client = counting_context(seen, delay=0.05)
        async with client:
            asks = [asyncio.ensure_future(context.get("https://a.example/feed")) for _ in range(3)]
            await asyncio.sleep(0.01)
            asks[1].cancel()
            await asyncio.gather(asks[0], asks[2])
            return [asks[0].result().status, asks[2].result().status]

    assert asyncio.run(run()) == [200, 200]
    assert seen == ["https://a.example/feed"]


def test_a_fetch_whose_only_asker_was_cancelled_is_made_again_when_asked_again():
    seen: list[str] = []

    async def run() -> int | None:
        context, client = counting_context(seen, delay=0.05)
        async with client:
            alone = asyncio.ensure_future(context.get("https://a.example/feed"))
            await asyncio.sleep(0.01)
            alone.cancel()
            await asyncio.gather(alone, return_exceptions=True)
            assert not context.seen("https://a.example/feed")
            return (await context.get("https://a.example/feed")).status

    assert asyncio.run(run()) == 200
    assert seen == ["https://a.example/feed"] * 2


class BrokenFetcher:
    """A fetcher with a bug: every GET raises (a real one turns every failure into a Fetched)."""

    async def get(self, url: str, *, headers: dict[str, str] | None = None) -> None:
        await asyncio.sleep(0.01)  # long enough for the other asks to join
        raise RuntimeError("the fetcher broke")


def test_an_error_in_the_fetch_reaches_every_asker():
    async def run() -> list[str]:
        context = Context(fetcher=BrokenFetcher(), as_of=AS_OF)  # type: ignore[arg-type]
        outcomes = await asyncio.gather(*(context.get("https://a.example/") for _ in range(3)),
                                        return_exceptions=True)
        return [str(o) for o in outcomes]

    assert asyncio.run(run()) == ["the fetcher broke"] * 3
