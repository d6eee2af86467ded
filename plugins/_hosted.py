"""What the hosted-blog plugins (Substack, Medium, Tumblr, Ghost) share: reading the blog through its feed.

A hosted blog's channel is the blog's own address; its activity is read from the feed the
host publishes for it, by the feed plugin's own collection, and reported under the blog's
address with the feed named in the evidence.
"""

from __future__ import annotations

from dataclasses import replace

from .feed import FeedPlatform

from auditor.models import Activity, Channel, Evidence
from auditor.plugin import Context

_FEEDS = FeedPlatform()


async def collect_via_feed(channel: Channel, feed_url: str, context: Context) -> Activity:
    """The blog's activity, read from ``feed_url`` and reported for ``channel``."""
    activity = await _FEEDS.collect(replace(channel, platform=_FEEDS.name, url=feed_url), context)
    return replace(activity, channel_url=channel.url,
                   evidence=(Evidence(feed_url, "read through the blog's feed", feed_url), *activity.evidence))


def subdomain_of(host: str, parent: str) -> str | None:
    """``acme`` for ``acme.substack.com`` under ``substack.com``; None for the parent itself or deeper names."""
    suffix = "." + parent
    if not host.endswith(suffix):
        return None
    label = host[: -len(suffix)]
    return label if label and "." not in label else None
