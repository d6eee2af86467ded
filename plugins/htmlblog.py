"""Blogs without a feed: a site's blog section read from its HTML pages.

Discovery: a homepage that declares no feed but links (in its header, navigation or
footer) to a blog section at ``/blog/``, ``/news/``, ``/journal/``, ``/diary/``, ``/posts/``,
``/articles/`` or ``/weblog/`` on the same site yields an ``htmlblog`` channel for that index.

Collection reads the index, takes its post links (links in posts or post titles, and links
whose path carries a date), newest first by the date in the URL when there is one and in page
order otherwise, and reads at most :data:`MAX_POSTS` of them with
:func:`auditor.parse.page.extract_page`: at most five fetches per channel. Last activity is the
newest post's publication date, or a newer owner reply in its comments; a post whose only
date is a copyright year has no date, and the reason says so.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

from auditor.parse.datetext import url_date
from auditor.parse.pages import owner_activity, page_activity, read_posts
from auditor.parse.regions import COMMENT, POST, SIDEBAR, walk
from auditor.fetch.client import refusal
from auditor.plugin import PlatformSpec, Priority, Signal, hookimpl
from selectolax.lexbor import LexborHTMLParser
from auditor.models import Activity, Channel, Confidence, Evidence, Status
from auditor.plugin import Context, Page, Platform, failed
from auditor.plugin import Registry

MAX_POSTS = 4  # plus the index: five fetches
BLOG_PATH = re.compile(r"^/(?:blog|news|journal|diary|posts|articles|weblog)/?$", re.IGNORECASE)
POST_LINKS = ('a[rel~="bookmark"]', ".entry-title a", ".post-title a", "article h1 a", "article h2 a", "article h3 a",
              ".post h2 a", ".post h3 a", "h2 a", "h3 a")
FEED_LINK = 'link[rel~="alternate"][type*="rss"], link[rel~="alternate"][type*="atom"], link[rel~="alternate"][type*="feed+json"]'


class HtmlBlogPlatform(Platform):
    spec = PlatformSpec(
        name="htmlblog", kind="blog", summary='blogs without a feed, dated from their pages',
        priority=Priority.PAGE_SCRAPER, signals=(Signal.LAST_ACTIVITY, Signal.OWNER_REPLIES)
    )
    discover_fetches = False  # discover reads the page it is given, nothing more

    async def discover(self, page: Page, context: Context) -> list[Channel]:
        if page.tree.css_first(FEED_LINK) is not None:
            return []  # the web plugin reads the declared feed
        host = urlsplit(page.url).netloc
        for node in page.css("a[href]"):
            url = urljoin(page.base_url, (node.attributes.get("href") or "").strip()).split("#", 1)[0]
            parts = urlsplit(url)
            if parts.netloc != host or not BLOG_PATH.match(parts.path) or parts.query or refusal(url):
                continue
            text = " ".join(node.text().split())
            return [Channel(platform=self.name, url=url, kind=self.kind, title=text,
                            confidence=Confidence.MEDIUM,
                            found_by=(Evidence(page.url, "link to a blog section (no feed declared)", url),))]
        return []

    async def collect(self, channel: Channel, context: Context) -> Activity:
        fetched = await context.get(channel.url)
        failure = failed(channel, fetched)
        if failure is not None:
            return failure
        links = post_links(context.page(fetched).tree, fetched.final_url)
        evidence = [Evidence(fetched.final_url, "post links on the index", str(len(links)))]
        if not links:
            return Activity(channel_url=channel.url, status=Status.OK, evidence=tuple(evidence),
                            reason="the blog index links to no posts; no activity date can be read")
        read = await read_posts(links, context, MAX_POSTS)
        evidence.extend(read.evidence)
        last, source = owner_activity(page_activity(read.pages), context.as_of)
        if last is None:
            notes = sorted({p.note for p in read.pages if p.note})
            reason = (f"{len(read.pages)} newest posts read, none dated: " + "; ".join(notes)) if notes else \
                "no post page could be read"
        else:
            reason = f"{len(read.pages)} newest posts read from the HTML (no feed)"
        return Activity(channel_url=channel.url, status=Status.OK, reason=reason, last_activity=last,
                        last_activity_source=source, items=read.items, interactions=read.interactions,
                        title=channel.title, evidence=tuple(evidence))


def post_links(tree: LexborHTMLParser, index_url: str) -> list[str]:
    """The index's post links, newest first where URLs carry dates, in page order otherwise."""
    regions = walk(tree)
    host = urlsplit(index_url).netloc
    found: dict[str, int] = {}
    for selector in POST_LINKS:
        for node in tree.css(selector):
            if regions.region(node) in (SIDEBAR, COMMENT):
                continue
            url = urljoin(index_url, (node.attributes.get("href") or "").strip()).split("#", 1)[0]
            if urlsplit(url).netloc == host and url.rstrip("/") != index_url.rstrip("/") and url not in found:
                found[url] = len(found)
    for node in tree.css("a[href]"):
        url = urljoin(index_url, (node.attributes.get("href") or "").strip()).split("#", 1)[0]
        dated = url_date(url)
        if urlsplit(url).netloc == host and dated and dated[1] == "day" and url not in found \
                and regions.region(node) == POST:
            found[url] = len(found)
    earliest = datetime.min.replace(tzinfo=timezone.utc)

    def order(url: str) -> tuple[datetime, int]:
        dated = url_date(url)
        return (dated[0] if dated else earliest, -found[url])

    if any(url_date(u) for u in found):
        return sorted(found, key=order, reverse=True)
    return list(found)


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(HtmlBlogPlatform())
