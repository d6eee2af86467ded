"""What one HTML page says about itself: every date on it, its publication date, and its comments.

:func:`extract_page` parses the page once (selectolax, lexbor backend) and runs every extractor
over that one tree: date candidates (:mod:`.dates`), the choice of the publication and
last-modified dates, the post's author, and the comments (:mod:`.comments`). Dates are read in
steps, each only when the ones before do not settle the day (:func:`.dates.settled`): the head
and the permalink, then the date under the headline and the body's machine dates (unless a
day-precise permalink settles the day: a page showing a later day than its metadata was
re-dated), then the body's text; ``candidates`` holds what was read. Which region
(post, comments, sidebar, the site's banner and footer) an element belongs to is worked out on demand from its
ancestors (:class:`.regions.Regions`), and the body's text is read in one piece with only the runs
that may hold a date looked at closely, so no Python loop visits every element. It reads nothing
but the HTML, the URL and the fetch time, and never reads the clock; ``fetched_at`` (for a web
archive's copy, the moment it was captured) bounds which dates are possible, and a date the text
writes on that day alone is the site's clock. Relative words ("3 days ago", "heute") are never a date: the page
does not say what they are relative to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from auditor.parse.htmldepth import parse_html

from auditor.models import Interaction
from auditor.parse.comments import Comment, find_comments, interactions_from, link_flat_replies, mark_owner_by_name
from auditor.parse import jsonld
from auditor.parse.datetext import captured_at
from auditor.parse.dates import (DateCandidate, choose, first_shown, head_candidates, headline_candidates,
                                  machine_candidates,
                                  month_first, script_candidates, settled, split_candidates, text_candidates,
                                  url_candidates)
from auditor.parse.regions import COMMENT, SIDEBAR, Regions

__all__ = ["Comment", "DateCandidate", "PageExtract", "extract_page", "interactions_from", "link_flat_replies",
           "mark_owner_by_name"]

AUTHOR_SELECTORS = ('[rel="author"]', ".author.vcard .fn", ".author .fn", ".byline .author", ".entry-meta .author",
                    ".post-author .fn", ".post-author", "[itemprop=author] [itemprop=name]", "[itemprop=author]",
                    ".author-name", ".byline")
_ANY_AUTHOR = ", ".join(AUTHOR_SELECTORS)


@dataclass(frozen=True, slots=True)
class PageExtract:
    """Everything :func:`extract_page` read from one page."""

    url: str
    fetched_at: datetime
    title: str
    author: str  # the post's author, when the page names one
    candidates: tuple[DateCandidate, ...]
    published: DateCandidate | None
    modified: DateCandidate | None
    comments: tuple[Comment, ...]
    note: str = ""  # why there is no publication date, when there is none

    @property
    def owner_replies(self) -> tuple[Comment, ...]:
        return tuple(c for c in self.comments if c.is_owner)

    @property
    def last_activity(self) -> datetime | None:
        """The newest sign of the owner on this page: the post's publication or an owner comment."""
        return self.last_activity_and_source[0]

    @property
    def last_activity_and_source(self) -> tuple[datetime | None, str]:
        best: tuple[datetime | None, str] = (None, "")
        if self.published is not None:
            best = (self.published.value, self.published.source)
        for reply in self.owner_replies:
            if reply.at is not None and reply.at <= self.fetched_at and (best[0] is None or reply.at > best[0]):
                best = (reply.at, f"owner comment {reply.id}")
        return best

    def interactions(self) -> tuple[Interaction, ...]:
        """The visitors' comments, each with the owner's first reply (threaded or "@Name"), if any."""
        return interactions_from(self.comments, self.url.split("#", 1)[0])


