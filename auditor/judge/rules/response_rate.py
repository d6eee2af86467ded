"""SLOW002 low-response-rate: too few of the visitors' comments and questions get an answer.

What it flags
    A channel where the share of interactions in the window that the owner answered
    is below ``min_rate`` (with at least ``min_interactions`` to judge by).

Why it matters
    Answering some people and ignoring others looks arbitrary; a low response rate
    means most visitors leave without an answer.

Example
    Two of ten reader questions answered in the last 90 days (20%).

How to fix
    Answer the rest (UNANS001 lists them), or route questions to a channel someone watches.

Options
    min_rate (float, default 0.5): the lowest acceptable share answered, 0 to 1.
    min_interactions (int, default 5): interactions needed to judge.
    window_days (int, default 90): only interactions this recent are considered.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from auditor.models import Activity, Brand, Channel, Severity
from auditor.judge.rules import Violation, answers, finding

CODE = "SLOW002"
NAME = "low-response-rate"
CATEGORY = "slow"
SEVERITY = Severity.WARNING


@dataclass(frozen=True, kw_only=True)
class Options:
    min_rate: float = 0.5
    min_interactions: int = 5
    window_days: int = 90


def check(brand: Brand, channel: Channel, activity: Activity, options: Options, as_of: datetime) -> Iterator[Violation]:
    signals = answers(activity, as_of, options.window_days)
    if signals is None or signals.total < options.min_interactions or signals.answered == 0:
        return  # never answering at all is UNANS002's finding
    rate = signals.response_rate
    if rate is None or rate >= options.min_rate:
        return
    yield finding(f"Only {signals.answered} of {signals.total} interactions in the last {options.window_days} days "
                  f"were answered ({rate:.0%}; the floor is {options.min_rate:.0%}). Answer the rest.",
                  channel.url, "answered / interactions", f"{signals.answered} / {signals.total}")
