"""benchmarks/throughput.py: the dead-host figure counts what the fetcher sent, not what it remembered;
the polite bare loop keeps the auditor's per-host gap and limit, and nothing else."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import httpx

from auditor.fetch.client import FetchSettings
from auditor.models import RequestRecord

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from throughput import _bare, unreachable  # noqa: E402


def test_unreachable_hosts_count_the_attempts_sent_to_them_and_the_requests_failed_from_memory():
    said = "cannot reach blog.b1.example (the proxy said: 502 Bad Gateway)"
    records = [
        RequestRecord("https://blog.b1.example/robots.txt", None, 0, 0.01, 1, said),
        RequestRecord("https://blog.b1.example/", None, 0, 0.0, 0, said),  # known dead: nothing sent
        RequestRecord("https://blog.b1.example/feed/", None, 0, 0.0, 0, said),
        RequestRecord("https://b2.example/", None, 0, 0.02, 1, "cannot connect to b2.example: refused"),
        RequestRecord("https://b2.example/feed", 404, 0, 0.01, 1, ""),
        RequestRecord("https://b3.example/", None, 0, 5.0, 3, "no answer from https://b3.example/ within 10 s"),
    ]
    assert unreachable(records) == (2, 2, 2)  # b3 timed out: slow is not unreachable


def bare_starts(polite: bool) -> dict[str, list[float]]:
    starts: dict[str, list[float]] = {}

    async def handler(request: httpx.Request) -> httpx.Response:
        starts.setdefault(request.url.host, []).append(time.monotonic())
        return httpx.Response(200, text="ok")

    urls = [f"https://{host}.example/{n}" for n in range(4) for host in ("a", "b")]
    settings = FetchSettings(min_gap=0.05, per_host=2)
    assert asyncio.run(_bare(urls, settings, 8, httpx.MockTransport(handler), polite=polite)) == len(urls)
    return starts


def test_the_polite_bare_loop_starts_requests_to_one_host_a_gap_apart_and_the_plain_one_does_not():
    for polite, spaced in ((True, True), (False, False)):
        for times in bare_starts(polite).values():
            gaps = [b - a for a, b in zip(times, times[1:])]
            assert len(times) == 4
            assert all(gap >= 0.045 for gap in gaps) is spaced, (polite, gaps)
