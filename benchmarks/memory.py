"""Benchmark: peak memory (RSS) of a streaming batch audit of 1,000 and 10,000 brands.

    python benchmarks/memory.py [--sizes 1000 10000] [--concurrency 64] [--mix full|light]

For each size, a fresh measuring process generates the brands (benchmarks/generate.py),
starts the fixture proxy (benchmarks/_proxy.py) and then the audit itself in a child
process: ``auditor.batch.run_batch`` with an ``on_result`` that writes each Audit as a
JSON line to a file and drops it. When the audit child has been waited for, and before the
proxy is, the measuring process reads ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``:
the audit child's peak RSS alone. Target: at most 250 MB, and about the same for both sizes
(results stream; nothing grows with the number of brands).

``--mix light`` generates the lightest brand (a homepage linking one feed, half of them a
robots.txt; five requests, none to a shared platform host). What could grow with the number
of brands, per-host and per-brand state, every brand still has, and 10,000 of them take
minutes, not the quarter of an hour the full mix takes (whose shared hosts alone, at one
request per 50 ms, need several minutes: some 4,500 Facebook pages at 10,000 brands).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import MIXES  # noqa: E402

TARGET_MB = 250
FLAT = 1.15  # largest peak over smallest: memory does not grow with the number of brands


def audit_child(brands: Path, out: Path, concurrency: int) -> None:
    """Run in the audit child: the batch, streaming results to ``out``."""
    from generate import AS_OF

    from auditor.audit import AuditOptions
    from auditor.batch import read_brands, run_batch
    from auditor.plugin import load_registry
    from auditor.report.serialize import audit_to_json

    specs = read_brands(brands)
    with out.open("w", encoding="utf-8") as sink:
        def write(result: object) -> None:
            sink.write(json.dumps(json.loads(audit_to_json(result)), separators=(",", ":")) + "\n")  # type: ignore[arg-type]

        outcome = asyncio.run(run_batch(specs, AuditOptions(as_of=AS_OF, credentials={}), registry=load_registry(),
                                        on_result=write, on_error=lambda spec, exc: None,
                                        concurrency=concurrency))
    print(json.dumps({"audited": outcome.audited, "failed": outcome.failed}))


def measure(size: int, concurrency: int, mix: str) -> dict[str, float]:
    """Run in the measuring process: generate, proxy, audit child, then its peak RSS."""
    from _common import ProxyProcess
    from generate import generate

    with tempfile.TemporaryDirectory(prefix="auditor-mem-") as work_dir:
        work = Path(work_dir)
        brands = generate(size, work, shares=MIXES[mix])
        with ProxyProcess(work / "web", work / "proxy.jsonl") as proxy:
            started = time.monotonic()
            child = subprocess.run([sys.executable, __file__, "--child", str(brands), str(work / "out.jsonl"),
                                    str(concurrency)], env={**os.environ, **proxy.env},
                                   capture_output=True, text=True, check=True)
            wall = time.monotonic() - started
            peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # only the audit child so far
            proxy.process.kill()  # its log is not needed here
            proxy.process.wait()
        counts = json.loads(child.stdout.strip().splitlines()[-1])
        results = sum(1 for _ in (work / "out.jsonl").open())
    return {"size": size, "peak_mb": peak_kb / 1024, "wall": wall, "audited": counts["audited"],
            "failed": counts["failed"], "written": results}


def run(sizes: list[int], concurrency: int, mix: str = "full") -> list[dict[str, float]]:
    print(f"memory: streaming batch of {mix!r} brands, {concurrency} at a time, each size in a fresh process")
    figures = []
    for size in sizes:
        done = subprocess.run([sys.executable, __file__, "--measure", str(size), str(concurrency), mix],
                              capture_output=True, text=True, check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        figures.append(result)
        print(f"  {size:6d} brands: peak RSS {result['peak_mb']:6.1f} MB  ({result['audited']} audited, "
              f"{result['failed']} failed, {result['written']} results written, {result['wall']:.1f} s)")
    peaks = [f["peak_mb"] for f in figures]
    flat = max(peaks) / min(peaks)
    verdict = "PASS" if max(peaks) <= TARGET_MB and flat <= FLAT else "FAIL"
    print(f"  {verdict}  peak <= {TARGET_MB} MB and flat: worst {max(peaks):.1f} MB; "
          f"largest/smallest {flat:.2f} (target <= {FLAT})")
    return figures


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        audit_child(Path(argv[1]), Path(argv[2]), int(argv[3]))
        return
    if argv and argv[0] == "--measure":
        print(json.dumps(measure(int(argv[1]), int(argv[2]), argv[3])))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--concurrency", type=int, default=64, help="brands audited at a time")
    parser.add_argument("--mix", choices=sorted(MIXES), default="full",
                        help="the brands generated (benchmarks/generate.py): full platform mix, or the "
                             "lightest brand (homepage, one feed), which makes 10,000 brands a few minutes' run")
    args = parser.parse_args(argv)
    run(args.sizes, args.concurrency, args.mix)


if __name__ == "__main__":
    main()
