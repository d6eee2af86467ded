"""benchmarks/politeness.py: what the proxy's log proves, and what it cannot.

The checks judge a batch audit from the proxy's own log; these feed them small logs whose
verdict is known, so a check that passed everything (or failed everything) would show.
"""

from __future__ import annotations

import sys
from pathlib import Path

from auditor.fetch.client import FetchSettings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import politeness  # noqa: E402
from _common import LogEntry  # noqa: E402

SETTINGS = FetchSettings(per_host=2, min_gap=0.05)


def arrival(at: float, host: str = "a.example", target: str = "/", status: int = 200, took: float = 0.01) -> LogEntry:
    return LogEntry(host, "GET", target, status, at, at + took, True)


def verdicts(entries: list[LogEntry], tmp_path: Path, lags=None) -> dict[str, bool]:
    checks = politeness.check(entries, tmp_path, SETTINGS, lags=lags)
    return {check.name.split(" ")[0]: check.passed for check in checks}


def test_requests_a_gap_apart_pass_and_closer_ones_fail(tmp_path):
    spaced = [arrival(1.0), arrival(1.06), arrival(1.12)]
    assert verdicts(spaced, tmp_path)["gap"] is True
    assert verdicts([*spaced, arrival(1.14)], tmp_path)["gap"] is False  # 20 ms after the last


def test_a_pair_logged_close_passes_when_the_proxy_was_late_to_read_the_first(tmp_path):
    pair = [arrival(2.0), arrival(2.02)]  # logged 20 ms apart
    # the proxy's loop slept at 1.93 for its 5 ms tick and woke 70 ms late, at 2.005: the first
    # request may have come in as early as 1.935, 85 ms before the second
    assert verdicts(pair, tmp_path, lags=[(1.93, 0.07)])["gap"] is True
    # a late wake-up long before tells nothing about this pair
    assert verdicts(pair, tmp_path, lags=[(1.0, 0.07)])["gap"] is False
    # nor does a short one: 20 ms plus the 5 ms it could explain is still closer than the gap
    assert verdicts(pair, tmp_path, lags=[(1.99, 0.003)])["gap"] is False


def test_a_loop_late_on_tick_after_tick_was_behind_since_the_first(tmp_path):
    pair = [arrival(2.0), arrival(2.02)]  # logged 20 ms apart
    # late at 1.90 (woke at 1.945), asleep again at once and late again (woke at 1.99), and again
    # at 1.99 (woke at 2.005, the first request read then): behind since 1.905, 115 ms before the second
    chained = [(1.90, 0.04), (1.945, 0.04), (1.99, 0.01)]
    assert verdicts(pair, tmp_path, lags=chained)["gap"] is True
    # the same late wake-ups with a tick on time between them: the loop caught up at 1.99,
    # so only the last block (from 1.995) counts, and 25 ms is still closer than the gap
    caught_up = [(1.90, 0.04), (1.945, 0.035), (1.99, 0.01)]
    assert verdicts(pair, tmp_path, lags=caught_up)["gap"] is False


def test_more_requests_at_once_to_one_host_than_allowed_fail(tmp_path):
    overlapping = [arrival(1.0, took=1.0), arrival(1.1, took=1.0), arrival(1.2, took=1.0)]
    assert verdicts(overlapping, tmp_path)["per-host"] is False
    assert verdicts(overlapping[:2], tmp_path)["per-host"] is True
    assert verdicts([arrival(1.0, "a.example", took=1.0), arrival(1.1, "a.example", took=1.0),
                     arrival(1.2, "b.example", took=1.0)], tmp_path)["per-host"] is True


def test_a_retry_sooner_than_its_retry_after_fails(tmp_path):
    host = tmp_path / "a.example"
    host.mkdir()
    (host / "feed.http").write_text("HTTP/1.1 429 Too Many Requests\nRetry-After: 1\n\nslow down\n")
    first = arrival(1.0, target="/feed", status=429)
    assert verdicts([first, arrival(2.1, target="/feed", status=429)], tmp_path)["every"] is True
    assert verdicts([first, arrival(1.5, target="/feed", status=429)], tmp_path)["every"] is False
