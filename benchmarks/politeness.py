"""Politeness, proved from the proxy's own log of a batch audit.

    python benchmarks/politeness.py LOG.jsonl WEB_ROOT [--per-host 8] [--min-gap 0.05]

For every host in the log (written by ``benchmarks/_proxy.py``, e.g. by
``benchmarks/throughput.py --keep``):

* per-host concurrency: the most requests the proxy was answering for that host at once
  never exceeded ``FetchSettings.per_host``;
* minimum gap: consecutive request arrivals to one host were at least ``min_gap`` apart,
  less a scheduling tolerance (a request leaves the client when its turn comes, but reaches
  the proxy after the event loop, the proxy connection and TLS have had their say);
* Retry-After: each 429 or 503 carrying ``Retry-After`` (read from the fixture that answered
  it) was retried, if at all, no sooner than that many seconds after the answer ended.

Prints the worst value per check with PASS or FAIL.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import LogEntry, peak_in_flight, read_log  # noqa: E402

from auditor.fetcher import FetchSettings, parse_retry_after  # noqa: E402
from auditor.fixtureweb import resolve  # noqa: E402

GAP_TOLERANCE = 0.010  # seconds


@dataclass(frozen=True)
class Check:
    name: str
    worst: str
    passed: bool

    def line(self) -> str:
        return f"  {'PASS' if self.passed else 'FAIL'}  {self.name}: {self.worst}"


def check(entries: list[LogEntry], root: Path, settings: FetchSettings = FetchSettings(),
          tolerance: float = GAP_TOLERANCE) -> list[Check]:
    by_host: dict[str, list[LogEntry]] = defaultdict(list)
    for entry in entries:
        by_host[entry.host].append(entry)
    for host_entries in by_host.values():
        host_entries.sort(key=lambda e: e.started)

    worst_concurrency, concurrency_host = 0, ""
    for host, host_entries in by_host.items():
        peak = peak_in_flight(host_entries)
        if peak > worst_concurrency:
            worst_concurrency, concurrency_host = peak, host

    smallest_gap, gap_host, gaps, short = float("inf"), "", 0, 0
    for host, host_entries in by_host.items():
        for before, after in zip(host_entries, host_entries[1:]):
            gaps += 1
            short += after.started - before.started < settings.min_gap - tolerance
            if after.started - before.started < smallest_gap:
                smallest_gap, gap_host = after.started - before.started, host

    return _report(worst_concurrency, concurrency_host, smallest_gap, gap_host, gaps, short, entries, by_host, root,
                   settings, tolerance)


@dataclass(frozen=True)
class _Pending:
    ended: float
    delay: float


def _report(worst_concurrency: int, concurrency_host: str, smallest_gap: float, gap_host: str, gaps: int, short: int,
            entries: list[LogEntry], by_host: dict[str, list[LogEntry]], root: Path, settings: FetchSettings,
            tolerance: float) -> list[Check]:
    margins: list[tuple[float, float, str]] = []  # (waited - asked, asked, where)
    never_retried = 0
    for host, host_entries in by_host.items():
        pending: dict[str, _Pending] = {}
        for entry in host_entries:
            asked = pending.pop(entry.target, None)
            if asked is not None:
                waited = entry.started - asked.ended
                margins.append((waited - asked.delay, asked.delay, f"https://{host}{entry.target}"))
            if entry.status in (429, 503):
                answer = resolve(root, host, entry.target)
                headers = {k.lower(): v for k, v in answer.headers} if answer else {}
                delay = parse_retry_after(headers.get("retry-after"))
                if delay is not None and delay <= settings.retry_after_cap:
                    pending[entry.target] = _Pending(entry.finished, delay)
        never_retried += len(pending)  # the last answer of a fetch that ran out of retries
    checks = [
        Check(f"per-host concurrency <= {settings.per_host}",
              f"worst {worst_concurrency} at once ({concurrency_host}) over {len(by_host)} hosts, "
              f"{len(entries)} requests", worst_concurrency <= settings.per_host),
        Check(f"gap between request starts to one host >= {settings.min_gap * 1000:.0f} ms "
              f"(tolerance {tolerance * 1000:.0f} ms)",
              f"smallest {smallest_gap * 1000:.1f} ms ({gap_host}); {short} of {gaps} consecutive pairs "
              "arrived closer than that"
              if gaps else "no host was asked twice",
              gaps == 0 or smallest_gap >= settings.min_gap - tolerance),
    ]
    if margins:
        worst = min(margins)
        checks.append(Check("every Retry-After honoured (retry arrival - answer end >= Retry-After)",
                            f"{len(margins)} retries; tightest waited {worst[1] + worst[0]:.3f} s for "
                            f"Retry-After {worst[1]:g} s ({worst[2]}); {never_retried} final 429/503 answers",
                            worst[0] >= 0))
    else:
        checks.append(Check("every Retry-After honoured", "no 429/503 with Retry-After in the log", False))
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("log", type=Path)
    parser.add_argument("root", type=Path)
    parser.add_argument("--per-host", type=int, default=FetchSettings().per_host)
    parser.add_argument("--min-gap", type=float, default=FetchSettings().min_gap)
    args = parser.parse_args(argv)
    settings = FetchSettings(per_host=args.per_host, min_gap=args.min_gap)
    checks = check(read_log(args.log), args.root, settings)
    for item in checks:
        print(item.line())
    return 0 if all(c.passed for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
