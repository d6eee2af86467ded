"""STALE004 reposts-only: the channel is alive, but only by passing on other people's posts.

What it flags
    An account whose every public act within the staleness limit for its kind of channel
    is a boost or repost (items of kind ``repost``): it has not written a post or a reply
    of its own in that time. The channel is not silent, so STALE001 stays quiet; this is
    the softer finding.

Why it matters
    Followers notice when a brand only amplifies others: nobody is speaking for it, and
    questions put to it go unanswered.

Example
    A Mastodon account that boosted three posts in the last month; its own last status is
    from 2025-03-01, audited on 2026-11-22.

How to fix
    Post or reply in your own words now and then, or say in the profile that it only
    shares news.

Options
    days (table of channel kind to days; default as STALE001: blog 180, social 90, video
    180, forum 30, code 365): how long an account may only repost.
    default_days (int, default 180): for kinds not in the table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from auditor.judge.rules import Violation
from auditor.judge.rules.stale import DEFAULT_DAYS
from auditor.models import Activity, Brand, Channel, Evidence, Severity, Status

CODE = "STALE004"
NAME = "reposts-only"
CATEGORY = "stale"
SEVERITY = Severity.INFO


@dataclass(frozen=True, kw_only=True)
class Options:
    days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_DAYS))
    default_days: int = 180


def check(brand: Brand, channel: Channel, activity: Activity, options: Options, as_of: datetime) -> Iterator[Violation]:
    if activity.status is not Status.OK or activity.last_activity_kind != "repost" or activity.moved_to:
        return
    limit = options.days.get(channel.kind, options.default_days)
    since = as_of - timedelta(days=limit)
    acts = [(item, when) for item in activity.items if not item.pinned
            and (when := item.published or item.updated) is not None and since <= when <= as_of]
    if not acts or any(item.kind != "repost" for item, _ in acts):
        return
    own = [when for item in activity.items if item.kind != "repost" and not item.pinned
           and (when := item.published or item.updated) is not None and when <= as_of]
    last_own = f"its last own post seen is from {max(own).date().isoformat()}" if own else "no own post was seen"
    yield Violation(
        message=(f"Only reposts in the last {limit} days ({len(acts)} of them); {last_own}. "
                 "Post or reply in your own words now and then."),
        evidence=((activity.last_activity_source,) if activity.last_activity_source else ())
        + (Evidence(channel.url, "own posts or replies in the window", "0"),),
    )
