"""Benchmark: machine instructions per request, the audit against the bare loop, counted by valgrind.

    python benchmarks/instructions.py [--brands 60] [--concurrency 32] [--mix full|real] [--keep DIR]

CPU seconds on a shared machine move by 1.3x between two runs of the same code (see
throughput.py's rounds); the instructions a process executes hardly move at all. So this runs
the phases of throughput.py, each in a child process under ``valgrind --tool=callgrind``, which
counts every instruction the child executes (the proxy runs natively, in its own process):

1. **start-up**: what every child does first (imports, the plugins registered, the suffix list read);
2. **audit**: start-up, then the batch audit of the generated brands through the proxy;
3. **bare**: start-up, then ``client.get`` over exactly the URLs the audit fetched, as many at once
   as the proxy saw the audit have at its peak (throughput.py's matched bare loop);
4. **polite bare**: the same keeping the per-host gap and limit (throughput.py's polite loop).

Every phase runs with the garbage collector as ``auditor audit`` tunes it (``auditor.collector``),
as throughput.py runs its phases by default.

A phase's instructions are its child's count less the start-up's; per request, over the requests
the proxy answered while the child ran. Printed: each phase's instructions per request, the TLS
handshakes per request and the instructions spent in them (``SSL_do_handshake``, callees
included, read with ``callgrind_annotate``), and the audit's ratio to each bare loop with the
handshakes and without them.

Why both: under valgrind a child runs some 50x slower, so how many connections it opens is not
what it opens at full speed (the audit's brands, each slow, open more connections to the hosts
they share; at full speed the audit opens fewer than the bare loop: throughput.py prints both).
The ratio without handshakes is the work per request that does not depend on that; a handshake
costs several million instructions. Keep ``--brands`` small; the per-host gap binds less than at
full speed, which changes how long the audit waits, not how much it computes.

What the counts are for: comparing one side with itself across commits (a change that removes
work shows in the audit's count, however loaded the machine). An audit/bare ratio of instructions
is not a ratio of CPU time: TLS and lexbor's parser run more instructions per nanosecond than the
interpreter, so the audit, which parses every page, shows a higher ratio in instructions than in
seconds (throughput.py measures the seconds).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import LogEntry, ProxyProcess, peak_in_flight  # noqa: E402
from generate import generate, real_pages  # noqa: E402
from throughput import HandshakeCounter, _audit, _bare, _between  # noqa: E402

from auditor.collector import tuned_for_batch  # noqa: E402
from auditor.fetch.client import FetchSettings  # noqa: E402
from auditor.plugin import load_registry  # noqa: E402
from auditor.urls import registered_domain  # noqa: E402

COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")
HANDSHAKE = "SSL_do_handshake"
PHASES = ("start-up", "audit", "bare", "polite bare")
BRANDS = "brands.csv"  # the brands file generate.py writes in its folder


@dataclass(frozen=True)
class Count:
    """One child's run: the instructions it executed, and what its phase did."""

    instructions: int
    in_handshakes: int = 0  # of which inside SSL_do_handshake
    started: float = 0.0  # time.monotonic() around the phase (the same clock in every process)
    finished: float = 0.0
    handshakes: int = 0


def collected(stderr: str) -> int:
    """The instruction count callgrind reports for the process (``Collected : N``)."""
    found = COLLECTED.findall(stderr)
    if not found:
        raise RuntimeError(f"valgrind reported no instruction count:\n{stderr[-2000:]}")
    return int(found[-1])


def inclusive(annotated: str, function: str) -> int:
    """``function``'s instructions, its callees included, from ``callgrind_annotate --inclusive=yes``
    output (0 when it never ran); a recursion's inner copies (``name'2``) are not counted again."""
    for line in annotated.splitlines():
        if f":{function} " in line or line.rstrip().endswith(f":{function}"):
            return int(line.split()[0].replace(",", ""))
    return 0


def per_request(phase: Count, startup: Count, requests: int, *, handshakes: bool = True) -> float:
    """The phase's own instructions (the start-up's taken off) per request; without the TLS
    handshakes' when ``handshakes`` is false."""
    own = phase.instructions - startup.instructions
    if not handshakes:
        own -= phase.in_handshakes - startup.in_handshakes
    return own / max(requests, 1)


def child(phase: str, work: Path, concurrency: int) -> None:
    """One phase, run in this (valgrind's) process; what it did goes to ``work/<phase>.json``."""
    registry = load_registry()
    registered_domain("b00000.example")
    settings = FetchSettings()
    report: dict[str, object] = {}
    with tuned_for_batch(), HandshakeCounter() as handshakes:  # as throughput.py runs its phases by default
        started = time.monotonic()
        if phase == "audit":
            fetcher, _ = asyncio.run(_audit(work / BRANDS, settings, concurrency, registry))
            report["urls"] = [record.url for record in fetcher.records]
        elif phase in ("bare", "polite bare"):
            urls = json.loads((work / "audit.json").read_text())["urls"]
            asyncio.run(_bare(urls, settings, concurrency, polite=phase == "polite bare"))
        report.update(started=started, finished=time.monotonic(), handshakes=handshakes.count)
    (work / f"{phase}.json").write_text(json.dumps(report))


