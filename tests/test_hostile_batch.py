"""No brand lost: one brand's crash or hang, or a channel that never finishes, costs that brand or that
channel only; and however many items a site lists, a channel keeps a bounded number."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

import importlib
from auditor import Activity, AuditOptions, Brand, Channel, Interaction, Item, Status
from auditor.batch import BrandSpec, audit_many, run_batch
from auditor.collect.bounded import MAX_INTERACTIONS, MAX_ITEMS, bounded
from auditor.fetch.client import Fetcher, FetchSettings
from auditor.plugin import Platform, hookimpl, load_registry
from conftest import AS_OF

collect_stage = importlib.import_module("auditor.collect")  # the package; auditor.collect is also the function

FAST = FetchSettings(min_gap=0.0, retries=0, backoff=0.01, respect_robots=False, total_timeout=0.05)


class Trouble(Platform):
    """Channels on trouble.example: /hang never finishes, /crash raises, anything else is fine."""

    name = "trouble"
    kind = "social"
    priority = 10

    def recognise(self, url):
        return Channel(platform=self.name, url=url, kind=self.kind) if "trouble.example" in url else None

    async def collect(self, channel, context) -> Activity:
        if channel.url.endswith("/hang"):
            await asyncio.Event().wait()
        if channel.url.endswith("/crash"):
            raise RuntimeError("boom")
        return Activity(channel_url=channel.url, status=Status.OK, last_activity=AS_OF)


class TroublePlugin:
    @hookimpl
    def auditor_register_platforms(self, registry):
        registry.add_platform(Trouble())


def registry():
    import auditor.plugins.web as web

    from auditor.judge import rules
    return load_registry([web, rules, TroublePlugin()])


def quiet_web(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, html="<html><title>home</title></html>") if request.url.path == "/" else \
        httpx.Response(404)


def spec(name: str, *channels: str) -> BrandSpec:
    return BrandSpec(Brand(name=name, homepages=(f"https://{name}.example/",), channels=channels))


@pytest.fixture
def short_deadlines(monkeypatch):
    monkeypatch.setattr(collect_stage, "CHANNEL_TIMEOUT_FLOOR", 0.3)


def run_many(specs):
    async def main():
        async with httpx.AsyncClient(transport=httpx.MockTransport(quiet_web)) as client:
            fetcher = Fetcher(client, FAST)
            return [r async for r in audit_many(specs, AuditOptions(as_of=AS_OF, fetch=FAST, credentials={}),
                                                fetcher=fetcher, registry=registry(), concurrency=2)]

    return asyncio.run(main())


def test_a_channel_that_never_finishes_is_that_channels_error(short_deadlines):
    (result,) = run_many([spec("one", "https://trouble.example/hang", "https://trouble.example/fine")])
    statuses = {a.channel_url: (a.status, a.reason) for a in result.audit.activities}
    assert statuses["https://trouble.example/hang"] == (Status.ERROR, "the trouble plugin did not finish within 0.5 s")
    assert statuses["https://trouble.example/fine"][0] is Status.OK


def test_a_brand_that_hangs_or_crashes_loses_only_itself(short_deadlines, monkeypatch):
    async def stuck(*args, **kwargs):
        await asyncio.Event().wait()

    real = collect_stage.collect_async

    async def sometimes_stuck(discovery, **kwargs):
        if discovery.brand.name == "stuck":
            await stuck()
        if discovery.brand.name == "broken":
            raise RuntimeError("the brand's own crash")
        return await real(discovery, **kwargs)

    audit_module = importlib.import_module("auditor.audit")
    monkeypatch.setattr(audit_module, "collect_async", sometimes_stuck)
    results = run_many([spec(n, "https://trouble.example/fine") for n in ("a", "stuck", "b", "broken", "c")])
    by_name = {r.spec.brand.name: r for r in results}
    assert sorted(by_name) == ["a", "b", "broken", "c", "stuck"]
    assert all(by_name[n].audit is not None for n in "abc")
    assert isinstance(by_name["stuck"].error, TimeoutError) and "did not finish" in str(by_name["stuck"].error)
    assert str(by_name["broken"].error) == "the brand's own crash"


def test_a_brand_whose_report_fails_is_counted_failed_and_the_rest_are_written(monkeypatch):
    import auditor.batch as batch

    def client(settings, **options):
        return httpx.AsyncClient(transport=httpx.MockTransport(quiet_web))

    monkeypatch.setattr(batch, "make_client", client)
    written, failed = [], []

    def on_result(audit):
        if audit.brand.name == "b":
            raise ValueError("the sink could not write b")
        written.append(audit.brand.name)

    outcome = asyncio.run(run_batch([spec(n) for n in "abc"], AuditOptions(as_of=AS_OF, fetch=FAST, credentials={}),
                                    registry=registry(), on_result=on_result,
                                    on_error=lambda s, e: failed.append((s.brand.name, str(e))), concurrency=1))
    assert sorted(written) == ["a", "c"] and failed == [("b", "the sink could not write b")]
    assert (outcome.audited, outcome.failed, int(outcome.status)) == (2, 1, 3)


# -- bounded items and interactions --------------------------------------------------------------
def test_a_channel_keeps_the_newest_items_and_interactions_and_says_how_many_there_were():
    items = tuple(Item(url=f"https://a.example/{n}", published=AS_OF - timedelta(hours=n)) for n in range(5000))
    undated = (Item(url="https://a.example/undated"),)
    talk = tuple(Interaction(url=f"https://a.example/c{n}", author="x", at=AS_OF - timedelta(minutes=n))
                 for n in range(9000))
    activity = Activity(channel_url="https://a.example/", status=Status.OK, last_activity=AS_OF,
                        items=undated + items[::-1], interactions=talk[::-1])
    kept = bounded(activity)
    assert len(kept.items) == MAX_ITEMS and len(kept.interactions) == MAX_INTERACTIONS
    assert [i.url for i in kept.items[:2]] == ["https://a.example/0", "https://a.example/1"]
    assert kept.interactions[-1].url == f"https://a.example/c{MAX_INTERACTIONS - 1}"
    assert {(e.field, e.value) for e in kept.evidence} == {
        ("items kept", f"the {MAX_ITEMS:,} newest of 5,001"),
        ("interactions kept", f"the {MAX_INTERACTIONS:,} newest of 9,000")}
    assert kept.last_activity == AS_OF
    small = Activity(channel_url="https://a.example/", status=Status.OK, items=items[:10])
    assert bounded(small) is small
