"""The view across brands: one row per brand, one column per finding category, worst brand first.

Takes :class:`Entry` values (a brand's counts and where its report is: an ``#anchor`` in the same
file, or a relative file name beside the page); gives the HTML table (:func:`table`) and, for a
folder of per-brand reports, the whole page that links to them (:func:`page`). Entries come from
the reporter's per-brand summaries or from a folder's ledger (:func:`entry_of`, :func:`entry_from`),
so the page is built without keeping any audit in memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.models import Audit, Severity
from auditor.report.base import plural
from auditor.report.escape import html as escape

# The rules' categories, most pressing first; a category a plugin's rule adds follows these.
CATEGORIES = ("broken", "stale", "unanswered", "slow", "unknown")


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    href: str  # "#anchor" in this file, or a relative file name
    channels: int
    by_category: tuple[tuple[str, int], ...]
    by_severity: tuple[tuple[str, int], ...]
    reached: bool = True  # something of the brand could be read

    @property
    def worst(self) -> Severity | None:
        ranked = [Severity(s) for s, n in self.by_severity if n and s in Severity._value2member_map_]
        return max(ranked, key=lambda s: s.rank, default=None)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.by_category)

    @property
    def urgency(self) -> tuple[int, int, int, str]:
        """Sort key: the most severe finding first, then errors, then the most findings, then the name."""
        worst = self.worst
        errors = dict(self.by_severity).get("error", 0)
        return (-(worst.rank + 1 if worst else 0), -errors, -self.total, self.name)


def entry_of(audit: Audit, href: str) -> Entry:
    # Not reached: every request failed without an answer (as the sinks judge it for the exit status).
    reached = audit.stats.requests == 0 or audit.stats.errors < audit.stats.requests
    return Entry(name=audit.brand.name, href=href, channels=len(audit.channels),
                 by_category=tuple(sorted(Counter(f.category for f in audit.findings).items())),
                 by_severity=tuple(sorted(Counter(f.severity.value for f in audit.findings).items())),
                 reached=reached)


def entry_record(entry: Entry) -> dict[str, Any]:
    """What a folder's ledger keeps of a brand for its portfolio page (JSON-ready)."""
    return {"channels": entry.channels, "categories": dict(entry.by_category), "severities": dict(entry.by_severity)}


def entry_from(name: str, href: str, record: Mapping[str, Any], reached: bool = True) -> Entry:
    categories = record.get("categories") or {}
    severities = record.get("severities") or {}
    return Entry(name=name, href=href, channels=int(record.get("channels") or 0),
                 by_category=tuple(sorted((str(k), int(v)) for k, v in categories.items())),
                 by_severity=tuple(sorted((str(k), int(v)) for k, v in severities.items())), reached=reached)


def columns(entries: Iterable[Entry]) -> tuple[str, ...]:
    seen = {category for entry in entries for category, _ in entry.by_category}
    return CATEGORIES + tuple(sorted(seen - set(CATEGORIES)))


def table(entries: Sequence[Entry]) -> str:
    """Brands × categories with counts, worst brand first; each brand's name links to its report."""
    ordered = sorted(entries, key=lambda e: e.urgency)
    heads = columns(ordered)
    head = "".join(f"<th class=\"num\">{escape(c)}</th>" for c in heads)
    rows = []
    for entry in ordered:
        counts = dict(entry.by_category)
        worst = entry.worst
        badge = (f"<span class=\"badge {worst.value}\">{worst.value}</span>" if worst
                 else "<span class=\"badge ok\">no findings</span>")
        if not entry.reached:
            badge += " <span class=\"badge status-unknown\">not reached</span>"
        cells = "".join(f"<td class=\"num{'' if counts.get(c) else ' zero'}\" data-label=\"{escape(c)}\">"
                        f"{counts.get(c, 0)}</td>" for c in heads)
        rows.append(f"<tr><td data-label=\"brand\"><a href=\"{escape(entry.href)}\">{escape(entry.name)}</a></td>"
                    f"<td data-label=\"worst\">{badge}</td>{cells}"
                    f"<td class=\"num\" data-label=\"findings\">{entry.total}</td>"
                    f"<td class=\"num\" data-label=\"channels\">{entry.channels}</td></tr>")
    return ("<table class=\"cards portfolio\"><thead><tr><th>Brand</th><th>Worst</th>"
            f"{head}<th class=\"num\">findings</th><th class=\"num\">channels</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def summary(entries: Sequence[Entry], *, lead: str) -> str:
    """The portfolio's section: a heading, a line of totals and the table."""
    findings = sum(e.total for e in entries)
    with_findings = sum(1 for e in entries if e.total)
    return ("<section class=\"summary\" id=\"portfolio\"><h1>Online presence audit</h1>"
            f"<p class=\"muted\">{escape(lead)} {plural(len(entries), 'brand')}, "
            f"{plural(with_findings, 'brand')} with findings, {plural(findings, 'finding')} in all; "
            "worst brand first.</p>" + table(entries) + "</section>")


def page(entries: Sequence[Entry], style: str) -> str:
    """A whole HTML page for a folder of per-brand reports, each brand linking to its file."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>presence-auditor portfolio</title>"
            f"<style>{style}</style></head><body><main>\n"
            + summary(entries, lead="Audited by presence-auditor:") + "\n</main></body></html>\n")
