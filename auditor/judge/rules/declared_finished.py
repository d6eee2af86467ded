"""STALE003 declared-finished: the channel says it is finished, or has never published.

What it flags
    A channel whose publisher marked it finished (a JSON Feed with ``expired: true``, a
    code account whose repositories are all archived), or a channel that answers but has
    never published anything.

Why it matters
    A finished or empty channel that the brand still links to sends visitors into a dead
    end. If it is finished on purpose, the links to it should go too.

Example
    A podcast feed with ``"expired": true`` still linked from the homepage.

How to fix
    Remove the links to the channel and point visitors to where the brand is active, or
    revive the channel and clear the flag.

Options
    flag_empty (bool, default true): also flag channels with no items at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from auditor.models import Activity, Brand, Channel, Evidence, Severity, Status
from auditor.judge.rules import Violation

CODE = "STALE003"
NAME = "declared-finished"
CATEGORY = "stale"
SEVERITY = Severity.WARNING


@dataclass(frozen=True, kw_only=True)
class Options:
    flag_empty: bool = True


def check(brand: Brand, channel: Channel, activity: Activity, options: Options, as_of: datetime) -> Iterator[Violation]:
    if activity.status is not Status.OK:
        return
    if activity.expired:
        yield Violation(
            message="The channel declares itself finished. Remove the links to it, or revive it and clear the flag.",
            evidence=(activity.expired_source or Evidence(channel.url, "expired", "true"),),
        )
    elif options.flag_empty and activity.empty:
        yield Violation(
            message="The channel has never published anything. Publish, or remove the links to it.",
            evidence=(Evidence(channel.url, "items", "0"),),
        )
