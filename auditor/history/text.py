"""``auditor history`` as text and JSON: one brand's timeline, or the portfolio's trend.

Takes the values of :mod:`auditor.history.facts` and gives strings ready to print.
"""

from __future__ import annotations

import json
from datetime import datetime

from auditor.history import facts
from auditor.history.facts import BrandHistory, Standing

CATEGORIES = ("stale", "unanswered", "slow", "broken", "unknown")


def brand_text(history: BrandHistory) -> str:
    entries = facts.timeline(history)
    if not entries:
        return f"No runs of {history.brand} in the history."
    lines = [f"History of {history.brand}: {_runs(len(entries))}, {_day(entries[0].as_of)} to {_day(entries[-1].as_of)}",
             "", f"{'AS OF':<12}" + "".join(f"{c.upper():>11}" for c in CATEGORIES) + f"{'TOTAL':>7}{'NEW':>5}"
             f"{'RESOLVED':>10}"]
    for e in entries:
        lines.append(f"{_day(e.as_of):<12}" + "".join(f"{e.by_category.get(c, 0):>11}" for c in CATEGORIES)
                     + f"{len(e.findings):>7}{len(e.appeared):>5}{len(e.resolved):>10}")
    changes = [(e, sign, f) for e in entries for sign, group in (("+", e.appeared), ("-", e.resolved)) for f in group]
    if changes:
        lines += ["", "Changes (+ appeared, - resolved):"]
        lines += [f"  {_day(e.as_of)}  {sign} {f.code:<10} {f.channel_url}" for e, sign, f in changes]
    last = len(history.runs) - 1
    open_now = entries[-1].findings
    lines += ["", f"Open in the last run ({len(open_now)}):" if open_now else "Nothing open in the last run."]
    for f in open_now:
        first = facts.first_seen(history, f.fingerprint, last)
        since = facts.streak_since(history, f.fingerprint, last) if f.category == "stale" else None
        lines.append(f"  {f.code:<10} {f.channel_url}  first seen {_day(first)}"
                     + (f", stale since {_day(since)}" if since else ""))
    return "\n".join(lines)


def brand_json(history: BrandHistory) -> str:
    runs = [{"as_of": e.as_of.isoformat(), "by_category": e.by_category,
             "findings": [_seen(history, f, index) for f in e.findings],
             "appeared": [f.fingerprint for f in e.appeared], "resolved": [f.fingerprint for f in e.resolved]}
            for index, e in enumerate(facts.timeline(history))]
    return json.dumps({"brand": history.brand, "runs": runs}, indent=2, ensure_ascii=False)


def portfolio_text(standings: list[Standing]) -> str:
    if not standings:
        return "The history is empty."
    order = sorted(standings, key=lambda s: (-(s.change or 0), -s.findings, s.brand))
    width = max(12, *(len(s.brand) for s in standings)) + 2
    lines = [f"Portfolio: {len(standings)} brand{'s' if len(standings) != 1 else ''} in the history", "",
             f"{'BRAND':<{width}}{'RUNS':>5}  {'FIRST':<11} {'LAST':<11}{'FINDINGS':>9}{'CHANGE':>8}  TREND  BY CATEGORY"]
    for s in order:
        change = "-" if s.change is None else f"{s.change:+d}"
        categories = ", ".join(f"{c} {n}" for c, n in s.by_category.items()) or "none"
        lines.append(f"{s.brand:<{width}}{s.runs:>5}  {_day(s.first):<11} {_day(s.last):<11}{s.findings:>9}"
                     f"{change:>8}  {s.trend:<6} {categories}")
    now = sum(s.findings for s in standings)
    before = sum(s.previous if s.previous is not None else s.findings for s in standings)
    worse = sum(1 for s in standings if s.trend == "worse")
    better = sum(1 for s in standings if s.trend == "better")
    lines += ["", f"Findings in the latest runs: {now} ({now - before:+d} against each brand's run before); "
                  f"{better} better, {worse} worse"]
    return "\n".join(lines)


def portfolio_json(standings: list[Standing]) -> str:
    return json.dumps([{"brand": s.brand, "runs": s.runs, "first": s.first.isoformat(), "last": s.last.isoformat(),
                        "findings": s.findings, "previous": s.previous, "change": s.change, "trend": s.trend,
                        "by_category": s.by_category} for s in standings], indent=2, ensure_ascii=False)


def _seen(history: BrandHistory, f: facts.Seen, index: int) -> dict:
    since = facts.streak_since(history, f.fingerprint, index) if f.category == "stale" else None
    first = facts.first_seen(history, f.fingerprint, index)
    return {"fingerprint": f.fingerprint, "code": f.code, "category": f.category, "severity": f.severity,
            "channel_url": f.channel_url, "message": f.message,
            "first_seen": first.isoformat() if first else None, "stale_since": since.isoformat() if since else None}


def _runs(n: int) -> str:
    return f"{n} run" if n == 1 else f"{n} runs"


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment is not None else "-"
