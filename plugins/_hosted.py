"""What the hosted-blog plugins (Substack, Medium, Tumblr, Ghost) share: reading the blog through its feed.

A hosted blog's channel is the blog's own address; its activity is read from the feed the
host publishes for it, by the feed plugin's own collection, and reported under the blog's
address with the feed named in the evidence.
"""

from __future__ import annotations

from dataclasses import replace

from .feed import FeedPlatform

from auditor.models import Activity, Channel, Evidence
from auditor.plugin import Context, Platform, PlatformSpec, Priority, Signal

_FEEDS = FeedPlatform()


def hosted_spec(name: str, summary: str, host: str) -> PlatformSpec:
    """The row of a blog host whose blogs it recognises by ``host`` and reads through their feeds."""
    return PlatformSpec(name=name, kind="blog", summary=summary, hosts=(host,), priority=Priority.HOSTED_BLOG,
                        signals=(Signal.LAST_ACTIVITY,))


class HostedBlog(Platform):
    """A blog host's platform: a blog is read through the feed at :meth:`feed_url`.

    The fixture internet holds a ``bigbrand`` blog and no ``nosuchbrand`` on every host, so the
    self-check's probe of that pair answers found and absent.
    """

    FEED_PATH = ""  # the feed below the blog's address, e.g. "/rss/"
    KNOWN_PRESENT = "bigbrand"
    KNOWN_ABSENT = "nosuchbrand"
    PROBE_EXPECTS = ("found", "absent")

    def feed_url(self, channel: Channel) -> str:
        return channel.url.rstrip("/") + self.FEED_PATH

    async def collect(self, channel: Channel, context: Context) -> Activity:
        return await collect_via_feed(channel, self.feed_url(channel), context)


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
