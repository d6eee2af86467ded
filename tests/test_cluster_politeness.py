"""Politeness across the workers of a cluster: per-host concurrency, the gap and Retry-After hold for all of them.

Brands on a two-worker cluster all read their feeds from one shared, slow host; the proxy's log
of the run passes the checks of benchmarks/politeness.py (concurrency, gap between arrivals),
while two fetchers that do not share a gate, as two workers without it would be, fail them.
A Retry-After told to one worker holds the host back for the other.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import pytest
from conftest import AS_OF
from distributed import Client, LocalCluster

from auditor.batch import read_brands, run_batch
from auditor.cluster import audit_on_cluster
from auditor.cluster.gate import BATCH, GRANT, IDLE, RECALL, ROOM, HostGate
from auditor.fetch.client import FetchSettings
from auditor.fixtures.fixtureweb import FixtureInternet
from auditor.options import AuditOptions
from auditor.plugin import load_registry

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import politeness  # noqa: E402
from _proxy import LAGS, watch_lag  # noqa: E402

POLITE = FetchSettings(per_host=2, min_gap=0.05, retries=0, backoff=0.01, respect_robots=False)
SHARED = "feeds.shared.example"


def shared_feed_brands(root: Path, count: int) -> Path:
    """``count`` brands whose feeds are all on one shared host answering after 0.2 s."""
    lines = ["name,url"]
    for n in range(count):
        site = root / f"s{n:03d}.example"
        site.mkdir(parents=True)
        (site / "index.html").write_text(f'<html><head><link rel="alternate" type="application/rss+xml" '
                                         f'href="https://{SHARED}/s{n:03d}.xml"></head><body>S {n}</body></html>')
        feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>S {n}</title><item>'
                f"<link>https://s{n:03d}.example/p</link><pubDate>Mon, 02 Nov 2026 10:00:00 +0000</pubDate>"
                f"</item></channel></rss>")
        (root / SHARED).mkdir(exist_ok=True)
        (root / SHARED / f"s{n:03d}.xml.http").write_text(
            f"HTTP/1.1 200 OK\nContent-Type: application/rss+xml\nX-Fixture-Delay: 0.2\n\n{feed}")
        lines.append(f"S {n:03d},https://s{n:03d}.example/")
    brands = root.parent / "brands.csv"
    brands.write_text("\n".join(lines) + "\n")
    return brands


@pytest.fixture
def shared_web(tmp_path, monkeypatch):
    brands = shared_feed_brands(tmp_path / "web", 16)
    internet = FixtureInternet(tmp_path / "web").start()
    for key, value in internet.env().items():
        monkeypatch.setenv(key, value)
    LAGS.clear()
    watcher = internet.submit(watch_lag())  # the proxy's late wake-ups, which the gap check allows for
    yield brands, internet
    watcher.cancel()
    internet.stop()


def verdicts(internet: FixtureInternet, root: Path) -> dict[str, bool]:
    shared = [e for e in internet.log if e.host == SHARED]
    checks = politeness.check(shared, root, POLITE, lags=list(LAGS))
    return {check.name.split(" ")[0]: check.passed for check in checks}


def test_the_shared_host_sees_the_limits_of_one_fetcher_from_two_workers(shared_web, tmp_path):
    brands, internet = shared_web
    specs = read_brands(brands)
    options = AuditOptions(as_of=AS_OF, fetch=POLITE)
    got = []

    async def run() -> None:
        async with LocalCluster(n_workers=2, threads_per_worker=6, processes=False, asynchronous=True,
                                dashboard_address=":0", silence_logs=logging.ERROR) as cluster:
            async with Client(cluster, asynchronous=True) as client:
                async for result in audit_on_cluster(specs, options, client=client):
                    got.append(result)
                gate = cluster.scheduler.plugins["auditor-host-gate"]
                assert SHARED in gate.hosts and len(gate.hosts) <= 17
                # both workers ask for the shared host all along: its turn changes hands once per BATCH of its
                # 16 requests (give or take a first turn given back early), not per request (16 grants)
                assert gate.grants[SHARED] <= 16 // BATCH + 2
                assert all(gate.grants[f"s{n:03d}.example"] == 1 for n in range(16))  # a brand's site: one turn
                await asyncio.sleep(3 * IDLE)  # the workers give back the turns they no longer use
                gate.sweep()
                assert gate.hosts == {}  # and the gate forgets idle hosts

    asyncio.run(run())
    assert len(got) == 16 and all(r.audit is not None for r in got)
    assert len([e for e in internet.log if e.host == SHARED]) == 16
    assert verdicts(internet, tmp_path / "web") == {"per-host": True, "gap": True, "every": False}  # no 429 here


def test_two_fetchers_without_the_gate_break_the_same_checks(shared_web, tmp_path):
    """What the gate prevents: two workers' fetchers, each polite on its own, together are not."""
    brands, internet = shared_web
    specs = read_brands(brands)
    half = len(specs) // 2
    options = AuditOptions(as_of=AS_OF, fetch=POLITE, credentials={})

    async def one_worker(part) -> None:
        outcome = await run_batch(part, options, registry=load_registry(), on_result=lambda audit: None,
                                  on_error=lambda spec, error: None, concurrency=6)
        assert outcome.audited == len(part)

    async def run() -> None:
        await asyncio.gather(one_worker(specs[:half]), one_worker(specs[half:]))

    asyncio.run(run())
    found = verdicts(internet, tmp_path / "web")
    assert found["per-host"] is False and found["gap"] is False


