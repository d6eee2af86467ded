"""The audit's context: within one audit every URL is requested once, whoever asks for it."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import httpx
from conftest import AS_OF, TEST_FETCH

from auditor.fetch.client import Fetcher
from auditor.plugin import Context


def counting_context(seen: list[str]) -> tuple[Context, httpx.AsyncClient]:
    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.url} {request.headers.get('authorization', '')}".strip())
        await asyncio.sleep(0.01)  # long enough for concurrent asks to overlap
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
