"""Benchmark: the audit's own CPU per fetch, with no network at all.

    python benchmarks/audit_cpu.py [--brands 300] [--rounds 5] [--concurrency 32] [--keep DIR]

The generated brands (benchmarks/generate.py) are answered from memory: an
``httpx.MockTransport`` reads each URL's answer from the tree as the fixture proxy would
(``auditor.fixtures.fixtureweb.resolve``) and keeps it, so after the first round no file is read.
Without sockets, TLS and a second process, what is left is the audit's own work (discovery,
collection, parsing, judging, the fetcher's bookkeeping) on top of httpx's client layer, which
a bare loop of ``client.get`` over the same URLs and the same transport measures alone. The
per-host gap is 0 (there is no host to spare), so nothing waits but the event loop's turns.

Printed, for ``--rounds`` rounds of each, one after the other: the least CPU per fetch of the
audit and of the bare loop and their difference (the audit's own cost per fetch), and, from one
more run of each under cProfile, Python function calls per fetch: a count, so it does not move
with the machine's load, and a change that removes work shows in it even when the timings are
too noisy to tell.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402
from throughput import _audit, _bare  # noqa: E402

from auditor.fetch.client import FetchSettings  # noqa: E402
from auditor.fixtures.fixtureweb import FixtureResponse, resolve  # noqa: E402
from auditor.plugin import load_registry  # noqa: E402


def memory_transport(root: Path) -> httpx.MockTransport:
    """Answers from the generated tree, each read once; a host with no folder does not resolve."""
    answers: dict[tuple[str, str], FixtureResponse | None] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        key = (request.url.host, request.url.raw_path.decode("ascii"))
        if key not in answers:
            answers[key] = resolve(root, *key)
        answer = answers[key]
        if answer is None:
            raise httpx.ConnectError("name does not resolve", request=request)
        headers = [(name, value) for name, value in answer.headers if name.lower() != "content-length"]
        return httpx.Response(answer.status, headers=headers, content=b"".join(answer.body_chunks()))

    return httpx.MockTransport(handler)


def cpu_of(run: Callable[[], Coroutine[Any, Any, Any]]) -> float:
    started = time.process_time()
    asyncio.run(run())
    return time.process_time() - started


def calls_of(run: Callable[[], Coroutine[Any, Any, Any]]) -> int:
    profiler = cProfile.Profile()
    profiler.runcall(lambda: asyncio.run(run()))
    return sum(calls for _, calls, _, _, _ in pstats.Stats(profiler).stats.values())  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--brands", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5, help="timed runs of each, one after the other")
    parser.add_argument("--concurrency", type=int, default=32, help="brands audited at a time")
    parser.add_argument("--keep", type=Path, help="write the generated tree here (kept)")
    args = parser.parse_args(argv)
    kept = contextlib.nullcontext(str(args.keep)) if args.keep else None
    with kept or tempfile.TemporaryDirectory(prefix="auditor-cpu-") as work:
        brands = generate(args.brands, Path(work))
        transport = memory_transport(Path(work) / "web")
        settings = replace(FetchSettings(), min_gap=0.0)
        registry = load_registry()

        def audited() -> Coroutine[Any, Any, Any]:
            return _audit(brands, settings, args.concurrency, registry, transport)

        fetcher, _ = asyncio.run(audited())  # warm: every answer read, every module imported
        urls = [record.url for record in fetcher.records]
        width = 16

        def replayed() -> Coroutine[Any, Any, int]:
            return _bare(urls, settings, width, transport)

        audits, bares = [], []
        for _ in range(max(1, args.rounds)):
            audits.append(cpu_of(audited))
            bares.append(cpu_of(replayed))
        fetches = len(urls)
        own, plain = min(audits) / fetches * 1e6, min(bares) / fetches * 1e6
        print(f"audit_cpu: {args.brands} brands, {fetches} fetches, answered from memory; "
              f"least of {len(audits)} rounds each")
        print(f"  audit       {own:7.0f} us CPU/fetch  (rounds: {', '.join(f'{c:.2f}' for c in audits)} s)")
        print(f"  bare httpx  {plain:7.0f} us CPU/fetch  ({width} at once; rounds: "
              f"{', '.join(f'{c:.2f}' for c in bares)} s)")
        print(f"  the audit's own work: {own - plain:.0f} us CPU/fetch ({own / plain:.2f}x the bare loop)")
        audit_calls, bare_calls = calls_of(audited) / fetches, calls_of(replayed) / fetches
        print(f"  function calls per fetch: audit {audit_calls:.0f}, bare {bare_calls:.0f}, "
              f"the audit's own {audit_calls - bare_calls:.0f}")


if __name__ == "__main__":
    main()
