"""UNKNOWN001 activity-unknown: the channel's activity cannot be seen.

What it flags
    A channel behind a login wall, refused to us (robots.txt, HTTP 401/403/999), or
    read without the API key its activity needs. Reported for information: the auditor
    never guesses what it cannot see, and never calls such a channel stale or gone.

Why it matters
    An inventory with blind spots should say where they are, so a person can check
    those channels by hand or configure an API key.

Example
    A LinkedIn company page (HTTP 999 for non-browser clients).

How to fix
    Check the channel by hand, or configure the platform's API credentials.

Options
    (none)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from auditor.models import Activity, Brand, Channel, Evidence, Severity, Status
from auditor.judge.rules import Violation

CODE = "UNKNOWN001"
NAME = "activity-unknown"
CATEGORY = "unknown"
SEVERITY = Severity.INFO

# Kinds whose activity date is expected; a website's homepage has none by design.
DATED_KINDS = frozenset({"blog", "social", "video", "forum", "code"})


@dataclass(frozen=True, kw_only=True)
class Options:
    pass


def check(brand: Brand, channel: Channel, activity: Activity, options: Options, as_of: datetime) -> Iterator[Violation]:
    blind = activity.status in (Status.LOGIN_WALL, Status.BLOCKED)
    undated = (activity.status is Status.OK and activity.last_activity is None and channel.kind in DATED_KINDS
               and not activity.empty and not activity.moved_to)
    if not (blind or undated):
        return
    yield Violation(
        message=f"Activity cannot be seen: {activity.reason or activity.status.value}. Check it by hand.",
        evidence=(Evidence(channel.url, "status", activity.status.value),),
    )
