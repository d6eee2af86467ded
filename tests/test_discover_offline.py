"""A plugin whose discover says it never fetches (``discover_fetches = False``) runs inline; it must not fetch.

Every such plugin reads every HTML page of the fixture internet with a context whose fetcher
fails the test when asked; the plugins whose discover may fetch still run each in a task of
its own, beside the inline ones, and every plugin's channels come back in the platforms' order.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from auditor.discover import _discover_all
from auditor.fetch.client import Fetched
from auditor.plugin import Context, Page, Platform, load_registry

FIXTURE_WEB = Path(__file__).resolve().parent.parent / "fixtures" / "web"
PAGES = sorted(FIXTURE_WEB.rglob("*.html"))


class NoFetching:
    async def get(self, url: str, **kwargs: object) -> Fetched:
        raise AssertionError(f"discover fetched {url}")


def page_of(path: Path) -> Page:
    url = f"https://{path.relative_to(FIXTURE_WEB).as_posix().replace('index.html', '')}"
    return Page.parse(Fetched(url, url, 200, httpx.Headers({"content-type": "text/html"}), path.read_bytes()))


OFFLINE = [p for p in load_registry().platforms_by_priority() if not p.discover_fetches]


def test_some_plugins_say_their_discover_only_reads_the_page():
    assert {p.name for p in OFFLINE} >= {"wordpress", "blogger", "htmlblog"}


@pytest.mark.parametrize("platform", OFFLINE, ids=lambda p: p.name)
def test_a_discover_that_says_it_never_fetches_reads_every_fixture_page_without_fetching(platform):
    from datetime import datetime, timezone

    context = Context(fetcher=NoFetching(), as_of=datetime(2026, 1, 1, tzinfo=timezone.utc))  # type: ignore[arg-type]

    async def main() -> int:
        found = 0
        for path in PAGES:
            found += len(await platform.discover(page_of(path), context))
        return found

    asyncio.run(main())


class Slow(Platform):
    name, kind = "slow", "blog"

    async def discover(self, page, context):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.01)
        return ["slow"]

    async def collect(self, channel, context):  # type: ignore[no-untyped-def]
        raise NotImplementedError


class Inline(Slow):
    name = "inline"
    discover_fetches = False
    running: list[str] = []

    async def discover(self, page, context):  # type: ignore[no-untyped-def]
        Inline.running.append(", ".join(sorted(t.get_name() for t in asyncio.all_tasks())))
        return ["inline"]


def test_inline_discovers_run_while_the_fetching_ones_wait_and_results_keep_the_platforms_order():
    async def main() -> list:
        tasks_before = len(asyncio.all_tasks())
        results = await _discover_all([Slow(), Inline(), Slow()], None, None)  # type: ignore[arg-type]
        return [results, tasks_before, Inline.running]

    results, tasks_before, running = asyncio.run(main())
    assert results == [["slow"], ["inline"], ["slow"]]
    assert running and running[0].count(",") + 1 == tasks_before + 2  # the two fetching ones already started


def test_a_cancelled_page_read_leaves_no_discover_running():
    async def main() -> int:
        reading = asyncio.ensure_future(_discover_all([Slow(), Slow()], None, None))  # type: ignore[arg-type]
        await asyncio.sleep(0)
        reading.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reading
        await asyncio.sleep(0)
        return len(asyncio.all_tasks())

    assert asyncio.run(main()) == 1  # only main itself
