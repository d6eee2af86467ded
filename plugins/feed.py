"""Feeds (RSS 2.0, RSS 1.0, Atom, JSON Feed): the blog behind them and when it last posted.

Last activity is the newest item's publication date (its update date when it has none),
ignoring dates more than a day past the audit's as-of time. The feed's own
``lastBuildDate``/``updated`` is often just when it was generated, so it is kept as
evidence only. A JSON Feed marked ``expired`` is noted: its publisher says it is finished.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from auditor.plugin import PlatformSpec, Priority, Signal, hookimpl
from auditor.models import Activity, Channel, Evidence
from auditor.plugin import Context, Platform, activity_from, failed, feed_of, latest
from auditor.plugin import Registry

FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf", "feed.json", "/feed", "/feed/", "/rss", "/rss/", "/atom")


class FeedPlatform(Platform):
    spec = PlatformSpec(
        name="feed", kind="blog", summary='RSS, Atom and JSON Feed on any host', priority=Priority.FEED,
        signals=(Signal.LAST_ACTIVITY,)
    )

    def recognise(self, url: str) -> Channel | None:
        path = urlsplit(url).path.lower()
        if not path.endswith(FEED_SUFFIXES):
            return None
        return Channel(platform=self.name, url=url, kind=self.kind)

    async def collect(self, channel: Channel, context: Context) -> Activity:
        fetched = await context.get(channel.url)
        failure = failed(channel, fetched)
        if failure is not None:
            return failure
        feed = feed_of(channel, fetched)  # or the wall, or the reason it is no feed
        if isinstance(feed, Activity):
            return feed
        newest, when = latest(feed.items, context.as_of)
        evidence = [Evidence(fetched.final_url, "format", feed.format)]
        if feed.updated is not None:
            evidence.append(Evidence(fetched.final_url, "feed updated (generation time, not used)",
                                     feed.updated.isoformat()))
        expired_source = Evidence(fetched.final_url, "expired", "true") if feed.expired else None
        if expired_source is not None:
            evidence.append(expired_source)
        field = feed.date_field
        reason = f"{len(feed.items)} items read"
        if newest is not None and when is not None:
            field = feed.date_field if newest.published is not None else "updated"
        elif feed.items:
            reason = f"{len(feed.items)} items, none with a readable date"
        else:
            reason = "the feed has no items"
            evidence.append(Evidence(fetched.final_url, "items", "0"))
        return activity_from(channel, feed.items, context.as_of, date_field=f"{feed.format} item {field}",
                             fallback_url=fetched.final_url, reason=reason, title=feed.title,
                             evidence=tuple(evidence), expired=feed.expired, expired_source=expired_source,
                             empty=not feed.items)


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(FeedPlatform())