def test_retry_after_told_to_one_worker_holds_the_host_back_for_the_other(tmp_path, monkeypatch):
    site = tmp_path / "web" / "busy.example"
    site.mkdir(parents=True)
    (site / "limited.http").write_text("HTTP/1.1 429 Too Many Requests\nRetry-After: 1\n\nslow down\n")
    (site / "ok.txt").write_text("fine\n")
    settings = FetchSettings(per_host=2, min_gap=0.0, retries=0, respect_robots=False)
    with FixtureInternet(tmp_path / "web") as internet:
        for key, value in internet.env().items():
            monkeypatch.setenv(key, value)

        async def run() -> None:
            async with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, asynchronous=True,
                                    dashboard_address=":0", silence_logs=logging.ERROR) as cluster:
                async with Client(cluster, asynchronous=True) as client:
                    from auditor.cluster.gate import HostGate
                    from auditor.cluster.worker import WorkerClients

                    await client.register_plugin(HostGate())
                    await client.register_plugin(WorkerClients())
                    first, second = sorted(cluster.scheduler.workers)
                    assert await client.submit(_get, "https://busy.example/limited", settings,
                                               workers=[first], pure=False) == 429
                    assert await client.submit(_get, "https://busy.example/ok", settings,
                                               workers=[second], pure=False) == 200

        asyncio.run(run())
        limited, ok = internet.log
    assert (limited.target, ok.target) == ("/limited", "/ok")
    assert ok.started - limited.finished >= 0.95  # Retry-After: 1, less the clock's granularity


async def _get(url: str, settings: FetchSettings) -> int | None:
    from auditor.cluster.worker import _tools

    return (await _tools(settings, None).fetcher.get(url)).status


class _Scheduler:
    """What the gate needs of a scheduler: a stream to each worker (here, a list of what it was sent)."""

    def __init__(self, *workers: str) -> None:
        self.stream_comms = {w: None for w in workers}
        self.stream_handlers: dict = {}
        self.sent: list[tuple[str, str, dict]] = []

    def worker_send(self, worker: str, msg: dict) -> None:
        self.sent.append((worker, msg["op"], msg))


def test_a_host_changes_hands_on_request_and_a_dead_holder_gives_it_back():
    async def run() -> None:
        scheduler = _Scheduler("a", "b", "c")
        gate = HostGate()
        await gate.start(scheduler)
        try:
            gate.take("h.example", 0.05, 2, worker="a")
            assert [(w, op) for w, op, _ in scheduler.sent] == [("a", GRANT)]
            gate.take("h.example", 0.05, 2, worker="b")  # b waits; a is asked to give the turn back
            assert [(w, op) for w, op, _ in scheduler.sent[1:]] == [("a", RECALL)]
            gate.release("h.example", under_way=2, worker="a")  # a's two requests are still being answered
            assert len(scheduler.sent) == 2  # so b has no room yet: per-host concurrency is 2
            gate.done("h.example", worker="a")
            worker, op, grant = scheduler.sent[-1]
            assert (worker, op, grant["room"]) == ("b", GRANT, 1)
            assert 0.04 < grant["wait"] <= 0.05  # one gap after a's release arrived
            gate.done("h.example", worker="a")  # a's other request ended: b, holding the turn, may have two
            assert [(w, op, msg["room"]) for w, op, msg in scheduler.sent[-2:]] == [("b", GRANT, 1), ("b", ROOM, 2)]
            gate.take("h.example", 0.05, 2, worker="c")
            gate.remove_worker(scheduler, "b")  # b dies holding the turn: c gets it
            assert scheduler.sent[-1][:2] == ("c", GRANT)
            gate.remove_worker(scheduler, "a")  # and a's request under way no longer counts
            assert gate.hosts["h.example"].under_way == {}
        finally:
            await gate.close()

    asyncio.run(run())
