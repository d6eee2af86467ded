"""Benchmark: a batch audit through the fixture internet, against a bare httpx loop over the same URLs.

    python benchmarks/throughput.py [--brands 1000] [--concurrency 32] [--mix full|real] [--http2 | --no-http2]
                                    [--rounds 3] [--keep DIR] [--profile FILE]

Generates the brands (benchmarks/generate.py), starts the fixture proxy in its own process
(benchmarks/_proxy.py, so this process's CPU is the client's alone), warms the proxy (one
request per host, so both timed phases find its certificates made), then in one run:

1. **audit**: ``auditor.batch.audit_many`` over every brand, ``--concurrency`` brands at a
   time, through one ``Fetcher(client, FetchSettings(), keep_records=True)``;
2. **audit, min_gap=0**: the same with no gap between requests to one host (a diagnostic:
   what the politeness gap costs; per-host limits, robots.txt and Retry-After still apply);
3. **bare**: an ``httpx.AsyncClient`` configured as the auditor's (``make_client``) GETting
   exactly the URLs the audit fetched (its request log), once each, no retries, with as
   many requests in flight as the proxy saw the audit have at its peak (the matched concurrency
   the targets are about), then twice and four times as many: the bare loop at its own best,
   whose fastest run is printed against the audit too;
4. **polite bare**: the same loop at the matched concurrency keeping the auditor's manners and
   nothing more: requests to one host start ``min_gap`` apart, at most ``per_host`` at once. The
   audit must keep those (the politeness checks below fail if it does not), so this is the
   baseline the wall-time target is measured against; the plain bare loop's ratio is printed too.

The one-off start-up (plugins imported and registered, the suffix list read) is done before
the timed phases, and its CPU printed apart: it is paid once per process, not per request.
``--rounds N`` (default 3) runs phases 1, 3 (matched) and 4 again, one after the other, N times
in all; on a busy machine one pair can be 1.3x apart either way, so the audit/bare ratios are of
each side's least wall and least CPU per request over the rounds (the CPU ratio also round by round, and their
median: a round that one side lost to the machine's load moves the median least).

``--mix real`` gives every homepage the markup of a real page (``generate.real_pages``: the
page-dates dataset, ``../shared/datasets/page-dates-dev/pages``, when present, else the bundled
fixture pages), made inert so the requests are those of the full mix, but parsing costs what a
real homepage costs; its proxy also offers HTTP/2 (``--no-http2``: HTTP/1.1 only; ``--http2``
offers it on the full mix too), which the audit's and the bare loop's clients both take.

``--collector batch`` (the default) runs every phase, the bare loops too, with the garbage collector
as ``auditor audit`` runs its batch (``auditor.collector.tuned_for_batch``: start-up frozen, the
youngest generation looked at less often); ``--collector default`` keeps Python's settings.

``--profile FILE`` runs phase 1 under cProfile on the process-time clock, writes the stats to FILE
(``python -m pstats FILE``) and prints the auditor's and the plugins' functions that cost most, in
milliseconds of CPU per brand; the profiler slows the audit, so that run's ratios are not the audit's.

For each: wall time, requests answered by the proxy and per second, client CPU seconds
(``time.process_time``) per request, and TLS handshakes per request (the client's TLS sessions
begun, counted at ``ssl.SSLContext.wrap_bio``, which every connection httpx opens goes through:
a request on a reused connection costs none); then audit/bare ratios (the busiest host's requests
times the gap, which no polite client can beat, is printed too); the hosts the audit could not
reach (the generated "Blog" links to hosts that do not exist), the attempts sent to them and the
requests the fetcher failed at once, knowing the host dead; and the politeness checks (benchmarks/politeness.py) on the proxy's log of phase 1, with
the per-host gap also as the client kept it (:class:`SendClock`: when each request's headers
left), which no lateness of the proxy in reading a request can blur.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import pstats
import ssl
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import LogEntry, ProxyProcess, peak_in_flight  # noqa: E402
from generate import AS_OF, generate, real_pages  # noqa: E402

import politeness  # noqa: E402

from auditor.audit import AuditOptions  # noqa: E402
from auditor.batch import audit_many, read_brands  # noqa: E402
from auditor.collector import tuned_for_batch  # noqa: E402
from auditor.fetch import client as fetch_client  # noqa: E402
from auditor.fetch.client import Fetcher, FetchSettings, make_client  # noqa: E402
from auditor.models import RequestRecord  # noqa: E402
from auditor.plugin import Registry, load_registry  # noqa: E402
from auditor.urls import host_of, registered_domain  # noqa: E402


@dataclass(frozen=True)
class Phase:
    name: str
    wall: float
    cpu: float
    requests: int  # answered (or abandoned) by the proxy during the phase
    fetches: int  # client-side calls (Fetcher.get, or bare GETs)
    handshakes: int = 0  # TLS sessions the client began

    def line(self) -> str:
        return (f"  {self.name:<22} {self.wall:7.2f} s wall  {self.requests:6d} requests  "
                f"{self.requests / self.wall:7.1f} req/s  {self.cpu:6.2f} s CPU  "
                f"{self.cpu / self.requests * 1000:6.3f} ms CPU/request  "
                f"{self.handshakes / self.requests:5.2f} handshakes/request")


class HandshakeCounter:
    """Counts the TLS sessions this process begins while it is entered (``ssl.SSLContext.wrap_bio``)."""

    def __init__(self) -> None:
        self.count = 0
        self._original = ssl.SSLContext.wrap_bio

    def __enter__(self) -> "HandshakeCounter":
        original = self._original

        def counted(context: ssl.SSLContext, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.count += 1
            return original(context, *args, **kwargs)

        ssl.SSLContext.wrap_bio = counted  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        ssl.SSLContext.wrap_bio = self._original  # type: ignore[method-assign]


class SendClock:
    """While entered, notes when each request's headers left this process for its host (the moment the
    fetcher's per-host pacing releases the host, ``auditor.fetch.client._Departure.leave``): the
    gap as the client kept it, before any lateness of the proxy in reading it."""

    def __init__(self) -> None:
        self.sends: list[tuple[object, float]] = []  # (the host's pacing slot, when)
        self._original = fetch_client._Departure.leave

    def __enter__(self) -> "SendClock":
        original, sends = self._original, self.sends

        def noted(departure) -> None:  # type: ignore[no-untyped-def]
            if departure.holding:
                sends.append((departure.slot, time.monotonic()))
            original(departure)

        fetch_client._Departure.leave = noted  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        fetch_client._Departure.leave = self._original  # type: ignore[method-assign]

    def smallest_gap(self, fetcher: Fetcher) -> tuple[float, str]:
        """The closest two sends to one host were, and that host."""
        names = {id(slot): host for host, slot in fetcher._slots.items()}
        by_slot: dict[int, list[float]] = {}
        for slot, when in self.sends:
            by_slot.setdefault(id(slot), []).append(when)
        gaps = [(b - a, names.get(key, "?")) for key, times in by_slot.items()
                for a, b in zip(sorted(times), sorted(times)[1:])]
        return min(gaps, default=(float("inf"), ""))


def busiest_host(entries: list[LogEntry]) -> tuple[str, int]:
    """The host the proxy saw most requests for, and how many."""
    counts = Counter(entry.host for entry in entries)
    return counts.most_common(1)[0] if counts else ("", 0)


def unreachable(records: list[RequestRecord]) -> tuple[int, int, int]:
    """(hosts the audit could not reach, attempts sent to them, requests to them failed at once
    because the fetcher already knew the host dead)."""
    sent: dict[str, int] = {}
    remembered = 0
    for record in records:
        if record.status is None and record.error.startswith(("cannot reach ", "cannot connect to ")):
            host = host_of(record.url)
            sent[host] = sent.get(host, 0) + record.attempts
            remembered += record.attempts == 0
    return len(sent), sum(sent.values()), remembered


def _between(entries: list[LogEntry], start: float, end: float) -> list[LogEntry]:
    return [e for e in entries if start <= e.started <= end]


async def _audit(brands: Path, settings: FetchSettings, concurrency: int, registry: Registry,
                 transport: httpx.AsyncBaseTransport | None = None) -> tuple[Fetcher, int]:
    """The batch audit (on ``transport`` when given, else through the proxy); the fetcher and the brands audited."""
    specs = read_brands(brands)
    failures: list[str] = []
    count = 0
    async with make_client(settings, transport=transport) as client:
        fetcher = Fetcher(client, settings, keep_records=True)
        async for result in audit_many(specs, AuditOptions(as_of=AS_OF, fetch=settings, credentials={}),
                                       fetcher=fetcher, registry=registry, concurrency=concurrency):
            if result.error is not None:
                failures.append(str(result.error))
            else:
                count += 1
    if failures:
        print(f"  {len(failures)} brands failed, e.g. {failures[0]}")
    return fetcher, count


async def _bare(urls: list[str], settings: FetchSettings, concurrency: int,
                transport: httpx.AsyncBaseTransport | None = None, *, polite: bool = False) -> int:
    """``client.get`` over ``urls``, ``concurrency`` at a time, on the auditor's client; the answers read.

    ``polite``: the least a client keeping the auditor's manners does on top: requests to one host
    start ``settings.min_gap`` apart, at most ``settings.per_host`` at once (no robots.txt, no retries)."""
    queue = iter(urls)
    ok = 0
    booked: dict[str, float] = {}  # host -> the time booked for its next request to start
    limits: dict[str, asyncio.Semaphore] = {}

    async def take_turn(url: str) -> asyncio.Semaphore:
        host = host_of(url)
        limit = limits.get(host) or limits.setdefault(host, asyncio.Semaphore(settings.per_host))
        await limit.acquire()
        now = time.monotonic()
        start = max(now, booked.get(host, now))
        booked[host] = start + settings.min_gap
        if start > now:
            await asyncio.sleep(start - now)
        return limit

    async def worker(client: object) -> None:
        nonlocal ok
        for url in queue:
            limit = await take_turn(url) if polite else None
            try:
                response = await client.get(url)  # type: ignore[attr-defined]
                await response.aread()
                ok += 1
            except Exception:  # noqa: BLE001 - a dead host costs its attempt, like the audit's
                pass
            finally:
                if limit is not None:
                    limit.release()

    async with make_client(settings, transport=transport) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return ok


def _timed(name: str, proxy: ProxyProcess, log: Path, run, fetches: int | None = None,  # type: ignore[no-untyped-def]
           profile: Path | None = None):
    profiler = cProfile.Profile(time.process_time) if profile is not None else None
    with HandshakeCounter() as handshakes:
        wall0, cpu0 = time.monotonic(), time.process_time()
        result = asyncio.run(run()) if profiler is None else profiler.runcall(lambda: asyncio.run(run()))
        wall1, cpu1 = time.monotonic(), time.process_time()
    entries = _between(proxy.dump(log), wall0, wall1)
    phase = Phase(name, wall1 - wall0, cpu1 - cpu0, len(entries), fetches or 0, handshakes.count)
    if profiler is not None and profile is not None:
        profiler.dump_stats(profile)
    return phase, entries, result


def print_profile(path: Path, brands: int, top: int = 25) -> None:
    """The auditor's and plugins' functions with the most CPU (their callees included), per brand."""
    stats = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]
    here = str(Path(__file__).resolve().parents[1])
    rows = sorted(((cumulative, calls, f"{file.removeprefix(here + '/')}:{line} {function}")
                   for (file, line, function), (_, calls, _, cumulative, _) in stats.items()
                   if file.startswith((here + "/auditor/", here + "/plugins/"))), reverse=True)
    print(f"profile of the audit phase ({path}; ms of CPU per brand, callees included; calls per brand):")
    for cumulative, calls, name in rows[:top]:
        print(f"  {cumulative / brands * 1000:8.2f} ms  {calls / brands:6.2f}  {name}")


def run(brands_count: int, concurrency: int, work: Path, *, nogap: bool = True, mix: str = "full",
        profile: Path | None = None, http2: bool | None = None, rounds: int = 3,
        collector: str = "batch") -> dict[str, float]:
    http2 = mix == "real" if http2 is None else http2
    generated = time.monotonic()
    source, pages = real_pages() if mix == "real" else ("", [])
    brands = generate(brands_count, work, pages=pages or None)
    root = work / "web"
    print(f"throughput: {brands_count} brands generated in {time.monotonic() - generated:.1f} s; "
          f"{concurrency} brands audited at a time; the proxy offers {'HTTP/2 and HTTP/1.1' if http2 else 'HTTP/1.1'}")
    if pages:
        sizes = sorted((root / f"b{i:05d}.example" / "index.html").stat().st_size for i in range(brands_count))
        print(f"  mix real: each homepage carries one of {len(pages)} pages from {source} "
              f"(homepage median {sizes[len(sizes) // 2] / 1024:.0f} KB)")
    settings = FetchSettings()
    hosts = sorted(p.name for p in root.iterdir() if p.is_dir())
    cpu0 = time.process_time()
    registry = load_registry()
    registered_domain(hosts[0])  # the suffix list is read on first use
    print(f"  one-off start-up (plugins imported and registered, suffix list read): "
          f"{time.process_time() - cpu0:.2f} s CPU, before the timed phases")
    tuned = tuned_for_batch() if collector == "batch" else contextlib.nullcontext()
    print("  garbage collector: " + ("tuned as `auditor audit` runs its batch (auditor.collector), in every phase"
                                     if collector == "batch" else "Python's defaults"))
    with tuned, ProxyProcess(root, work / "proxy-final.jsonl", http2=http2) as proxy:
        asyncio.run(_bare([f"https://{h}/" for h in hosts], settings, 32))  # warm: certificates made
        with SendClock() as clock:
            audit_phase, audit_log, (fetcher, audited) = _timed(
                "audit", proxy, work / "proxy-audit.jsonl", lambda: _audit(brands, settings, concurrency, registry),
                profile=profile)
        urls = [record.url for record in fetcher.records]
        peak = peak_in_flight(audit_log)
        phases = [audit_phase]
        if nogap:
            nogap_phase, _, _ = _timed("audit, min_gap=0", proxy, work / "proxy-nogap.jsonl",
                                       lambda: _audit(brands, replace(settings, min_gap=0.0), concurrency, registry))
            phases.append(nogap_phase)
        bare_phase, _, _ = _timed(f"bare httpx ({peak} at once)", proxy, work / "proxy-bare.jsonl",
                                  lambda: _bare(urls, settings, peak))
        phases.append(bare_phase)
        polite_phase, _, _ = _timed(f"polite bare ({peak} at once)", proxy, work / "proxy-polite.jsonl",
                                    lambda: _bare(urls, settings, peak, polite=True))
        phases.append(polite_phase)
        # The bare loop at its own best too: more at once than the audit ever had in flight.
        own = []
        for width in (2 * peak, 4 * peak):
            phase, _, _ = _timed(f"bare httpx ({width} at once)", proxy, work / f"proxy-bare{width}.jsonl",
                                 lambda width=width: _bare(urls, settings, width))  # type: ignore[misc]
            own.append(phase)
        phases += own
        best_bare = min([bare_phase, *own], key=lambda phase: phase.wall)
        # More rounds of the audit and the matched loops, one after the other: on a busy machine one
        # pair can be 1.3x apart either way, so the ratios below are of each side's least CPU and wall.
        pairs = [(audit_phase, bare_phase, polite_phase)]
        for number in range(2, rounds + 1):
            again, _, _ = _timed(f"audit (round {number})", proxy, work / f"proxy-audit{number}.jsonl",
                                 lambda: _audit(brands, settings, concurrency, registry))
            bare_again, _, _ = _timed(f"bare httpx ({peak} at once, round {number})", proxy,
                                      work / f"proxy-bare-round{number}.jsonl", lambda: _bare(urls, settings, peak))
            polite_again, _, _ = _timed(f"polite bare ({peak} at once, round {number})", proxy,
                                        work / f"proxy-polite-round{number}.jsonl",
                                        lambda: _bare(urls, settings, peak, polite=True))
            pairs.append((again, bare_again, polite_again))
            phases += [again, bare_again, polite_again]
    print(f"  {audited} brands audited; {len(urls)} fetches by the audit ({sum(r.attempts for r in fetcher.records)} "
          f"attempts, robots.txt included); peak {peak} requests in flight at the proxy during the audit, "
          f"so the bare loop ran {peak} at once over the same {len(urls)} URLs")
    for phase in phases:
        print(phase.line())
    audit_wall, bare_wall, polite_wall = (min(pair[side].wall for pair in pairs) for side in (0, 1, 2))
    audit_cpu, bare_cpu, polite_cpu = (min(pair[side].cpu / pair[side].requests for pair in pairs)
                                       for side in (0, 1, 2))
    figures = {"audit_wall": audit_wall, "bare_wall": bare_wall, "polite_wall": polite_wall,
               "audit_cpu_per_request": audit_cpu, "bare_cpu_per_request": bare_cpu,
               "polite_cpu_per_request": polite_cpu,
               "audit_handshakes_per_request": audit_phase.handshakes / audit_phase.requests,
               "bare_handshakes_per_request": bare_phase.handshakes / bare_phase.requests}
    host, count = busiest_host(audit_log)
    floor = (count - 1) * settings.min_gap
    figures["gap_floor"] = floor
    print(f"  busiest host: {host}, {count} requests; at one per {settings.min_gap * 1000:.0f} ms the per-host gap "
          f"alone keeps the audit >= {floor:.1f} s (the bare loop keeps no gap)")
    least = f" (the least of {len(pairs)} rounds each)" if len(pairs) > 1 else ""
    print(f"  audit / polite bare wall time{least}: {audit_wall / polite_wall:.2f} (target <= 1.5: the bare loop "
          f"at matched concurrency and manners, {settings.min_gap * 1000:.0f} ms per host, "
          f"<= {settings.per_host} per host at once)")
    print(f"  audit / bare wall time{least}: {audit_wall / bare_wall:.2f} (the bare loop keeps no gap)")
    figures["best_bare_wall"] = best_bare.wall
    print(f"  audit / bare wall time, the bare loop at its own best {best_bare.name.removeprefix('bare httpx ')}: "
          f"{audit_wall / best_bare.wall:.2f}")
    if nogap:
        figures["nogap_wall"] = phases[1].wall
        print(f"  audit min_gap=0 / bare wall time: {phases[1].wall / bare_wall:.2f}")
    ratios = [audit.cpu / audit.requests / (bare.cpu / bare.requests) for audit, bare, _ in pairs]
    figures["median_cpu_ratio"] = statistics.median(ratios)
    print(f"  audit / bare CPU per request{least}: {audit_cpu / bare_cpu:.2f} (target <= 1.25)"
          + (f"; round by round {', '.join(f'{r:.2f}' for r in ratios)}, median {figures['median_cpu_ratio']:.2f}"
             if len(pairs) > 1 else ""))
    print(f"  audit / polite bare CPU per request{least}: {audit_cpu / polite_cpu:.2f}")
    print(f"  TLS handshakes per request: audit {figures['audit_handshakes_per_request']:.2f} (target <= 0.3), "
          f"bare {figures['bare_handshakes_per_request']:.2f}")
    dead, sent, remembered = unreachable(fetcher.records)
    print(f"  unreachable hosts: {dead}; attempts sent to them {sent} (target: one each), {remembered} more requests "
          "to them failed at once, the host already known dead")
    print(f"politeness (proxy log of the audit phase, {len(audit_log)} requests):")
    checks = politeness.check(audit_log, root, settings, lags=politeness.read_lags(work / "proxy-audit.jsonl"))
    for item in checks:
        print(item.line())
    gap, gap_host = clock.smallest_gap(fetcher)
    client_check = politeness.Check(
        f"gap between request headers leaving the client for one host >= {settings.min_gap * 1000:.0f} ms",
        f"smallest {gap * 1000:.1f} ms ({gap_host}) over {len(clock.sends)} requests", gap >= settings.min_gap)
    print(client_check.line())
    checks.append(client_check)
    figures["politeness_ok"] = float(all(c.passed for c in checks))
    if profile is not None:
        print_profile(profile, brands_count)
        print("  (profiled: the audit's CPU and wall above include the profiler's cost)")
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--brands", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32, help="brands audited at a time")
    parser.add_argument("--keep", type=Path, help="write the tree and the proxy logs here (kept)")
    parser.add_argument("--no-nogap", action="store_true", help="skip the min_gap=0 diagnostic")
    parser.add_argument("--http2", action=argparse.BooleanOptionalAction, default=None,
                        help="whether the proxy offers HTTP/2 (default: with --mix real)")
    parser.add_argument("--mix", choices=("full", "real"), default="full",
                        help="real: homepages carry real-size pages (see above)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="audit and matched bare loop this many times, one after the other (ratios of the least)")
    parser.add_argument("--profile", type=Path, help="profile the audit phase (cProfile, process time) into this file")
    parser.add_argument("--collector", choices=("batch", "default"), default="batch",
                        help="batch: every phase runs with the garbage collector as `auditor audit` tunes it "
                             "(auditor.collector); default: Python's own settings")
    args = parser.parse_args(argv)
    profile = args.profile.resolve() if args.profile else None
    kept = contextlib.nullcontext(str(args.keep)) if args.keep else None  # --keep: the tree stays
    with kept or tempfile.TemporaryDirectory(prefix="auditor-bench-") as work:
        run(args.brands, args.concurrency, Path(work), nogap=not args.no_nogap, mix=args.mix, profile=profile,
            http2=args.http2, rounds=max(1, args.rounds), collector=args.collector)


if __name__ == "__main__":
    main()