def counted(phase: str, work: Path, concurrency: int) -> Count:
    """Run ``phase`` in a child under callgrind; its instruction count and report."""
    out = work / f"callgrind.{phase.replace(' ', '-')}.out"
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
               sys.executable, str(Path(__file__).resolve()), "--child", phase, "--work", str(work),
               "--concurrency", str(concurrency)]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    if done.returncode != 0:
        raise RuntimeError(f"the {phase} child failed ({done.returncode}):\n{done.stderr[-3000:]}")
    report = json.loads((work / f"{phase}.json").read_text())
    annotated = subprocess.run(["callgrind_annotate", "--inclusive=yes", str(out)], capture_output=True,
                               text=True, check=True).stdout
    return Count(collected(done.stderr), inclusive(annotated, HANDSHAKE), report.get("started", 0.0),
                 report.get("finished", 0.0), report.get("handshakes", 0))


def run(brands_count: int, concurrency: int, work: Path, mix: str = "full") -> dict[str, float]:
    source, pages = real_pages() if mix == "real" else ("", [])
    brands = generate(brands_count, work, pages=pages or None)
    assert brands == work / BRANDS, brands  # where the children read it
    root = work / "web"
    hosts = sorted(p.name for p in root.iterdir() if p.is_dir())
    print(f"instructions: {brands_count} brands ({mix} mix{f', pages from {source}' if source else ''}); "
          f"each phase in its own process under valgrind's callgrind; the proxy offers HTTP/1.1")
    counts: dict[str, Count] = {}
    requests: dict[str, int] = {}
    with ProxyProcess(root, work / "proxy.jsonl") as proxy:
        asyncio.run(_bare([f"https://{h}/" for h in hosts], FetchSettings(), 32))  # warm: certificates made
        counts["start-up"] = counted("start-up", work, concurrency)
        counts["audit"] = counted("audit", work, concurrency)
        log: list[LogEntry] = proxy.dump(work / "proxy-audit.jsonl")
        audit_log = _between(log, counts["audit"].started, counts["audit"].finished)
        peak = peak_in_flight(audit_log)
        requests["audit"] = len(audit_log)
        for phase in ("bare", "polite bare"):
            counts[phase] = counted(phase, work, peak)
            entries = _between(proxy.dump(work / f"proxy-{phase}.jsonl"), counts[phase].started,
                               counts[phase].finished)
            requests[phase] = len(entries)
    startup = counts["start-up"]
    print(f"  start-up: {startup.instructions / 1e9:.2f} G instructions (taken off every phase below)")
    figures: dict[str, float] = {}
    for phase in PHASES[1:]:
        count, asked = counts[phase], max(requests[phase], 1)
        figures[phase] = per_request(count, startup, asked)
        figures[f"{phase} without handshakes"] = per_request(count, startup, asked, handshakes=False)
        handshaking = count.in_handshakes - startup.in_handshakes
        at_once = (f", {concurrency} brands at a time, peak {peak} in flight" if phase == "audit"
                   else f", {peak} at once")
        print(f"  {phase:12} {figures[phase] / 1e6:7.3f} M instructions/request "
              f"({figures[f'{phase} without handshakes'] / 1e6:.3f} M without TLS handshakes) over {asked} requests"
              f"{at_once}; {count.handshakes / asked:.2f} handshakes/request, "
              f"{handshaking / max(count.handshakes, 1) / 1e6:.2f} M instructions each")
    for baseline in ("bare", "polite bare"):
        without = figures["audit without handshakes"] / figures[f"{baseline} without handshakes"]
        print(f"  audit / {baseline} instructions per request: {figures['audit'] / figures[baseline]:.2f}; "
              f"without TLS handshakes {without:.2f}")
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--brands", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=32, help="brands audited at a time")
    parser.add_argument("--mix", choices=("full", "real"), default="full")
    parser.add_argument("--keep", type=Path, help="write the tree, the proxy logs and callgrind's files here (kept)")
    parser.add_argument("--child", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.work, args.concurrency)
        return
    if shutil.which("valgrind") is None:
        parser.exit(2, "instructions.py needs valgrind (Debian: apt-get install valgrind)\n")
    kept = contextlib.nullcontext(str(args.keep)) if args.keep else None
    with kept or tempfile.TemporaryDirectory(prefix="auditor-instructions-") as work:
        Path(work).mkdir(parents=True, exist_ok=True)
        run(args.brands, args.concurrency, Path(work), args.mix)


if __name__ == "__main__":
    main()
