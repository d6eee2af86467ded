"""Benchmark: the same generated brands as a plain local batch and on 1, 2 and 4 local Dask workers.

    python benchmarks/cluster.py [--brands 1000] [--concurrency 32] [--workers 1 2 4] [--keep DIR]

Generates the brands (benchmarks/generate.py, the full mix), starts the fixture proxy in its own
process (benchmarks/_proxy.py), warms it (one request per host, so every phase finds its
certificates made), then audits every brand once per phase, with default ``FetchSettings``:

1. **plain**: ``auditor.batch.run_batch`` in this process, ``--concurrency`` brands at a time
   (``auditor audit --brands``);
2. **local:N** for each ``--workers`` N: a ``LocalCluster`` of N worker processes (started before
   the clock starts; its start-up is printed apart), ``--concurrency`` brands at a time on each
   worker, through :func:`auditor.cluster.audit_on_cluster` with the scheduler's host gate
   (``auditor audit --brands --cluster local:N``).

Prints each phase's wall time and brands/s, the speed-up against the plain batch and against
local:1 measured in the same run, the gate's round trips per request, and the politeness checks
(benchmarks/politeness.py) on the proxy's log of every phase (the plain batch's shows how often
the proxy's own log is off on this machine in the same run).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ProxyProcess  # noqa: E402
from generate import AS_OF, generate  # noqa: E402
from throughput import _bare  # noqa: E402

import politeness  # noqa: E402

from auditor.batch import read_brands, run_batch  # noqa: E402
from auditor.cluster import audit_on_cluster  # noqa: E402
from auditor.fetch.client import FetchSettings  # noqa: E402
from auditor.options import AuditOptions  # noqa: E402
from auditor.plugin import load_registry  # noqa: E402


async def _plain(specs, options: AuditOptions, concurrency: int) -> tuple[int, int]:
    done: list[object] = []
    outcome = await run_batch(specs, options, registry=load_registry(), on_result=done.append,
                              on_error=lambda spec, error: None, concurrency=concurrency)
    return outcome.audited, outcome.failed


def _cpu_seconds(proxy_pid: int) -> dict[str, float]:
    """CPU seconds used so far, by role: this process (the batch, or the scheduler and its client), the proxy,
    and every other process this one started (the Dask nannies and workers)."""
    import psutil

    def used(process: psutil.Process) -> float:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            return 0.0
        return times.user + times.system

    me = psutil.Process()
    others = sum(used(child) for child in me.children(recursive=True) if child.pid != proxy_pid)
    return {"this process": used(me), "proxy": used(psutil.Process(proxy_pid)), "workers": others}


def _spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {role: after[role] - before[role] for role in before}


async def _on_cluster(specs, options: AuditOptions, workers: int, concurrency: int,
                      proxy_pid: int) -> tuple[float, float, int, int, int, dict[str, float]]:
    """(start-up seconds, batch seconds, audited, failed, gate round trips, CPU seconds by role) on a new
    LocalCluster. The workers' CPU is read before the cluster closes, while they still run."""
    from distributed import Client, LocalCluster

    started = time.monotonic()
    async with LocalCluster(n_workers=workers, threads_per_worker=concurrency, processes=True, asynchronous=True,
                            dashboard_address=":0", silence_logs=logging.ERROR) as cluster:
        async with Client(cluster, asynchronous=True) as client:
            await client.wait_for_workers(workers)
            ready = time.monotonic()
            before = _cpu_seconds(proxy_pid)
            audited = failed = 0
            async for result in audit_on_cluster(specs, options, client=client):
                audited += result.audit is not None
                failed += result.audit is None
            finished = time.monotonic()
            cpu = _spent(before, _cpu_seconds(proxy_pid))
            calls = cluster.scheduler.plugins["auditor-host-gate"].calls
    return ready - started, finished - ready, audited, failed, calls, cpu


def _politeness(name: str, proxy: ProxyProcess, log: Path, start: float, end: float, root: Path,
                settings: FetchSettings, figures: dict[str, float]) -> int:
    """Print the politeness checks on the proxy's log between ``start`` and ``end``; the requests it holds."""
    entries = [e for e in proxy.dump(log) if start <= e.started <= end]
    checks = politeness.check(entries, root, settings, lags=politeness.read_lags(log))
    figures[f"politeness {name}"] = float(all(c.passed for c in checks))
    busiest, most = Counter(e.host for e in entries).most_common(1)[0]
    print(f"politeness, {name} (busiest host {busiest}: {most} requests, so >= "
          f"{(most - 1) * settings.min_gap:.1f} s of gaps):")
    for item in checks:
        print(item.line())
    return len(entries)


