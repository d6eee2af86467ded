"""A long batch gives the C heap's free pages back as it goes, so its memory stays flat."""

from __future__ import annotations

import asyncio
import platform

import httpx

from auditor import AuditOptions, Brand, heap
from auditor.batch import BrandSpec, audit_many
from auditor.fetch.client import Fetcher, FetchSettings
from auditor.plugin import load_registry
from conftest import AS_OF

FAST = FetchSettings(min_gap=0.0, retries=0, respect_robots=False, total_timeout=1.0)


def audit_brands(count: int) -> int:
    def homepage(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, html="<html><title>home</title></html>") if request.url.path == "/" else \
            httpx.Response(404)

    async def main() -> int:
        import auditor.plugins.web as web
        from auditor.judge import rules

        specs = [BrandSpec(Brand(name=f"b{n}", homepages=(f"https://b{n}.example/",))) for n in range(count)]
        async with httpx.AsyncClient(transport=httpx.MockTransport(homepage)) as client:
            results = [r async for r in audit_many(specs, AuditOptions(as_of=AS_OF, fetch=FAST, credentials={}),
                                                   fetcher=Fetcher(client, FAST), registry=load_registry([web, rules]),
                                                   concurrency=2)]
        return sum(1 for r in results if r.audit is not None)

    return asyncio.run(main())


def test_a_batch_trims_the_heap_after_every_so_many_brands(monkeypatch):
    trims: list[int] = []
    monkeypatch.setattr(heap, "RELEASE_EVERY", 2)
    monkeypatch.setattr(heap, "release_free_memory", lambda: trims.append(1) or True)
    assert audit_brands(5) == 5
    assert len(trims) == 2  # after the second and the fourth brand; the fifth starts no new round


def test_on_glibc_the_heap_is_trimmed_and_elsewhere_nothing_is_asked(monkeypatch):
    heap._malloc_trim.cache_clear()
    on_glibc = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"
    assert heap.release_free_memory() is on_glibc
    heap._malloc_trim.cache_clear()
    monkeypatch.setattr(platform, "libc_ver", lambda *args, **kwargs: ("musl", "1.2"))
    assert heap.release_free_memory() is False
    heap._malloc_trim.cache_clear()
