"""The brand's website: is the homepage reachable, and which feeds does it declare?

Discovery reads ``<link rel="alternate">`` feed declarations (RSS, Atom, JSON Feed;
comment feeds are skipped) and, when a page declares none, tries the usual feed paths
(``/feed``, ``/rss``, ``/atom.xml``, ``/index.xml``) at the site's root, keeping the first
that answers with a real feed. Collection reports whether the page answers; a website
has no activity date of its own here (its feeds and profiles carry that).
"""

from __future__ import annotations

import asyncio
from urllib.parse import urljoin, urlsplit

from auditor.feeds import FeedError, parse_feed
from auditor.fetcher import refusal
from auditor.hookspecs import hookimpl
from auditor.models import Activity, Channel, Confidence, Evidence, Status
from auditor.platform import Context, Page, Platform, failed_activity
from auditor.registry import Registry

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
     "application/rdf+xml"}
)
WELL_KNOWN_FEEDS = ("/feed", "/rss", "/atom.xml", "/index.xml")


def is_comment_feed(url: str, title: str) -> bool:
    path = urlsplit(url).path.lower()
    return "comment" in title.lower() or "/comments/" in path or path.endswith("/comments")


class WebPlatform(Platform):
    name = "web"
    kind = "website"
    priority = 1000  # any http(s) URL: the catch-all

    def recognise(self, url: str) -> Channel | None:
        if urlsplit(url).scheme not in ("http", "https"):
            return None
        return Channel(platform=self.name, url=url, kind=self.kind)

    async def discover(self, page: Page, context: Context) -> list[Channel]:
        declared = declared_feeds(page)
        if declared:
            return declared
        return await probe_feeds(page.url, context)

    async def collect(self, channel: Channel, context: Context) -> Activity:
        fetched = await context.get(channel.url)
        failed = failed_activity(channel, fetched)
        if failed is not None:
            return failed
        evidence = [Evidence(fetched.final_url, "HTTP status", str(fetched.status))]
        if fetched.redirects:
            evidence.append(Evidence(channel.url, "redirected to", fetched.final_url))
        return Activity(
            channel_url=channel.url,
            status=Status.OK,
            reason=f"reachable (HTTP {fetched.status}); a website's activity is read from its feeds",
            evidence=tuple(evidence),
        )


def declared_feeds(page: Page) -> list[Channel]:
    """Feeds a page declares with ``<link rel="alternate" type="…">``, comment feeds left out."""
    channels: dict[str, Channel] = {}
    for node in page.tree.css("link[rel][href]"):
        rel = (node.attributes.get("rel") or "").lower().split()
        kind = (node.attributes.get("type") or "").split(";")[0].strip().lower()
        if "alternate" not in rel or kind not in FEED_TYPES:
            continue
        url = urljoin(page.base_url, (node.attributes.get("href") or "").strip())
        title = (node.attributes.get("title") or "").strip()
        if refusal(url) or is_comment_feed(url, title) or url in channels:
            continue
        channels[url] = Channel(
            platform="feed", url=url, kind="blog", title=title, confidence=Confidence.HIGH,
            found_by=(Evidence(page.url, f'<link rel="alternate" type="{kind}">', url),),
        )
    return list(channels.values())


async def probe_feeds(page_url: str, context: Context) -> list[Channel]:
    """The first well-known feed path at the site's root that answers with a readable feed."""
    parts = urlsplit(page_url)
    candidates = [f"{parts.scheme}://{parts.netloc}{path}" for path in WELL_KNOWN_FEEDS]
    answers = await asyncio.gather(*(context.fetcher.get(url) for url in candidates))
    for url, fetched in zip(candidates, answers):
        if not fetched.ok:
            continue
        try:
            feed = parse_feed(fetched.body)
        except FeedError:
            continue
        context.remember(fetched)
        return [Channel(
            platform="feed", url=url, kind="blog", title=feed.title, confidence=Confidence.MEDIUM,
            found_by=(Evidence(url, "well-known feed path (none declared on the page)", page_url),),
        )]
    return []


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(WebPlatform())
