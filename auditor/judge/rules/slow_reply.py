"""SLOW001 slow-first-reply: the owner answers, but too late.

What it flags
    A channel whose median time from a visitor's comment or question to the owner's
    first reply, over the window, is longer than ``max_hours``.

Why it matters
    People who ask in public expect an answer within hours, not days; a late answer
    often reaches nobody.

Example
    Seven answered comments over 90 days, answered after a median of 3 days.

How to fix
    Watch the channel daily (notifications, a rota), or set expectations in the channel.

Options
    max_hours (int, default 24): the longest acceptable median time to a first reply.
    min_answered (int, default 3): answered interactions needed for a meaningful median.
    window_days (int, default 90): only interactions this recent are considered.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from auditor.models import Activity, Brand, Channel, Severity
from auditor.judge.rules import Violation, answers, finding

CODE = "SLOW001"
NAME = "slow-first-reply"
CATEGORY = "slow"
SEVERITY = Severity.WARNING


@dataclass(frozen=True, kw_only=True)
class Options:
    max_hours: int = 24
    min_answered: int = 3
    window_days: int = 90


def check(brand: Brand, channel: Channel, activity: Activity, options: Options, as_of: datetime) -> Iterator[Violation]:
    signals = answers(activity, as_of, options.window_days)
    if signals is None or signals.answered < options.min_answered:
        return
    median = signals.median_first_reply
    if median is None or median <= timedelta(hours=options.max_hours):
        return
    hours = median.total_seconds() / 3600
    yield finding(f"The owner's median time to a first reply is {hours:.0f} hours over {signals.answered} answered "
                  f"interactions (limit {options.max_hours} hours). Watch the channel daily.",
                  channel.url, "median hours to first owner reply", f"{hours:.1f}")
