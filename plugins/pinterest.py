"""Pinterest profiles: when the account last pinned, from its public RSS feed.

Pinterest's pages are a JavaScript app and its API needs the account owner's OAuth, but
``https://www.pinterest.com/{user}/feed.rss`` still answers with the 25 most recent pins
(RSS 2.0, ``pubDate`` per item). Last activity is the newest pin's date. A profile that
does not exist redirects (301) to the home page, which is reported as ``not_found``.
Pins have no readable comments here, so no interactions are reported.

URL forms: ``pinterest.com/{user}/`` on ``www.``, country subdomains (``uk.``, ``de.``)
and country domains (``pinterest.co.uk``, ``pinterest.de``); a board
``/{user}/{board}/`` names its owner's profile. Pins (``/pin/…``, ``/pin/create/…``),
``pin.it`` short links and Pinterest's own pages are not profiles.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from auditor.plugin import PlatformSpec, Priority, Signal, hookimpl
from auditor.models import Activity, Channel, Evidence, Status
from auditor.plugin import Context, Platform, activity_from, failed, feed_of
from auditor.plugin import Registry
from auditor.urls import Link

HOST = re.compile(r"^(?:www\.|[a-z]{2}\.)?pinterest\.(?:com|co\.uk|com\.au|com\.mx|co\.kr|[a-z]{2})$")
USERNAME = re.compile(r"^[A-Za-z0-9_]{3,30}$")
PROFILE_TABS = frozenset({"_saved", "_created"})
RESERVED = frozenset("""
    pin pins search ideas today business login logout signup settings _ explore categories topics
    about oauth resource password news_hub videos shopping homefeed discover help policy
""".split())


class PinterestPlatform(Platform):
    spec = PlatformSpec(
        name="pinterest", kind="social", summary='Pinterest accounts, read through their RSS',
        hosts=('pinterest.com',), priority=Priority.SPECIFIC, signals=(Signal.LAST_ACTIVITY,)
    )

    def recognise(self, url: str) -> Channel | None:
        link = Link.of(url if "//" in url else f"https://{url}")
        if link is None or not HOST.match(link.host):
            return None
        segments = link.segments
        if not 1 <= len(segments) <= 2:
            return None
        user = segments[0]
        if user.lower() in RESERVED or not USERNAME.match(user):
            return None
        if len(segments) == 2 and segments[1].startswith("_") and segments[1].lower() not in PROFILE_TABS:
            return None  # /_/…-style internal pages, not a board
        return Channel(platform=self.name, url=f"https://www.pinterest.com/{user}/", kind=self.kind, handle=user)

    async def collect(self, channel: Channel, context: Context) -> Activity:
        user = channel.handle or urlsplit(channel.url).path.strip("/").split("/")[0]
        feed_url = f"https://www.pinterest.com/{user}/feed.rss"
        fetched = await context.get(feed_url)
        if fetched.redirects and urlsplit(fetched.final_url).path in ("", "/"):
            return Activity(channel_url=channel.url, status=Status.NOT_FOUND,
                            reason=f"{feed_url} redirects to the home page: there is no such account",
                            evidence=(Evidence(feed_url, "redirected to", fetched.final_url),))
        failure = failed(channel, fetched)
        if failure is not None:
            return failure
        feed = feed_of(channel, fetched)
        if isinstance(feed, Activity):
            return feed
        reason = f"{len(feed.items)} recent pins in the feed" if feed.items else "the feed has no pins"
        return activity_from(channel, feed.items, context.as_of, date_field=f"{feed.format} item {feed.date_field}",
                             fallback_url=feed_url, reason=reason, title=feed.title,
                             evidence=(Evidence(feed_url, "format", feed.format),))


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(PinterestPlatform())
