"""Politeness, proved from the proxy's own log of a batch audit.

    python benchmarks/politeness.py LOG.jsonl WEB_ROOT [--per-host 8] [--min-gap 0.05]

For every host in the log (written by ``benchmarks/_proxy.py``, e.g. by
``benchmarks/throughput.py --keep``):

* per-host concurrency: the most requests the proxy was answering for that host at once
  never exceeded ``FetchSettings.per_host``;
* minimum gap: consecutive request arrivals to one host were at least ``min_gap`` apart,
  less a scheduling tolerance. The proxy logs a request when its event loop reads it; when
  that loop was running late (``LOG.lag``, written by benchmarks/_proxy.py), the earlier of
  two requests may have arrived up to that much before it was logged, so a pair closer than
  ``min_gap`` passes only if its gap plus that lateness reaches ``min_gap`` (both counts
  are printed);
* Retry-After: each 429 or 503 carrying ``Retry-After`` (read from the fixture that answered
  it) was retried, if at all, no sooner than that many seconds after the answer ended.

Prints the worst value per check with PASS or FAIL.
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import LogEntry, peak_in_flight, read_log  # noqa: E402
from _proxy import LAG_TICK  # noqa: E402

from auditor.fetch.client import FetchSettings, parse_retry_after  # noqa: E402
from auditor.fixtures.fixtureweb import resolve  # noqa: E402

GAP_TOLERANCE = 0.010  # seconds
READ_SLACK = 0.005  # after a block, the proxy's loop reads what waited within this long


@dataclass(frozen=True)
class Check:
    name: str
    worst: str
    passed: bool

    def line(self) -> str:
        return f"  {'PASS' if self.passed else 'FAIL'}  {self.name}: {self.worst}"


def read_lags(log: Path) -> list[tuple[float, float]]:
    """The proxy's late wake-ups written beside ``log`` (none when it has no ``.lag`` file)."""
    lag_file = Path(f"{log}.lag")
    return sorted(tuple(pair) for pair in json.loads(lag_file.read_text("utf-8"))) if lag_file.exists() else []


def lateness(lags: list[tuple[float, float]], moment: float) -> float:
    """How long before ``moment`` a request the proxy logged then may have arrived: if its loop
    was blocked just before (a late wake-up ending at most ``READ_SLACK`` earlier), as far
    back as the block's start; else 0.

    Late wake-ups one straight after another (the watcher went to sleep again as it woke, and
    woke late again, with no tick on time between) are one stretch in which the loop never
    caught up, so the block reaches back to the first of them: a request that arrived during
    the first may be read only in the last."""
    worst = 0.0
    index = bisect.bisect_right(lags, (moment, float("inf")))
    window = lags[max(0, index - 50):index]
    for position in range(len(window) - 1, -1, -1):
        went, late = window[position]
        blocked_from = went + LAG_TICK
        if blocked_from <= moment <= blocked_from + late + READ_SLACK:
            first = position
            while first > 0 and window[first][0] - sum(window[first - 1]) - LAG_TICK < LAG_TICK / 2:
                first -= 1  # the previous late wake-up ended less than a tick before this sleep began
            worst = max(worst, moment - (window[first][0] + LAG_TICK))
    return worst


def check(entries: list[LogEntry], root: Path, settings: FetchSettings = FetchSettings(),
          tolerance: float = GAP_TOLERANCE, lags: list[tuple[float, float]] | None = None) -> list[Check]:
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

    gaps = _Gaps()
    least = settings.min_gap - tolerance
    for host, host_entries in by_host.items():
        for before, after in zip(host_entries, host_entries[1:]):
            gap = after.started - before.started
            gaps.pairs += 1
            if gap < gaps.smallest:
                gaps.smallest, gaps.host = gap, host
            if gap < least:
                gaps.short += 1
                widest = gap + lateness(lags or [], before.started)  # the earlier one may have come sooner
                gaps.unexplained += widest < least
                gaps.smallest_widest = min(gaps.smallest_widest, widest)

    return _report(worst_concurrency, concurrency_host, gaps, entries, by_host, root, settings, tolerance)


@dataclass
class _Gaps:
    pairs: int = 0  # consecutive arrivals to one host
    short: int = 0  # of them, closer than the gap less the tolerance, as logged
    unexplained: int = 0  # of those, still closer once the proxy's lateness is allowed for
    smallest: float = float("inf")
    host: str = ""
    smallest_widest: float = float("inf")  # the short pairs' gaps, lateness allowed for


@dataclass(frozen=True)
class _Pending:
    ended: float
    delay: float


def _report(worst_concurrency: int, concurrency_host: str, gaps: _Gaps, entries: list[LogEntry],
            by_host: dict[str, list[LogEntry]], root: Path, settings: FetchSettings, tolerance: float) -> list[Check]:
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
        Check(f"gap between request arrivals to one host >= {settings.min_gap * 1000:.0f} ms "
              f"(tolerance {tolerance * 1000:.0f} ms)",
              f"smallest {gaps.smallest * 1000:.1f} ms ({gaps.host}); {gaps.short} of {gaps.pairs} consecutive pairs "
              f"logged closer, {gaps.unexplained} of them still closer once the proxy's own lateness is allowed for"
              + (f" (smallest then {gaps.smallest_widest * 1000:.1f} ms)" if gaps.short else "")
              if gaps.pairs else "no host was asked twice",
              gaps.unexplained == 0),
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
    checks = check(read_log(args.log), args.root, settings, lags=read_lags(args.log))
    for item in checks:
        print(item.line())
    return 0 if all(c.passed for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
