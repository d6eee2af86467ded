"""The rules: one module per rule, each carrying its own documentation.

A rule module defines

* ``CODE`` (stable, never reused: ``STALE001``), ``NAME`` (a slug), ``CATEGORY`` (stale,
  unanswered, slow, broken, unknown) and ``SEVERITY`` (its default);
* ``Options``: a frozen dataclass whose fields are the rule's options, all with defaults;
* ``check(brand, channel, activity, options, as_of)``: yields :class:`Violation` values;
* a module docstring whose first line is ``CODE name: summary`` followed by the sections
  *What it flags*, *Why it matters*, *Example*, *How to fix* and *Options*.

Rules never read the clock: the audit's ``as_of`` is the only "now".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from auditor.collect.signals import ResponseSignals, response_signals
from auditor.models import Activity, Evidence, Status
from auditor.plugin import Rule, Violation, hookimpl

__all__ = ["Rule", "Violation", "builtin_rules", "markdown_table", "summary"]  # rule modules import Violation from here

DOC_SECTIONS = ("What it flags", "Why it matters", "Example", "How to fix", "Options")
CATEGORIES = ("stale", "unanswered", "slow", "broken", "unknown")


def answers(activity: Activity, as_of: datetime, window_days: int) -> ResponseSignals | None:
    """How the owner answered the channel's interactions in the last ``window_days``; None for a channel not read."""
    if activity.status is not Status.OK:
        return None
    return response_signals(activity.interactions, as_of, window_days)


def finding(message: str, url: str, field: str, value: str, *more: Evidence) -> Violation:
    """A violation cited by one fact (``field`` is ``value`` at ``url``), then any ``more`` evidence."""
    return Violation(message=message, evidence=(Evidence(url, field, value), *more))


def summary(rule: Rule) -> str:
    """The one-line summary from the rule's docstring (after ``CODE name:``)."""
    first = (rule.__doc__ or "").strip().splitlines()[0] if rule.__doc__ else ""
    return first.split(": ", 1)[-1]


def markdown_table(rules: list[Rule]) -> str:
    """The rule list as a Markdown table (the README's copy is checked against it in the tests)."""
    rows = ["| code | name | category | default severity | what it flags |", "|---|---|---|---|---|"]
    for rule in sorted(rules, key=lambda r: r.CODE):
        rows.append(f"| `{rule.CODE}` | {rule.NAME} | {rule.CATEGORY} | {rule.SEVERITY.value} | {summary(rule)} |")
    return "\n".join(rows)


def builtin_rules() -> list[Rule]:
    from auditor.judge.rules import (
        cadence,
        declared_finished,
        missing,
        moved,
        never_replies,
        reposts_only,
        response_rate,
        slow_reply,
        stale,
        unanswered,
        unknown,
        unreachable,
    )

    return [stale, cadence, declared_finished, reposts_only, unanswered, never_replies, slow_reply, response_rate,
            missing, moved, unreachable, unknown]


@hookimpl
def auditor_register_rules(registry: Any) -> None:
    for rule in builtin_rules():
        registry.add_rule(rule)
