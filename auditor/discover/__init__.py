"""Discovery: every channel a brand has, and only the brand's, each with its evidence and confidence.

Reads, in order:

1. each homepage the user gave (a ``web`` channel, ``given``), parsed once; every
   registered platform's ``discover`` runs on it (feeds, platform markers), and
   :mod:`auditor.discover.candidates` lists what it links and declares;
2. up to ``max_pages`` of the site's own pages where profiles usually live (about,
   contact, press, blog; linked from the homepage, same registered domain, subdomains
   included), found through the sitemaps when the homepage links too few;
3. the channels and handles the user named (``given``; handles are probed only on request);
4. the link-in-bio hubs (Linktree, Beacons, ...) found on those pages or named by the user,
   one hop deep: each is a page of channel links, not a channel, and the channels it lists
   are found through it (``Channel.found_through``), by the same rules as any link.

Discovery explains itself: ``Discovery.origins`` says for each channel how it was found
(page, link, meta, sameAs, rel=me, hub, given, probe) and ``Discovery.rejected`` each link it
did not take, and why (:mod:`auditor.discover.explain`).

Each candidate URL is classified by asking the registered platforms' ``recognise`` in
priority order (the catch-all ``web`` platform excepted), so any installed plugin takes
part. Channels are de-duplicated by :func:`auditor.urls.canonical_url`; merging keeps the
highest confidence and all evidence. Theme and CMS demo profiles are dropped, as are links
to private addresses and non-web schemes (never fetched, never channels).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from auditor.discover.candidates import Candidate, SiteLink, read_page
from auditor.discover.brand import brand_from
from auditor.discover.explain import HUB_ON_HUB, THEME_DEMO, Rejection, why_rejected
from auditor.discover.hubs import hub_candidates
from auditor.fetch.client import Fetched, Fetcher
from auditor.fetch.session import fetcher_for
from auditor.models import Activity, Brand, Channel, Confidence, Evidence, RequestRecord, Status
from auditor.options import AuditOptions, context_for
from auditor.plugin import Context, Page, Platform
from auditor.plugin import Registry, load_registry
from auditor.parse.sitemaps import parse_sitemap, pick_children
from auditor.urls import canonical_url, host_of, path_segments, registered_domain, same_site
from auditor.redact import Redactor

log = logging.getLogger(__name__)

CONFIDENCE_ORDER = [Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH, Confidence.GIVEN]
CATCH_ALL = "web"
HUB_KIND = "hub"  # a link-in-bio page of channel links (plugins/linkinbio.py): read, never a channel
MAX_HUBS = 3  # hubs read per brand
# Profiles that themes and CMS templates link by default; never the brand's unless it is that vendor.
THEME_DEMO_HANDLES = frozenset({
    "wordpress", "wordpressdotcom", "automattic", "jetpack", "woocommerce", "themeforest", "envato", "elementor",
    "wix", "squarespace", "shopify", "tryghost", "ghost", "hubspot", "weebly", "jimdo", "godaddy", "elegantthemes",
    "divi", "wpastra", "generatepress", "oceanwp", "themeisle", "kadencewp", "mailchimp", "webflow", "joomla",
    "drupal", "blogger", "yourusername", "username", "yourhandle", "yourpage", "example", "#",
})
# Which of the site's own pages to read, by path word or anchor text: (role, rank).
PAGE_WORDS = {
    "about": ("about", 0), "about-us": ("about", 0), "aboutus": ("about", 0), "company": ("about", 1),
    "who-we-are": ("about", 1), "team": ("about", 2), "impressum": ("about", 1), "imprint": ("about", 1),
    "contact": ("about", 0), "contact-us": ("about", 0), "contactus": ("about", 0), "kontakt": ("about", 0),
    "press": ("about", 1), "newsroom": ("about", 1), "media": ("about", 2), "community": ("about", 2),
    "connect": ("about", 2), "follow": ("about", 2), "social": ("about", 2),
    "blog": ("blog", 1), "news": ("blog", 2), "journal": ("blog", 2),
}
NOT_PAGES = re.compile(r"\.(pdf|jpe?g|png|gif|webp|svg|zip|gz|mp[34]|mov|xml|json|rss|atom|css|js|ico)$", re.I)


@dataclass(frozen=True, slots=True)
class HandleProbe:
    """What looking a handle up on one platform said: found, absent, blocked or unknown, and why."""

    platform: str
    handle: str
    url: str
    outcome: str
    reason: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Discovery:
    """Stage 1's result: the brand's channels, with what was learnt and fetched on the way.

    ``responses`` and ``requests`` are handed to :func:`auditor.collect.collect`, so a page or
    feed read during discovery is not fetched again, and the audit's statistics count each
    request once.
    """

    channels: tuple[Channel, ...]
    probes: tuple[HandleProbe, ...] = ()
    notes: tuple[str, ...] = ()  # limits hit and inputs skipped, for a person
    brand: Brand | None = None
    as_of: datetime | None = None
    responses: Mapping[str, Fetched] = field(default_factory=dict, compare=False, repr=False)
    parsed: Mapping[int, Page] = field(default_factory=dict, compare=False, repr=False)  # the pages of those responses
    requests: tuple[RequestRecord, ...] = field(default=(), compare=False, repr=False)
    origins: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False)  # channel URL → how found
    rejected: tuple[Rejection, ...] = field(default=(), compare=False)  # links not taken as channels, and why


# -- the stage function ------------------------------------------------------------------
async def discover_async(
    target: str | Brand,
    *,
    options: AuditOptions = AuditOptions(),
    fetcher: Fetcher | None = None,
    client: httpx.AsyncClient | None = None,
    registry: Registry | None = None,
) -> Discovery:
    """Stage 1: the brand's channels (a Brand, or a homepage URL), each with its evidence and confidence.

    Reads the homepages and a few of the site's own pages, the channels the user named and,
    with ``options.probe_handles``, the profiles the brand's handles are found under.
    """
    brand = brand_from(target)
    as_of = options.moment()
    registry = registry or load_registry()
    async with fetcher_for(options.fetch, fetcher=fetcher, client=client) as own:
        context = context_for(options, own, as_of)
        with own.recording() as records:
            run = _Run(brand, context, registry, options.max_pages)
            await run.pages()
            run.given()
            await run.read_hubs()
            probes: tuple[HandleProbe, ...] = ()
            if options.probe_handles and brand.handles:
                probes = await probe_handles(brand.handles, context, registry)
                run.probed(probes)
    redactor = Redactor.of(context.credentials)  # what a server echoed of a secret is not shown
    for note in run.notes:
        log.info("discovery: %s", redactor.text(note))
    channels = redactor(tuple(without_covered(list(run.found.values()), registry)))
    origins = {c.url: tuple(sorted(run.origins.get(canonical_url(c.url), ()))) for c in channels}
    return Discovery(channels, redactor(probes), redactor(tuple(run.notes)), brand=brand, as_of=as_of,
                     responses=dict(context.pages), parsed=dict(context.parsed), requests=tuple(records),
                     origins=origins, rejected=tuple(run.rejected.values()))


def discover(target: str | Brand, **kwargs: Any) -> Discovery:
    """Synchronous :func:`discover_async`."""
    return asyncio.run(discover_async(target, **kwargs))


def without_covered(channels: list[Channel], registry: Registry) -> list[Channel]:
    """Drop channels another channel's collection already reads (a WordPress site's own /feed/),
    so the same posts are not fetched and judged twice; their evidence joins the covering channel."""
    kept = list(channels)
    for owner in channels:
        platform = registry.platforms.get(owner.platform)
        if platform is None:
            continue
        for other in channels:
            if other is not owner and other in kept and owner in kept and other.confidence is not Confidence.GIVEN \
                    and platform.covers(owner, other.url):
                kept.remove(other)
                index = kept.index(owner)
                kept[index] = replace(kept[index], found_by=kept[index].found_by + other.found_by)
    return kept


# -- one discovery run -------------------------------------------------------------------
class _Run:
    def __init__(self, brand: Brand, context: Context, registry: Registry, max_pages: int) -> None:
        self.brand = brand
        self.context = context
        self.registry = registry
        self.platforms = registry.platforms_by_priority()
        # Only platforms with a discover of their own read pages: the kit's default finds nothing,
        # and a task per platform per page is most of what reading a page costs the event loop.
        self.reading = [p for p in self.platforms if type(p).discover is not Platform.discover]
        self.max_pages = max_pages
        self.found: dict[str, Channel] = {}
        self.notes: list[str] = []
        self.read: set[str] = set()  # canonical URLs of pages already parsed
        self.hubs: dict[str, tuple[Channel, Candidate | None]] = {}  # link-in-bio hubs to read, by canonical URL
        self.origins: dict[str, set[str]] = {}  # canonical channel URL → how it was found
        self.rejected: dict[str, Rejection] = {}  # by URL: links not taken, and why
        self.sites = {registered_domain(host_of(url)) for url in brand.homepages}

    async def pages(self) -> None:
        web = self.registry.platform(CATCH_ALL)
        for homepage in self.brand.homepages:
            self.take(Channel(platform=web.name, url=homepage, kind=web.kind, confidence=Confidence.GIVEN,
                              found_by=(Evidence(homepage, "homepage given by the user"),)), "given")
            fetched = await self.context.get(homepage)
            if not _is_html(fetched):
                self.notes.append(f"{homepage} was not read for links: {_why_unread(fetched)}")
                continue
            if not same_site(fetched.final_url, homepage):
                self.notes.append(f"{homepage} redirected to another site, {fetched.final_url}; read as the brand's")
                self.sites.add(registered_domain(host_of(fetched.final_url)))
            page = self.context.page(fetched)
            links = await self.read_page(page, "home")
            follow = self.choose_pages(page, links)
            if len(follow) < 2:
                follow += await self.pages_from_sitemaps(page, follow)
            await asyncio.gather(*(self.follow(url, role) for url, role in follow[: self.max_pages]))

    async def read_page(self, page: Page, role: str) -> tuple[SiteLink, ...]:
        """Run every platform's discover on the page and classify what it links; the page's links."""
        self.read.add(canonical_url(page.url))
        for channels in await _discover_all(self.reading, page, self.context):
            for channel in channels:
                self.take(channel, "page")
        reading = read_page(page, role=role)
        self.notes += reading.notes
        for candidate in reading.candidates:
            self.consider(candidate, page)
        return reading.links

    def take(self, channel: Channel, origin: str) -> None:
        _merge(self.found, channel)
        self.origins.setdefault(canonical_url(channel.url), set()).add(origin)

    def reject(self, url: str, page: Page, reason: str) -> None:
        self.rejected.setdefault(url, Rejection(url, page.url, reason))

    def consider(self, candidate: Candidate, page: Page, *, through: str = "") -> None:
        channel = recognise(self.platforms, candidate.url, include_catch_all=False)
        if channel is None:
            channel = self._own_subdomain(candidate, page)
        if channel is None:
            self.reject(candidate.url, page, why_rejected(candidate.url, own=self.is_own(candidate.url)))
            return
        if self.is_theme_demo(channel):
            self.reject(candidate.url, page, THEME_DEMO)
            return
        if channel.kind == HUB_KIND:
            if through:
                self.reject(candidate.url, page, HUB_ON_HUB)
            else:
                self.hubs.setdefault(canonical_url(channel.url), (channel, candidate))
            return
        self.take(replace(channel, confidence=candidate.confidence, found_by=(candidate.evidence,),
                          found_through=through), candidate.origin)

    async def read_hubs(self) -> None:
        """Read each link-in-bio hub found (at most :data:`MAX_HUBS`) and take the channels it lists."""
        hubs = list(self.hubs.values())
        if len(hubs) > MAX_HUBS:
            self.notes.append(f"{len(hubs)} link-in-bio hubs found; only the first {MAX_HUBS} were read")
        for hub, candidate in hubs[:MAX_HUBS]:
            fetched = await self.context.get(hub.url)
            if not _is_html(fetched):
                self.notes.append(f"link-in-bio hub {hub.url} not read: {fetched.describe()}")
                continue
            page = self.context.page(fetched, "hub")
            confidence = candidate.confidence if candidate is not None else Confidence.MEDIUM
            for found in hub_candidates(page, confidence, hub.title):
                if canonical_url(found.url) != canonical_url(hub.url):
                    self.consider(found, page, through=hub.url)

    def _own_subdomain(self, candidate: Candidate, page: Page) -> Channel | None:
        """Another host of the brand's own domain linked at its root (``blog.bigbrand.example``) is a website."""
        host = host_of(candidate.url)
        if candidate.confidence is Confidence.LOW or not self.is_own(candidate.url):
            return None
        if path_segments(candidate.url) or urlsplit(candidate.url).query or host == host_of(page.url):
            return None
        if any(host == host_of(url) for url in self.brand.homepages):
            return None
        web = self.registry.platform(CATCH_ALL)
        return web.recognise(candidate.url)

    def is_own(self, url: str) -> bool:
        return registered_domain(host_of(url)) in self.sites

    def is_theme_demo(self, channel: Channel) -> bool:
        handle = channel.handle.lower().lstrip("@")
        if handle not in THEME_DEMO_HANDLES:
            return False
        return not any(site.split(".")[0] == handle for site in self.sites)

    def choose_pages(self, page: Page, links: tuple[SiteLink, ...]) -> list[tuple[str, str]]:
        """The site's own pages worth reading for profiles: at most one per word, best ranked first."""
        chosen: dict[str, tuple[int, str, str]] = {}
        for link in links:
            if not self.is_own(link.url) or NOT_PAGES.search(urlsplit(link.url).path):
                continue
            key = canonical_url(link.url)
            if key in self.read or key == canonical_url(page.url):
                continue
            word = _page_word(link)
            if word is None or word in chosen:
                continue
            role, rank = PAGE_WORDS[word]
            chosen[word] = (rank + (0 if link.region == "chrome" else 1), link.url, role)
        ranked = sorted(chosen.values())
        unique: list[tuple[str, str]] = []
        for _, url, role in ranked:
            if all(canonical_url(url) != canonical_url(known) for known, _ in unique):
                unique.append((url, role))
        return unique[: self.max_pages]

    async def pages_from_sitemaps(self, page: Page, chosen: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """About/contact/press pages listed in the site's sitemaps, for homepages that link too few."""
        parts = urlsplit(page.url)
        origin = f"{parts.scheme}://{parts.netloc}"
        declared = list(await self.context.fetcher.robots_sitemaps(origin))
        generator = page.generator()
        wordpress = generator is not None and "wordpress" in (generator.attributes.get("content") or "").lower()
        defaults = ["/wp-sitemap.xml", "/sitemap_index.xml"] if wordpress else ["/sitemap.xml", "/sitemap_index.xml"]
        candidates = declared or [origin + path for path in defaults]
        # Read at once (the fetcher still spaces them by the host's gap): every declared sitemap,
        # or both guessed locations, of which the first readable one is used.
        readings = await asyncio.gather(*(self.read_sitemap(url) for url in candidates))
        pages: list[str] = []
        for found in readings:
            if found is not None:
                pages += found
                if not declared:
                    break
        taken = {canonical_url(url) for url, _ in chosen}
        words = {word for url, _ in chosen for word in [_page_word(SiteLink(url, "", "body"))] if word}
        extra: list[tuple[int, str, str]] = []
        for url in pages:
            if not self.is_own(url) or canonical_url(url) in taken or canonical_url(url) in self.read:
                continue
            segments = path_segments(url)
            word = segments[-1].lower() if len(segments) == 1 else None
            if word in PAGE_WORDS and word not in words and PAGE_WORDS[word][0] == "about":
                words.add(word)
                extra.append((PAGE_WORDS[word][1], url, PAGE_WORDS[word][0]))
        return [(url, role) for _, url, role in sorted(extra)][: max(0, self.max_pages - len(chosen))]

    async def read_sitemap(self, url: str) -> list[str] | None:
        """Page URLs of one sitemap (an index's best children included); None when it is unreadable."""
        fetched = await self.context.get(url)
        if not fetched.ok:
            if fetched.status != 404:
                self.notes.append(f"sitemap {url} not read: {fetched.describe()}")
            return None
        sitemap = parse_sitemap(fetched.body, url)
        self.notes += sitemap.notes
        if not sitemap.pages and not sitemap.children:
            return None if sitemap.notes else []
        pages = list(sitemap.pages)
        for child in pick_children(sitemap.children):
            if not self.is_own(child):
                continue
            answer = await self.context.get(child)
            if answer.ok:
                nested = parse_sitemap(answer.body, child)
                self.notes += nested.notes
                pages += nested.pages  # an index inside an index is not followed further
        return pages

    async def follow(self, url: str, role: str) -> None:
        fetched = await self.context.get(url)
        if not _is_html(fetched):
            return
        if not self.is_own(fetched.final_url):
            self.notes.append(f"{url} redirected off the brand's site to {fetched.final_url}; not read")
            return
        key = canonical_url(fetched.final_url)
        if key in self.read:
            return
        await self.read_page(self.context.page(fetched, role), role)

    def given(self) -> None:
        for url in self.brand.channels:
            channel = recognise(self.platforms, url)
            if channel is not None and channel.kind == HUB_KIND:
                self.hubs.setdefault(canonical_url(channel.url), (channel, Candidate(
                    url, Confidence.HIGH, Evidence(url, "hub given by the user"), origin="given")))
            elif channel is not None:
                self.take(replace(channel, confidence=Confidence.GIVEN,
                                  found_by=(Evidence(url, "channel given by the user"),)), "given")

    def probed(self, probes: tuple[HandleProbe, ...]) -> None:
        for probe in probes:
            if probe.outcome != "found":
                continue
            channel = recognise(self.platforms, probe.url)
            if channel is None:
                continue
            evidence = Evidence(probe.url, "handle given by the user, probed", f"{probe.handle}: {probe.reason}")
            self.take(replace(channel, confidence=Confidence.LOW, found_by=(evidence,)), "probe")


def _page_word(link: SiteLink) -> str | None:
    segments = path_segments(link.url)
    if len(segments) == 1 and segments[0].lower() in PAGE_WORDS:
        return segments[0].lower()
    if not segments:
        label = host_of(link.url).split(".")[0]
        return label if label in PAGE_WORDS and PAGE_WORDS[label][0] == "blog" else None
    text = link.text.strip().lower()
    return text if text in PAGE_WORDS and len(segments) <= 2 else None


# -- handle probing ----------------------------------------------------------------------
async def probe_handles(handles: tuple[str, ...], context: Context, registry: Registry) -> tuple[HandleProbe, ...]:
    """Look each handle up on every platform that maps handles to profile URLs."""
    jobs: list[tuple[Platform, str, str]] = []
    for handle in handles:
        for platform in registry.platforms_by_priority():
            url = platform.profile_url(handle)
            if url:
                jobs.append((platform, handle, url))
    results = await asyncio.gather(*(_probe(p, h, u, context) for p, h, u in jobs))
    return tuple(results)


async def _probe(platform: Platform, handle: str, url: str, context: Context) -> HandleProbe:
    channel = platform.recognise(url) or Channel(platform=platform.name, url=url, kind=platform.kind, handle=handle)
    try:
        activity = await platform.collect(channel, context)
    except Exception as exc:  # noqa: BLE001 - a plugin bug makes this probe unknown, nothing more
        return HandleProbe(platform.name, handle, channel.url, "unknown", f"the plugin failed: {exc}")
    return HandleProbe(platform.name, handle, channel.url, probe_outcome(activity), activity.reason, activity.evidence)


def probe_outcome(activity: Activity) -> str:
    """found / absent / blocked / unknown; a login wall counts as found only with an existence signal."""
    if activity.status is Status.OK:
        return "found"
    if activity.status in (Status.NOT_FOUND, Status.GONE):
        return "absent"
    if activity.status is Status.BLOCKED:
        return "blocked"
    if activity.status is Status.LOGIN_WALL and activity.exists is not None:
        return "found" if activity.exists else "absent"
    return "unknown"


# -- helpers -----------------------------------------------------------------------------
def recognise(platforms: list[Platform], url: str, *, include_catch_all: bool = True) -> Channel | None:
    """The first platform's channel for ``url``, in priority order.

    For links found on pages (``include_catch_all=False``), platforms whose recognition is
    only a guess from the URL's shape (``Platform.speculative``) are not asked: their own
    ``discover`` must confirm the channel from its markup.
    """
    for platform in platforms:
        if not include_catch_all and (platform.name == CATCH_ALL or platform.speculative):
            continue
        try:
            channel = platform.recognise(url)
        except Exception:  # noqa: BLE001 - a plugin bug must not end discovery
            log.exception("the %s plugin failed to recognise %s", platform.name, url)
            continue
        if channel is not None:
            return channel
    return None


def _merge(found: dict[str, Channel], channel: Channel) -> None:
    key = canonical_url(channel.url)
    known = found.get(key)
    if known is None:
        found[key] = channel
        return
    confidence = max(known.confidence, channel.confidence, key=CONFIDENCE_ORDER.index)
    evidence = known.found_by + tuple(e for e in channel.found_by if e not in known.found_by)
    found[key] = replace(known, confidence=confidence, found_by=evidence, title=known.title or channel.title,
                         handle=known.handle or channel.handle)


async def _discover_all(platforms: list[Platform], page: Page, context: Context) -> list[list[Channel]]:
    """Each platform's discover on the page, in the platforms' order: those that may fetch each in a
    task of its own, started first; those that only read the page (``discover_fetches = False``)
    one after another in this task meanwhile."""
    tasks = {index: asyncio.ensure_future(_discover_on(platform, page, context))
             for index, platform in enumerate(platforms) if platform.discover_fetches}
    try:
        inline = {index: await _discover_on(platform, page, context)
                  for index, platform in enumerate(platforms) if index not in tasks}
        if tasks:
            await asyncio.gather(*tasks.values())
    except BaseException:  # cancelled (a plugin's own errors are caught in _discover_on): no task outlives the page
        for task in tasks.values():
            task.cancel()
        raise
    return [inline[index] if index in inline else tasks[index].result() for index in range(len(platforms))]


async def _discover_on(platform: Platform, page: Page, context: Context) -> list[Channel]:
    try:
        return await platform.discover(page, context)
    except Exception:  # noqa: BLE001 - a plugin bug must not end the audit; its channels are just missing
        log.exception("the %s plugin failed while reading %s", platform.name, page.url)
        return []


def _is_html(fetched: Fetched) -> bool:
    return fetched.ok and "html" in (fetched.content_type or "text/html")


def _why_unread(fetched: Fetched) -> str:
    if fetched.error:
        return fetched.error
    if not fetched.ok:
        return f"HTTP {fetched.status}"
    return f"it is {fetched.content_type}, not a web page"
