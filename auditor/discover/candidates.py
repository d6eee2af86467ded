"""What one page of the brand's own site points at: profile candidates and the site's own pages.

Read from the parsed page, nothing fetched:

* ``<meta name="twitter:site|twitter:creator">`` (``@handle`` → ``https://x.com/handle``),
  ``<meta property="article:publisher">``, ``<meta name="fediverse:creator"
  content="@user@host">`` (→ ``https://host/@user``): confidence ``high``;
* ``rel="me"`` on ``<a>`` and ``<link>``: ``high``;
* JSON-LD ``sameAs`` (a string or an array) of ``Organization``/``Person`` nodes, also
  inside ``@graph`` and nested values: ``high``;
* ``<a href>``: ``medium`` in the header, footer, nav or a sidebar, and anywhere on the
  homepage or an about/contact page; ``low`` inside an article or on a blog page.
  Links inside embedded third-party posts (an embedded tweet, say) are skipped.

Links that are not http(s) (``javascript:``, ``mailto:``, ``file:``) or that point at
private, loopback or reserved addresses are never candidates. Work is bounded:
at most :data:`MAX_ANCHORS` distinct links, :data:`MAX_LINKS_READ` links looked at (copies of
one link count: a page of 100,000 copies of it costs no more than 20,000) and
:data:`MAX_JSON_LD_BYTES` of JSON-LD per page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborNode

from auditor.fetch.client import refusal
from auditor.models import Confidence, Evidence
from auditor.parse import jsonld
from auditor.plugin import REL_LINKS, Page
from auditor.urls import clean_url

MAX_ANCHORS = 5000
MAX_LINKS_READ = 4 * MAX_ANCHORS  # anchors looked at, repeats included
MAX_JSON_LD_BYTES = 512 * 1024
MAX_JSON_LD_NODES = 5000
CHROME_TAGS = frozenset({"header", "footer", "nav", "aside"})
CHROME_ROLES = frozenset({"banner", "contentinfo", "navigation", "complementary"})
CHROME_TOKENS = frozenset({
    "header", "footer", "site-header", "site-footer", "masthead", "colophon", "nav", "navbar", "navigation",
    "menu", "sidebar", "widget-area", "social", "social-links", "social-icons", "social-menu", "topbar",
})
ARTICLE_TOKENS = frozenset({"entry-content", "post-content", "article-body", "post-body", "hentry", "entry",
                            "article-content", "blog-post", "story-body"})
EMBED_TOKENS = frozenset({"twitter-tweet", "instagram-media", "tiktok-embed", "fb-post", "bluesky-embed",
                          "mastodon-embed", "reddit-embed-bq", "twitter-timeline"})
ORG_TYPES = frozenset({
    "organization", "person", "corporation", "localbusiness", "ngo", "educationalorganization",
    "governmentorganization", "newsmediaorganization", "onlinebusiness", "onlinestore", "store",
    "sportsorganization", "performinggroup", "musicgroup", "brand", "researchorganization",
    "medicalorganization", "project", "fundingscheme", "airline", "consortium", "cooperative",
    "librarysystem", "workersunion", "professionalservice", "restaurant",
})
FEDIVERSE_CREATOR = re.compile(r"@?([A-Za-z0-9_.\-]+)@([A-Za-z0-9.\-]+\.[A-Za-z]{2,})")
X_HANDLE = re.compile(r"@?([A-Za-z0-9_]{1,15})")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A URL the page points at, how sure we are it is the brand's, and where it was seen."""

    url: str
    confidence: Confidence
    evidence: Evidence
    origin: str = "link"  # how it was found: link, meta, rel=me, sameAs, hub


@dataclass(frozen=True, slots=True)
class SiteLink:
    """A link to a page (any host), with its anchor text and where it sat, for choosing pages to follow."""

    url: str
    text: str
    region: str  # "chrome", "article" or "body"


@dataclass(frozen=True)
class PageReading:
    candidates: tuple[Candidate, ...]
    links: tuple[SiteLink, ...]
    notes: tuple[str, ...] = ()


