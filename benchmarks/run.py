"""Every benchmark in one go, printing every figure.

    python benchmarks/run.py [--quick]

Runs, in this order:

1. extraction.py: ``extract_page`` next to htmldate on the fixture pages;
2. feeds.py: ``parse_feed`` next to feedparser on the fixture feeds;
3. audit_cpu.py: the audit's own CPU and function calls per fetch, with no network;
4. throughput.py: 1,000 brands of the full mix, audit vs a bare httpx loop, with the
   politeness checks of politeness.py on the proxy's log (the ``min_gap=0`` diagnostic
   phase is left out here: ``throughput.py`` alone runs it);
5. memory.py: peak RSS for 1,000 brands of the full mix, then for 1,000 and 10,000 of the
   light mix (a homepage and one feed each), whose two figures show whether memory grows
   with the number of brands.

``--quick`` uses 200 brands for throughput and 300 / 300 and 1,000 for memory, to try the
scripts out. The whole run took 482 s on the two-core machine in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def step(name: str, *args: str) -> float:
    print(f"\n=== {name} {' '.join(args)} ===", flush=True)
    started = time.monotonic()
    subprocess.run([sys.executable, str(HERE / name), *args], check=True)
    spent = time.monotonic() - started
    print(f"({name}: {spent:.0f} s)", flush=True)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer brands, to try the scripts out")
    quick = parser.parse_args().quick
    started = time.monotonic()
    step("extraction.py", "--repeat", "5")
    step("feeds.py")
    step("audit_cpu.py", "--brands", "100" if quick else "300")
    step("throughput.py", "--brands", "200" if quick else "1000", "--no-nogap")
    step("memory.py", "--sizes", "300" if quick else "1000")
    step("memory.py", "--mix", "light", "--sizes", *(["300", "1000"] if quick else ["1000", "10000"]))
    print(f"\nall benchmarks: {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
