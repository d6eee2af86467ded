"""STALE001 stale-channel: no activity for longer than the channel's threshold.

What it flags
    A channel whose newest post, video or topic is older than the threshold for its
    kind of channel (blogs: 180 days by default), measured from the audit's as-of date.
    A channel that moved is not stale: its owner posts at the new address (BROKEN002
    reports the move, and the destination is audited).

Why it matters
    Visitors who find a blog whose last post is years old conclude the business is gone
    or does not care. An abandoned channel is worse than none.

Example
    A company blog linked from the homepage whose feed's newest item is from
    2019-03-02, audited on 2026-11-22: 2,822 days without a post.

How to fix
    Post again and keep a cadence you can sustain, or retire the channel: remove the
    links to it and say where readers can find you now.

Options
    days (table of channel kind to days; default blog 180, social 90, video 180,
    forum 30, code 365): the longest silence allowed per kind of channel. Keys you set
    are merged over the defaults.
    platform_days (table of platform to days, default empty): overrides ``days`` for one
    platform, e.g. ``{ mastodon = 30 }``.
    default_days (int, default 180): for kinds in neither table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from auditor.models import Activity, Brand, Channel, Evidence, Severity, Status
from auditor.judge.rules import Violation

CODE = "STALE001"
NAME = "stale-channel"
CATEGORY = "stale"
SEVERITY = Severity.WARNING

DEFAULT_DAYS = {"blog": 180, "social": 90, "video": 180, "forum": 30, "code": 365}


@dataclass(frozen=True, kw_only=True)
class Options:
    days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_DAYS))
    platform_days: dict[str, int] = field(default_factory=dict)
    default_days: int = 180

    def threshold(self, channel: Channel) -> int:
        if channel.platform in self.platform_days:
            return self.platform_days[channel.platform]
        return self.days.get(channel.kind, self.default_days)


def check(brand: Brand, channel: Channel, activity: Activity, options: Options, as_of: datetime) -> Iterator[Violation]:
    if activity.status is not Status.OK or activity.last_activity is None or activity.moved_to:
        return
    limit = options.threshold(channel)
    silence = (as_of - activity.last_activity).days
    if silence <= limit:
        return
    last = activity.last_activity.date().isoformat()
    evidence = (activity.last_activity_source,) if activity.last_activity_source else ()
    yield Violation(
        message=(
            f"No activity for {silence:,} days (last on {last}); the limit for a {channel.kind} channel is {limit} days. "
            "Post again, or retire the channel and remove the links to it."
        ),
        evidence=evidence + (Evidence(channel.url, "days since last activity", str(silence)),),
    )
