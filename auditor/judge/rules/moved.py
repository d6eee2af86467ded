"""BROKEN002 channel-moved: the channel says it moved, or redirects to another site.

What it flags
    An account that declares a new home (Mastodon ``moved``, a Bluesky handle that now
    belongs to another account, a site that redirects permanently to a new domain), or a
    channel URL that now redirects to a different registered domain. A move is this one
    finding: the old channel is not also called stale (its owner posts elsewhere), and the
    destination is audited as the brand's channel in its place.

Why it matters
    Links to the old place cost every visitor a detour, and a redirect to another
    domain may mean the name now belongs to someone else (or a parked domain).

Example
    The brand links to ``https://mastodon.social/@acme``; the account moved to
    ``https://fosstodon.org/@acme``.

How to fix
    Update the links to the new address; if the redirect is not yours, remove the link.

Options
    (none)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from auditor.models import Activity, Brand, Channel, Severity, Status
from auditor.urls import same_site
from auditor.judge.rules import Violation, finding

CODE = "BROKEN002"
NAME = "channel-moved"
CATEGORY = "broken"
SEVERITY = Severity.WARNING


@dataclass(frozen=True, kw_only=True)
class Options:
    pass


def check(brand: Brand, channel: Channel, activity: Activity, options: Options, as_of: datetime) -> Iterator[Violation]:
    if activity.status is not Status.OK:
        return
    if activity.moved_to:
        yield finding(f"The channel moved to {activity.moved_to}, which is audited in its place. "
                      "Update the links that point to the old address.", channel.url, "moved to", activity.moved_to)
    elif activity.redirected_to and not same_site(activity.redirected_to, channel.url):
        yield finding(f"{channel.url} now redirects to another site, {activity.redirected_to}. Check who owns it, "
                      "then update or remove the links.", channel.url, "redirected to", activity.redirected_to)