def run(count: int, concurrency: int, workers: list[int], work: Path, min_gap: float | None = None) -> dict[str, float]:
    brands = generate(count, work)
    root = work / "web"
    specs = read_brands(brands)
    settings = FetchSettings() if min_gap is None else FetchSettings(min_gap=min_gap)
    options = AuditOptions(as_of=AS_OF, fetch=settings)
    hosts = sorted(p.name for p in root.iterdir() if p.is_dir())
    print(f"cluster: {count} brands (generate.py, full mix), {concurrency} brands at a time per process; "
          f"{len(hosts)} hosts; {os.cpu_count()} CPUs shared by the proxy, the scheduler and the workers")
    rows: list[tuple[str, float, int, int, str]] = []
    figures: dict[str, float] = {}
    with ProxyProcess(root, work / "proxy-final.jsonl") as proxy:
        asyncio.run(_bare([f"https://{h}/" for h in hosts], settings, 32))  # warm: certificates made
        start, before = time.monotonic(), _cpu_seconds(proxy.pid)
        audited, failed = asyncio.run(_plain(specs, options, concurrency))
        figures["plain"] = time.monotonic() - start
        cpus = {"plain batch": _spent(before, _cpu_seconds(proxy.pid))}
        rows.append(("plain batch", figures["plain"], audited, failed, ""))
        _politeness("plain batch", proxy, work / "proxy-plain.jsonl", start, time.monotonic(), root, settings, figures)
        for n in workers:
            boot, wall, audited, failed, calls, cpu = asyncio.run(_on_cluster(specs, options, n, concurrency,
                                                                              proxy.pid))
            end = time.monotonic()
            figures[f"local:{n}"] = wall
            cpus[f"local:{n}"] = cpu
            requests = _politeness(f"local:{n}", proxy, work / f"proxy-local{n}.jsonl", end - wall, end, root,
                                   settings, figures)
            rows.append((f"local:{n}", wall, audited, failed,
                         f"start-up {boot:.1f} s; {requests} requests, {calls / max(1, requests):.2f} "
                         "gate messages each"))
    print(f"{'phase':<12} {'wall':>8} {'brands/s':>9} {'vs plain':>9} {'vs local:1':>11}")
    one = figures.get("local:1")
    for name, wall, audited, failed, note in rows:
        against_one = f"{one / wall:10.2f}x" if one else "          -"
        print(f"{name:<12} {wall:7.1f}s {audited / wall:9.1f} {figures['plain'] / wall:8.2f}x {against_one}  "
              f"{audited} audited, {failed} failed  {note}")
    _cpu_report(rows, cpus, os.cpu_count() or 1)
    return figures


def _cpu_report(rows: list[tuple[str, float, int, int, str]], cpus: dict[str, dict[str, float]], cores: int) -> None:
    """Where each phase's CPU went, and the most brands/s this machine's cores allow at that CPU per brand.

    A phase needs its CPU seconds per brand (workers, proxy and scheduler together) whatever the
    number of workers, so ``cores`` divided by it bounds brands/s: on two cores shared with the proxy
    and the scheduler, two workers cannot reach twice one worker's rate."""
    print(f"CPU by role (seconds; 'this process' is the batch itself in the plain phase, the scheduler and its "
          f"client on a cluster), {cores} cores:")
    one = next((wall for name, wall, *_ in rows if name == "local:1"), None)
    for name, wall, audited, _failed, _note in rows:
        cpu = cpus[name]
        total = sum(cpu.values())
        shares = "  ".join(f"{role} {spent:6.1f} s ({spent / total:4.0%})" for role, spent in cpu.items())
        ceiling = cores * audited / total  # brands/s if every core were busy at this CPU per brand
        against_one = f" = {ceiling * one / audited:.2f}x local:1" if one else ""
        print(f"  {name:<12} {shares}  cores busy {total / wall:.2f}; ceiling {ceiling:.1f} brands/s{against_one}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--brands", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32, help="brands audited at a time per process")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--keep", type=Path, help="write the tree and the proxy logs here (kept)")
    parser.add_argument("--min-gap", type=float, help="a diagnostic: this per-host gap instead of the default "
                        "(0 shows what the gap's turns through the scheduler cost)")
    args = parser.parse_args(argv)
    if args.keep:
        run(args.brands, args.concurrency, args.workers, args.keep, args.min_gap)
        return
    with tempfile.TemporaryDirectory(prefix="auditor-bench-") as work:
        run(args.brands, args.concurrency, args.workers, Path(work), args.min_gap)


if __name__ == "__main__":
    main()
