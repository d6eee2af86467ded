"""The brand's website: is the homepage reachable, and which feeds does it declare?

Discovery reads ``<link rel="alternate">`` feed declarations (RSS, Atom, JSON Feed;
comment feeds are skipped) and, when a page declares none, tries the usual feed paths
(``/feed``, ``/rss``, ``/atom.xml``, ``/index.xml``) at the site's root, keeping the first
that answers with a real feed. When the page reveals the software behind it
(``<meta name="generator">``: Ghost, WordPress, Blogger; Substack's ``x-served-by`` header or
``substackcdn.com`` assets) that platform's own feed path is tried first and named in the
evidence. Probing happens for a site's root page or a homepage the user gave, not for inner
pages (about, contact), and its answers are remembered in the context. Profile links, JSON-LD and rel=me are read by
:mod:`auditor.discover.candidates` for every page discovery reads.

Collection reports whether the page answers; a website has no activity date of its own
here (its feeds and profiles carry that). A site whose address answers only with permanent
redirects (301/308) to another registered domain has moved there: ``moved_to`` names the
destination, which collection then audits as the brand's (see :mod:`auditor.collect`).
"""

from __future__ import annotations

import asyncio
from urllib.parse import urljoin, urlsplit

from auditor.parse.feeds import FeedError, parse_feed
from auditor.fetch.client import Fetched, refusal
from auditor.plugin import PlatformSpec, Priority, hookimpl
from auditor.models import Activity, Channel, Confidence, Evidence, Status
from auditor.plugin import Context, Page, Platform, failed
from auditor.plugin import Registry
from auditor.urls import same_site

PERMANENT = frozenset({301, 308})

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
     "application/rdf+xml"}
)
WELL_KNOWN_FEEDS = ("/feed", "/rss", "/atom.xml", "/index.xml")
# The feed path of software a page reveals, and its name for the evidence.
PLATFORM_FEEDS = {"ghost": ("/rss/", "Ghost"), "wordpress": ("/feed/", "WordPress"),
                  "blogger": ("/feeds/posts/default", "Blogger"), "substack": ("/feed", "Substack")}


def is_comment_feed(url: str, title: str) -> bool:
    path = urlsplit(url).path.lower()
    return "comment" in title.lower() or "/comments/" in path or path.endswith("/comments")


class WebPlatform(Platform):
    spec = PlatformSpec(
        name="web", kind="website", summary='any website: reachable or not, and the feeds it declares',
        priority=Priority.CATCH_ALL, signals=()
    )

    def recognise(self, url: str) -> Channel | None:
        if urlsplit(url).scheme not in ("http", "https"):
            return None
        return Channel(platform=self.name, url=url, kind=self.kind)

    async def discover(self, page: Page, context: Context) -> list[Channel]:
        declared = declared_feeds(page)
        if declared:
            return declared
        if urlsplit(page.url).path not in ("", "/") and page.role != "home":
            return []  # an inner page (about, contact) of a site: its root is probed when the root is read
        return await probe_feeds(page.url, context, software=software_of(page))

    async def collect(self, channel: Channel, context: Context) -> Activity:
        fetched = await context.get(channel.url)
        failure = failed(channel, fetched)
        if failure is not None:
            return failure
        evidence = [Evidence(fetched.final_url, "HTTP status", str(fetched.status))]
        moved_to = ""
        if fetched.redirects:
            evidence.append(Evidence(channel.url, "redirected to", fetched.final_url))
            if moved_site(fetched):
                moved_to = fetched.final_url
                codes = ", ".join(str(code) for code in fetched.redirect_statuses)
                evidence.append(Evidence(channel.url, "moved permanently", f"HTTP {codes} to {fetched.final_url}"))
        return Activity(
            channel_url=channel.url,
            status=Status.OK,
            reason=f"reachable (HTTP {fetched.status}); a website's activity is read from its feeds",
            evidence=tuple(evidence),
            redirected_to=fetched.final_url if fetched.redirects else "",
            moved_to=moved_to,
        )


def moved_site(fetched: Fetched) -> bool:
    """True when a page reached another registered domain through permanent redirects only."""
    return (bool(fetched.redirect_statuses) and all(code in PERMANENT for code in fetched.redirect_statuses)
            and not same_site(fetched.final_url, fetched.url))


def declared_feeds(page: Page) -> list[Channel]:
    """Feeds a page declares with ``<link rel="alternate" type="…">``, comment feeds left out."""
    channels: dict[str, Channel] = {}
    for node in page.links_with_rel():
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


def software_of(page: Page) -> tuple[str, str] | None:
    """The blogging software a page reveals (a key of :data:`PLATFORM_FEEDS`) and how it revealed it."""
    generator = page.generator(with_content=True)
    content = (generator.attributes.get("content") or "").strip() if generator is not None else ""
    for key in ("ghost", "wordpress", "blogger"):
        if content.lower().startswith(key):
            return key, f'<meta name="generator" content="{content}">'
    served_by = page.fetched.headers.get("x-served-by", "")
    if "substack" in served_by.lower():
        return "substack", f"x-served-by: {served_by}"
    if page.tree.css_first('script[src*="substackcdn.com"], link[href*="substackcdn.com"]') is not None:
        return "substack", "assets from substackcdn.com"
    return None


async def probe_feeds(page_url: str, context: Context, software: tuple[str, str] | None = None) -> list[Channel]:
    """The first well-known feed path at the site's root that answers with a readable feed."""
    parts = urlsplit(page_url)
    paths = list(WELL_KNOWN_FEEDS)
    if software is not None:
        first = PLATFORM_FEEDS[software[0]][0]
        paths = [first, *(p for p in paths if p != first)]
    candidates = [f"{parts.scheme}://{parts.netloc}{path}" for path in paths]
    answers = await asyncio.gather(*(context.get(url) for url in candidates))  # once per audit, however many pages ask
    for index, (url, fetched) in enumerate(zip(candidates, answers)):
        if not fetched.ok:
            continue
        try:
            feed = parse_feed(fetched.body)
        except FeedError:
            continue
        how = "well-known feed path (none declared on the page)"
        if software is not None and index == 0:
            how = f"{PLATFORM_FEEDS[software[0]][1]}'s feed path (none declared; the page shows {software[1]})"
        return [Channel(
            platform="feed", url=url, kind="blog", title=feed.title, confidence=Confidence.MEDIUM,
            found_by=(Evidence(url, how, page_url),),
        )]
    return []


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(WebPlatform())
