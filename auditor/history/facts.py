"""What a brand's recorded runs say: first sightings, stale streaks, the trend, the timeline, what pruning keeps.

Takes a :class:`BrandHistory` (the runs the store read back, oldest first) and gives plain
values. Every time here is the ``as_of`` of a recorded run, never the clock, so the same
runs always give the same answers, in whatever order they were written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from auditor.models import TrendPoint


@dataclass(frozen=True, slots=True)
class Seen:
    """One finding as a run recorded it."""

    fingerprint: str
    code: str
    category: str
    severity: str
    channel_url: str
    platform: str
    message: str


@dataclass(frozen=True, slots=True)
class Run:
    id: int
    as_of: datetime
    findings: dict[str, Seen]  # by fingerprint


@dataclass(frozen=True, slots=True)
class BrandHistory:
    brand: str
    runs: tuple[Run, ...]  # oldest first: by as_of, then by the order written
    seen: dict[str, tuple[datetime, datetime | None]]  # fingerprint: (first seen, streak start kept by pruning)


@dataclass(frozen=True, slots=True)
class Entry:
    """One run in a brand's timeline."""

    as_of: datetime
    by_category: dict[str, int]
    findings: tuple[Seen, ...]
    appeared: tuple[Seen, ...]  # not in the run before
    resolved: tuple[Seen, ...]  # in the run before, not in this one


@dataclass(frozen=True, slots=True)
class Standing:
    """One brand in the portfolio: its latest run against the one before."""

    brand: str
    runs: int
    first: datetime
    last: datetime
    findings: int
    previous: int | None  # None: only one run
    by_category: dict[str, int]

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.findings - self.previous

    @property
    def trend(self) -> str:
        change = self.change
        return "-" if change is None else "worse" if change > 0 else "better" if change < 0 else "same"


def first_seen(history: BrandHistory, fingerprint: str, upto: int | None = None) -> datetime | None:
    """The as_of of the first run (up to run index ``upto``) that saw it, pruned runs included."""
    runs = history.runs if upto is None else history.runs[:upto + 1]
    times = [run.as_of for run in runs if fingerprint in run.findings]
    if not times:
        return None
    recorded = history.seen.get(fingerprint)
    return min(times + ([recorded[0]] if recorded else []))


def streak_since(history: BrandHistory, fingerprint: str, at: int | None = None) -> datetime | None:
    """The as_of that began the unbroken streak of runs, ending at run index ``at`` (default the last), that saw it."""
    at = len(history.runs) - 1 if at is None else at
    if at < 0 or fingerprint not in history.runs[at].findings:
        return None
    start = at
    while start > 0 and fingerprint in history.runs[start - 1].findings:
        start -= 1
    since = history.runs[start].as_of
    kept = history.seen.get(fingerprint, (None, None))[1]
    return min(since, kept) if start == 0 and kept is not None else since


def timeline(history: BrandHistory) -> list[Entry]:
    """Each run with what appeared and resolved since the one before (for the oldest run: what it saw first)."""
    entries = []
    for index, run in enumerate(history.runs):
        if index == 0:
            appeared = [f for fp, f in run.findings.items() if first_seen(history, fp, 0) == run.as_of]
            resolved: list[Seen] = []
        else:
            before = history.runs[index - 1].findings
            appeared = [f for fp, f in run.findings.items() if fp not in before]
            resolved = [f for fp, f in before.items() if fp not in run.findings]
        entries.append(Entry(as_of=run.as_of, by_category=_by_category(run), findings=_sorted(run.findings.values()),
                             appeared=_sorted(appeared), resolved=_sorted(resolved)))
    return entries


def trend(history: BrandHistory, limit: int = 24) -> tuple[TrendPoint, ...]:
    """The last ``limit`` runs as points for a report."""
    return tuple(TrendPoint(as_of=e.as_of, by_category=e.by_category, new=len(e.appeared), resolved=len(e.resolved))
                 for e in timeline(history)[-limit:])


def standing(history: BrandHistory) -> Standing | None:
    if not history.runs:
        return None
    last = history.runs[-1]
    previous = len(history.runs[-2].findings) if len(history.runs) > 1 else None
    return Standing(brand=history.brand, runs=len(history.runs), first=history.runs[0].as_of, last=last.as_of,
                    findings=len(last.findings), previous=previous, by_category=_by_category(last))


def prune_plan(history: BrandHistory, keep: int) -> tuple[list[int], dict[str, datetime | None]]:
    """The runs to drop to keep the newest ``keep``, and the streak starts to remember for the oldest kept run."""
    if keep < 1:
        raise ValueError("keep at least one run")
    cut = len(history.runs) - keep
    if cut <= 0:
        return [], {}
    oldest = history.runs[cut]
    streaks = {fp: streak_since(history, fp, cut) for fp in oldest.findings}
    return [run.id for run in history.runs[:cut]], streaks


def _by_category(run: Run) -> dict[str, int]:
    return dict(sorted(Counter(f.category for f in run.findings.values()).items()))


def _sorted(findings) -> tuple[Seen, ...]:  # noqa: ANN001 - any iterable of Seen
    return tuple(sorted(findings, key=lambda f: (f.channel_url, f.code)))