def read_page(page: Page, *, role: str = "home") -> PageReading:
    """Everything a page of the brand's site declares or links; ``role`` is home, about or blog."""
    candidates: list[Candidate] = []
    notes: list[str] = []
    candidates += _meta_candidates(page)
    candidates += _rel_me_candidates(page)
    candidates += _json_ld_candidates(page, notes)
    anchors, links = _anchor_candidates(page, role, notes)
    candidates += anchors
    return PageReading(tuple(candidates), tuple(links), tuple(notes))


def absolute(page: Page, href: str) -> str | None:
    """An absolute, cleaned http(s) URL for ``href`` on ``page``, or None when it must not become one."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    try:
        parts = urlsplit(href)
        if parts.scheme in ("http", "https") and parts.netloc:
            url = href  # already absolute: joining it to the base would only put its parts back together
        else:
            url = urljoin(page.base_url, href)
            parts = urlsplit(url)
        scheme = parts.scheme
    except ValueError:
        return None
    if scheme not in ("http", "https") or refusal(url):
        return None
    return clean_url(url)


# -- meta tags ---------------------------------------------------------------------------
def _meta_candidates(page: Page) -> list[Candidate]:
    found: list[Candidate] = []
    for node in page.tree.css("meta[content]"):
        key = (node.attributes.get("name") or node.attributes.get("property") or "").strip().lower()
        content = (node.attributes.get("content") or "").strip()
        if not content:
            continue
        url: str | None = None
        if key in ("twitter:site", "twitter:creator"):
            url = _x_url(content, page)
        elif key == "article:publisher":
            url = absolute(page, content) if content.lower().startswith(("http://", "https://")) else None
        elif key == "fediverse:creator":
            match = FEDIVERSE_CREATOR.fullmatch(content)
            url = absolute(page, f"https://{match.group(2)}/@{match.group(1)}") if match else None
        if url:
            found.append(Candidate(url, Confidence.HIGH, Evidence(page.url, f"meta {key}", content), origin="meta"))
    return found


def _x_url(content: str, page: Page) -> str | None:
    if content.lower().startswith(("http://", "https://")):
        return absolute(page, content)
    match = X_HANDLE.fullmatch(content)
    return f"https://x.com/{match.group(1)}" if match else None


# -- rel=me ------------------------------------------------------------------------------
def _rel_me_candidates(page: Page) -> list[Candidate]:
    found: list[Candidate] = []
    for node in page.css(REL_LINKS):
        if "me" not in (node.attributes.get("rel") or "").lower().split():
            continue
        href = node.attributes.get("href") or ""
        url = absolute(page, href)
        if url:
            found.append(Candidate(url, Confidence.HIGH, Evidence(page.url, f"{node.tag}[rel=me]", href.strip()),
                                   origin="rel=me"))
    return found


# -- JSON-LD -----------------------------------------------------------------------------
def _json_ld_candidates(page: Page, notes: list[str]) -> list[Candidate]:
    found: list[Candidate] = []
    for document in jsonld.documents(page.tree, page.url, notes, MAX_JSON_LD_BYTES):
        for value in _same_as(document):
            url = absolute(page, value)
            if url:
                found.append(Candidate(url, Confidence.HIGH, Evidence(page.url, "JSON-LD sameAs", value),
                                       origin="sameAs"))
    return found


def _same_as(document: object) -> list[str]:
    """``sameAs`` URLs of Organization/Person nodes anywhere in a JSON-LD document."""
    urls: list[str] = []
    for names, node in jsonld.nodes(document, skip=("sameAs",), max_nodes=MAX_JSON_LD_NODES):
        if any(name.rsplit("/", 1)[-1].lower() in ORG_TYPES for name in names):
            same = node.get("sameAs")
            if isinstance(same, str):
                urls.append(same)
            elif isinstance(same, list):
                urls += [item for item in same if isinstance(item, str)]
    return urls


# -- anchors -----------------------------------------------------------------------------
def _anchor_candidates(page: Page, role: str, notes: list[str]) -> tuple[list[Candidate], list[SiteLink]]:
    found: list[Candidate] = []
    links: list[SiteLink] = []
    seen: set[tuple[str, str]] = set()
    resolved: dict[str, str | None] = {}  # href as written → its URL, so a repeated href is resolved once
    regions: dict[int, _Chain] = {}  # what each ancestor's chain says (region_of)
    distinct = 0
    for looked, node in enumerate(page.css("a[href]")):
        if looked == MAX_LINKS_READ:
            notes.append(f"{page.url}: more than {MAX_LINKS_READ:,} links; the rest were not read")
            break
        href = node.attributes.get("href") or ""
        url = resolved[href] if href in resolved else resolved.setdefault(href, absolute(page, href))
        if url is None:
            continue
        region, element = region_of(node, regions)
        if region == "embed":
            continue
        key = (url, region)
        if key in seen:
            continue
        seen.add(key)
        distinct += 1
        if distinct > MAX_ANCHORS:
            notes.append(f"{page.url}: more than {MAX_ANCHORS:,} distinct links; the rest were not read")
            break
        links.append(SiteLink(url, (node.text(deep=True) or "").strip()[:80], region))
        if region == "chrome" or (region == "body" and role in ("home", "about")):
            confidence = Confidence.MEDIUM
        else:
            confidence = Confidence.LOW
        found.append(Candidate(url, confidence, Evidence(page.url, f"{element} a[href]", href.strip())))
    return found, links


# What the chain of elements from one element up to <body> says of a link inside it: the nearest
# embed or article verdict, else the nearest landmark's and the nearest chrome-styled element's names.
_Chain = tuple[str, str] | tuple[None, str | None, str | None]
_TOP: _Chain = (None, None, None)


def region_of(node: LexborNode, seen: dict[int, _Chain] | None = None) -> tuple[str, str]:
    """Where a link sits: ("chrome", "footer"), ("article", "article"), ("embed", …) or ("body", "body").

    Walks the link's ancestors up to ``<body>``: the nearest embed or article container decides;
    else the nearest landmark (header, footer, nav, aside, or their ARIA roles), else the nearest
    element whose class or id says header, footer, social and the like, makes it chrome. ``seen``
    (one dict per page) keeps what each ancestor's chain says, so the links of a page share their
    ancestors' walk: each element of the page is looked at once, however many links it holds."""
    seen = {} if seen is None else seen
    walked: list[LexborNode] = []
    current = node.parent
    chain = _TOP
    while current is not None:
        known = seen.get(current.mem_id)
        if known is not None:
            chain = known
            break
        if (current.tag or "") in ("body", "html", "-document"):
            break
        walked.append(current)
        current = current.parent
    for element in reversed(walked):  # from the top down, each element's chain from its parent's
        chain = seen[element.mem_id] = _chain_of(element, chain)
    if chain[0] is not None:
        return chain
    chrome = chain[1] or chain[2]
    return ("chrome", chrome) if chrome is not None else ("body", "body")