def extract_page(html: str, url: str, fetched_at: datetime) -> PageExtract:
    """Read the dates and comments of one HTML page fetched from ``url`` at ``fetched_at``."""
    if fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=timezone.utc)
    read_at = min(fetched_at, captured_at(url) or fetched_at)  # an archived copy was read when it was captured
    tree = parse_html(html)
    regions = Regions(tree)
    heads = tree.css("meta[content], title")  # one pass for both: a <meta> only matches the first, a <title> the second
    metas, documents = [n for n in heads if n.tag == "meta"], jsonld.documents(tree)
    english_order = month_first(tree, metas)
    # Read in steps, each only when the ones before do not settle the day: the head and the permalink
    # (a day-precise permalink settles it), the body's machine dates and the date under the headline
    # (read even when the metadata settles the day: a page that shows a later day than its metadata
    # was re-dated, see :func:`.dates.choose`), then the body's text.
    head_dates, urls = tuple(head_candidates(metas, documents, english_order)), tuple(url_candidates(url))
    candidates = head_dates + urls
    published, modified, note = choose(candidates, read_at)
    shown: tuple[DateCandidate, ...] = ()
    if not (any(c.precision == "day" for c in urls) and settled(published, candidates, read_at)):
        headline = tuple(headline_candidates(tree, regions, english_order))
        if settled(published, candidates, read_at, worst_tier=2):  # the metadata's moment, checked against
            shown = headline or first_shown(regions, english_order)  # the day under the headline, else the first shown
        else:
            shown = tuple(machine_candidates(regions, english_order)) + headline
        candidates = head_dates + shown + urls
        published, modified, note = choose(candidates, read_at)
    if not settled(published, candidates, read_at):  # the body's text may hold the day, or a better one
        candidates = (head_dates + shown + tuple(text_candidates(tree, regions, english_order))
                      + tuple(split_candidates(tree, regions, english_order)) + urls)
        published, modified, note = choose(candidates, read_at)
    if published is None:  # the last resort: dates in the page's script data
        extra = tuple(script_candidates(html))
        if extra:
            candidates += extra
            published, modified, note = choose(candidates, read_at)
    author = post_author(tree, regions, metas, documents)
    comments = (find_comments(tree, url, author, month_first=english_order,
                              owner_slugs=lambda: author_slugs(tree, html, author))
                if "comment" in html else ())  # every comment container's class or id says "comment"
    title_node = next((n for n in heads if n.tag == "title"), None)
    title = " ".join(title_node.text().split()) if title_node is not None else ""
    return PageExtract(url=url, fetched_at=fetched_at, title=title, author=author, candidates=candidates,
                       published=published, modified=modified, comments=comments, note=note)


def post_author(tree: LexborHTMLParser, regions: Regions, metas: list[LexborNode], documents: list[Any]) -> str:
    """The post's author: JSON-LD article author, ``<meta name="author">``, then byline markup outside comments.

    ``metas`` are the page's ``meta[content]`` elements and ``documents`` its parsed JSON-LD, both
    read once per page for the dates too.
    """
    for document in documents:
        name = _json_ld_author(document)
        if name:
            return name
    meta = next((m for m in metas if m.attributes.get("name") == "author"), None)  # as meta[name="author"]
    if meta is not None and (meta.attributes.get("content") or "").strip():
        return " ".join((meta.attributes.get("content") or "").split())
    # One query finds every byline candidate; the selectors' order only matters among the usable ones.
    usable: dict[int, tuple[LexborNode, str]] = {}
    for node in tree.css(_ANY_AUTHOR):
        if node.mem_id not in usable and regions.region(node) not in (COMMENT, SIDEBAR):
            usable[node.mem_id] = (node, _byline_name(node))
    named = [(node, name) for node, name in usable.values() if name]
    for selector in AUTHOR_SELECTORS:  # the first selector any usable byline matches, then page order
        for node, name in named:
            if node.css_matches(selector):
                return name
    return ""


_AUTHOR_PATH = re.compile(r"/author/([^/?#]+)")


def author_slugs(tree: LexborHTMLParser, html: str, author: str) -> frozenset[str]:
    """The post author's WordPress user names: from the name ("Jane Doe" → "jane-doe") and from the
    /author/ links that name them (a page may link other authors too)."""
    if not author:
        return frozenset()
    slugs = {re.sub(r"[^a-z0-9]+", "-", author.lower()).strip("-")}
    name = " ".join(author.split()).casefold()
    for link in tree.css('a[href*="/author/"]') if "/author/" in html else ():
        found = _AUTHOR_PATH.search(link.attributes.get("href") or "")
        if found and " ".join(link.text(deep=True).split()).casefold() == name:
            slugs.add(found.group(1).lower())
    return frozenset(s for s in slugs if s)


def _byline_name(node: LexborNode) -> str:
    text = " ".join(node.text(deep=True).split())
    for prefix in ("Posted by ", "posted by ", "By ", "by ", "Von ", "Par ", "Por ", "Door "):
        text = text.removeprefix(prefix)
    return text


def _json_ld_author(document: object) -> str:
    """The author's name of the first article in a JSON-LD document, or ""."""
    for names, node in jsonld.nodes(document, skip=("author",), max_depth=5):
        if any(name in ("Article", "BlogPosting", "NewsArticle") for name in names):
            author = node.get("author")
            author = author[0] if isinstance(author, list) and author else author
            if isinstance(author, dict) and isinstance(author.get("name"), str):
                return author["name"].strip()
            if isinstance(author, str):
                return author.strip()
    return ""
