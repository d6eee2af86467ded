"""UNANS001 unanswered-interactions: comments, questions, topics or issues nobody answered.

What it flags
    Interactions inside the window that are older than ``after_days`` and have no
    reply from the owner (the post's author, a site user, staff, a maintainer, the
    account itself, as each platform defines it).

Why it matters
    A question left hanging in public tells every later visitor that nobody is there.
    Customers on a channel expect the brand to be there for them.

Example
    Three reader questions under the latest blog post, the oldest 12 days old, with no
    reply from the author.

How to fix
    Answer them (the finding lists each one with its link), or close comments on
    channels nobody watches.

Options
    after_days (int, default 7): how long a question may wait before it counts.
    window_days (int, default 90): only interactions this recent are considered.
    max_listed (int, default 5): how many unanswered links to list in the evidence.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from auditor.models import Activity, Brand, Channel, Evidence, Severity
from auditor.judge.rules import Violation, answers

CODE = "UNANS001"
NAME = "unanswered-interactions"
CATEGORY = "unanswered"
SEVERITY = Severity.WARNING


@dataclass(frozen=True, kw_only=True)
class Options:
    after_days: int = 7
    window_days: int = 90
    max_listed: int = 5


def check(brand: Brand, channel: Channel, activity: Activity, options: Options, as_of: datetime) -> Iterator[Violation]:
    signals = answers(activity, as_of, options.window_days)
    if signals is None:
        return
    overdue = [i for i in signals.unanswered if as_of - i.at > timedelta(days=options.after_days)]
    if not overdue:
        return
    oldest = (as_of - overdue[0].at).days
    kinds = sorted({i.kind for i in overdue})
    yield Violation(
        message=(
            f"{len(overdue)} {'/'.join(kinds)}{'s' if len(overdue) != 1 else ''} waiting more than "
            f"{options.after_days} days for an answer (the oldest for {oldest} days). Answer them."
        ),
        evidence=tuple(
            Evidence(i.url, f"unanswered {i.kind} by {i.author}", i.at.isoformat())
            for i in overdue[: options.max_listed]
        ),
    )