def _chain_of(element: LexborNode, above: _Chain) -> _Chain:
    """What the chain from ``element`` up says, given what the chain from its parent up says."""
    tag = element.tag or ""
    attributes = element.attributes
    tokens = set((attributes.get("class") or "").lower().split())
    tokens.add((attributes.get("id") or "").lower())
    if tokens & EMBED_TOKENS:
        return "embed", tag
    if tag == "article" or tokens & ARTICLE_TOKENS:
        return "article", "article"
    if above[0] is not None:  # an embed or article further up holds this element too
        return above
    role = (attributes.get("role") or "").lower()
    landmark = above[1]
    if tag in CHROME_TAGS:
        landmark = tag
    elif role in CHROME_ROLES:
        landmark = _chrome_name(tag, set(), role)
    styled = _chrome_name(tag, tokens, role) if tokens & CHROME_TOKENS else above[2]
    return None, landmark, styled


def _chrome_name(tag: str, tokens: set[str], role: str) -> str:
    for word, name in (("footer", "footer"), ("colophon", "footer"), ("contentinfo", "footer"), ("header", "header"),
                       ("masthead", "header"), ("banner", "header"), ("nav", "nav"), ("menu", "nav"),
                       ("navigation", "nav"), ("sidebar", "aside"), ("complementary", "aside")):
        if role == word or any(word in token for token in tokens):
            return name
    return f"{tag}.social"
