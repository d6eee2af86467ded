"""Every benchmark in one go, printing every figure.

    python benchmarks/run.py [--quick]

Runs benchmarks/extraction.py, feeds.py, throughput.py (1,000 brands, with the politeness
checks of politeness.py on the proxy's log) and memory.py (1,000 and 10,000 brands).
``--quick`` uses 200 brands for throughput and 300/1,000 for memory, to try the scripts out.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def step(name: str, *args: str) -> float:
    print(f"\n=== {name} ===", flush=True)
    started = time.monotonic()
    subprocess.run([sys.executable, str(HERE / name), *args], check=True)
    spent = time.monotonic() - started
    print(f"({name}: {spent:.0f} s)", flush=True)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    started = time.monotonic()
    step("extraction.py", "--repeat", "5")
    step("feeds.py")
    step("throughput.py", "--brands", "200" if quick else "1000")
    step("memory.py", "--sizes", *(["300", "1000"] if quick else ["1000", "10000"]))
    print(f"\nall benchmarks: {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
