"""STALE002 cadence-collapsed: the current silence is many times the channel's usual gap.

What it flags
    A channel that used to publish regularly and has now been silent for far longer
    than its own habit: the current silence is at least ``factor`` times the median gap
    between its recent items (and at least ``min_days``), even if the absolute
    staleness threshold has not been reached yet.

Why it matters
    Readers notice a weekly newsletter that stopped two months ago long before it is
    half a year old. Catching the collapse early is cheaper than reviving a dead channel.

Example
    A blog that posted every 7 days for its last ten posts and has now been silent for
    40 days (more than 4 times its usual gap).

How to fix
    Publish on the rhythm readers expect, or say openly that the cadence changes.

Options
    factor (float, default 4.0): how many usual gaps of silence count as a collapse.
    min_items (int, default 5): dated items needed to know a habit.
    min_days (int, default 21): never flag a silence shorter than this.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from auditor.models import Activity, Brand, Channel, Evidence, Severity, Status
from auditor.judge.rules import Violation

CODE = "STALE002"
NAME = "cadence-collapsed"
CATEGORY = "stale"
SEVERITY = Severity.INFO


@dataclass(frozen=True, kw_only=True)
class Options:
    factor: float = 4.0
    min_items: int = 5
    min_days: int = 21


def check(brand: Brand, channel: Channel, activity: Activity, options: Options, as_of: datetime) -> Iterator[Violation]:
    if activity.status is not Status.OK or activity.last_activity is None or activity.moved_to:
        return
    dates = sorted({d for item in activity.items if (d := item.published or item.updated) and d <= as_of})
    if len(dates) < options.min_items:
        return
    gaps = [(b - a).total_seconds() / 86400 for a, b in zip(dates, dates[1:])]
    usual = statistics.median(gaps)
    silence = (as_of - activity.last_activity).total_seconds() / 86400
    if silence < options.min_days or usual <= 0 or silence < options.factor * usual:
        return
    yield Violation(
        message=(
            f"Silent for {silence:.0f} days although it usually publishes every {usual:.1f} days "
            f"({silence / usual:.1f}× its habit). Publish again, or tell readers the cadence changed."
        ),
        evidence=(
            Evidence(channel.url, "median gap between the last items (days)", f"{usual:.1f}"),
            Evidence(channel.url, "days since last activity", f"{silence:.0f}"),
        ),
    )
