"""The fixture internet in its own process, so the benchmarked client's CPU is its own.

    python benchmarks/_proxy.py ROOT LOG.jsonl [--http2]

starts :class:`auditor.fixtures.fixtureweb.FixtureInternet` on ``ROOT`` (offering HTTP/2 in its
tunnels with ``--http2``), prints one JSON line
``{"proxy": URL, "ca_file": PATH, "pid": PID}`` and serves until killed. Its request log is
written as JSON Lines (host, method, target, status, started, finished, completed; times are
``time.monotonic()``, the system-wide monotonic clock, so they compare with the client's):

* to ``LOG.jsonl`` on SIGTERM, SIGINT or end of standard input, before exiting;
* to any path on the command ``dump PATH`` read from standard input (answered ``dumped N``).

Beside each log, ``LOG.jsonl.lag`` lists the moments the proxy's event loop woke late
(``[when, seconds late]``, over 1 ms): a request read during such a moment was logged up to
that much after it arrived, which benchmarks/politeness.py takes into account.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path

from auditor.fixtures.fixtureweb import FixtureInternet

LAG_TICK = 0.005  # seconds between the loop-lag watcher's wake-ups
LAGS: list[tuple[float, float]] = []  # (went to sleep at, woke this much late)


async def watch_lag() -> None:
    """Note every time the proxy's event loop wakes more than 1 ms after it asked to."""
    while True:
        before = time.monotonic()
        await asyncio.sleep(LAG_TICK)
        late = time.monotonic() - before - LAG_TICK
        if late > 0.001:
            LAGS.append((before, late))


def dump(web: FixtureInternet, path: Path) -> int:
    entries = list(web.log)  # a snapshot: the serving thread keeps appending
    with path.open("w", encoding="utf-8") as out:
        for entry in entries:
            out.write(json.dumps(asdict(entry)) + "\n")
    Path(f"{path}.lag").write_text(json.dumps(list(LAGS)), "utf-8")
    return len(entries)


def main() -> None:
    root, log_path = Path(sys.argv[1]), Path(sys.argv[2])
    web = FixtureInternet(root, http2="--http2" in sys.argv[3:]).start()
    watcher = web.submit(watch_lag())
    done = threading.Event()

    def stop(*_: object) -> None:
        done.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def commands() -> None:
        for line in sys.stdin:
            command, _, argument = line.strip().partition(" ")
            if command == "dump" and argument:
                print(f"dumped {dump(web, Path(argument))}", flush=True)
        done.set()

    threading.Thread(target=commands, daemon=True).start()
    print(json.dumps({"proxy": web.proxy_url, "ca_file": str(web.ca_file), "pid": os.getpid()}),
          flush=True)
    while not done.wait(0.5):
        pass
    dump(web, log_path)
    watcher.cancel()
    web.stop()


if __name__ == "__main__":
    main()
