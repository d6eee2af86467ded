"""BROKEN001 channel-missing: the brand points to a channel that does not exist (any more).

What it flags
    A channel that answers "not found", "gone", suspended or deactivated.

Why it matters
    A dead link from the brand's own site or profile list looks careless at best and,
    for a suspended account, alarming; someone else may register the name.

Example
    The homepage footer links to a Mastodon account that answers 410 Gone.

How to fix
    Remove or replace the link; if the account was lost, reclaim the name.

Options
    (none)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from auditor.models import Activity, Brand, Channel, Severity, Status
from auditor.judge.rules import Violation, finding

CODE = "BROKEN001"
NAME = "channel-missing"
CATEGORY = "broken"
SEVERITY = Severity.ERROR


@dataclass(frozen=True, kw_only=True)
class Options:
    pass


def check(brand: Brand, channel: Channel, activity: Activity, options: Options, as_of: datetime) -> Iterator[Violation]:
    if activity.status in (Status.NOT_FOUND, Status.GONE):
        state = "does not exist" if activity.status is Status.NOT_FOUND else "is gone"
        yield finding(f"The {channel.platform} channel {state}: {activity.reason}. Remove or replace the links to it.",
                      channel.url, "status", activity.status.value, *channel.found_by[:3])
