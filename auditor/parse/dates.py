"""Date candidates on a page, each with its source and region, and the choice among them.

Sources, read from one parsed tree: ``<meta>`` (``article:published_time``,
``article:modified_time``, ``og:updated_time``, ``itemprop``…), JSON-LD
``datePublished``/``dateModified`` (also inside ``@graph``), ``<time datetime>`` and
hAtom ``<abbr title>``, visible date text (see :mod:`.datetext`), the permalink path and
copyright notices.

The publication date is the first usable candidate in this order: JSON-LD of an
article-like node, ``<meta>``, other JSON-LD, a machine date in the post, date text in the
post, a day-precise permalink date, then a machine date or text in the rest of the page.
Dates in sidebars, comments and the site footer, copyright years, month-only permalinks
and dates past the fetch (plus a day) never count as the post's date.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from auditor.parse.datetext import copyright_years, find_dates, parse_machine_date, runs_with_hints, url_date
from auditor.parse.regions import COMMENT, FOOTER, PAGE, POST, SEPARATOR, SIDEBAR, Regions, tokens, walk

PUBLISHED, MODIFIED, DATE, COPYRIGHT = "published", "modified", "date", "copyright"
HEAD, URL = "head", "url"
ARTICLE_TYPES = frozenset({"Article", "BlogPosting", "NewsArticle", "Report", "TechArticle", "SocialMediaPosting",
                           "LiveBlogPosting", "DiscussionForumPosting", "OpinionNewsArticle", "Posting"})
META_PUBLISHED = frozenset({"article:published_time", "og:article:published_time", "datepublished", "dc.date.issued",
                            "dc.date", "dcterms.date", "date", "pubdate", "publishdate", "publish-date",
                            "parsely-pub-date", "sailthru.date", "article.published"})
META_MODIFIED = frozenset({"article:modified_time", "og:updated_time", "og:article:modified_time", "datemodified",
                           "dcterms.modified", "last-modified"})
EARLIEST = datetime(1995, 1, 1, tzinfo=timezone.utc)
_BRITISH = ("en-gb", "en-au", "en-nz", "en-ie", "en-in", "en-za")


@dataclass(frozen=True, slots=True)
class DateCandidate:
    """One date seen on the page: what, where it was read, what it claims to be, and the raw text."""

    value: datetime
    source: str  # e.g. "meta article:published_time", "json-ld BlogPosting.datePublished", "<time datetime>"
    role: str  # published | modified | date | copyright
    region: str  # head | post | comment | sidebar | footer | page | url
    precision: str  # time | minute | day | month | year | relative
    text: str

    def describe(self) -> str:
        return f"{self.source} in {self.region}: {self.text!r}"


def month_first(tree: LexborHTMLParser) -> bool:
    html = tree.root
    lang = (html.attributes.get("lang") or "").lower() if html is not None else ""
    return (not lang or lang.startswith("en")) and not lang.startswith(_BRITISH)


def json_ld_documents(tree: LexborHTMLParser) -> list[Any]:
    """Every ``<script type="application/ld+json">`` of the page that parses, in page order (read once per page)."""
    documents = []
    for script in tree.css('script[type="application/ld+json"]'):
        try:
            documents.append(json.loads(script.text(deep=True) or ""))
        except (ValueError, RecursionError):
            continue
    return documents


def head_candidates(metas: list[LexborNode], documents: list[Any]) -> Iterator[DateCandidate]:
    """Dates of ``<meta content>`` elements (``metas``, in page order) and of the JSON-LD ``documents``."""
    for meta in metas:
        attributes = meta.attributes
        key = (attributes.get("property") or attributes.get("name") or attributes.get("itemprop")
               or attributes.get("http-equiv") or "").strip().lower()
        role = PUBLISHED if key in META_PUBLISHED else MODIFIED if key in META_MODIFIED else None
        if role is None:
            continue
        raw = attributes.get("content") or ""
        value = parse_machine_date(raw)
        if value is not None:
            yield DateCandidate(value, f"meta {key}", role, HEAD, "time" if "T" in raw else "day", raw)
    for document in documents:
        for kind, node in _json_ld_nodes(document, 0):
            for key, role in (("datePublished", PUBLISHED), ("dateModified", MODIFIED), ("dateCreated", DATE)):
                raw = node.get(key)
                value = parse_machine_date(raw) if isinstance(raw, str) else None
                if value is not None and raw is not None:
                    yield DateCandidate(value, f"json-ld {kind}.{key}", role, HEAD,
                                        "time" if "T" in raw else "day", raw)


def _json_ld_nodes(document: Any, depth: int) -> Iterator[tuple[str, dict[str, Any]]]:
    if depth > 6:
        return
    if isinstance(document, list):
        for entry in document:
            yield from _json_ld_nodes(entry, depth + 1)
        return
    if not isinstance(document, dict):
        return
    kind = document.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    names = [k for k in kinds if isinstance(k, str)]
    if names and "Comment" not in names:
        yield "/".join(names), document
    for key, value in document.items():
        if key in ("@graph", "mainEntity", "mainEntityOfPage", "hasPart") or isinstance(value, list) and key == "itemListElement":
            yield from _json_ld_nodes(value, depth + 1)


def body_candidates(tree: LexborHTMLParser, regions: Regions, fetched_at: datetime,
                    month_first_dates: bool) -> Iterator[DateCandidate]:
    """Machine dates of the body's elements, then dates and copyright notices in its text, in page order.

    The same candidates a :func:`~.walk.walk` over every node gives, found without one: the body's
    text comes out of lexbor in one piece, one scan finds the few runs that may hold a date, and
    only those runs are read and placed in their region.
    """
    for node, region in regions.date_elements():
        yield from _machine_candidate(node, region)
    body = regions.body
    if body is None:
        return
    hinted = runs_with_hints(body.text(deep=True, separator=SEPARATOR, skip_empty=True), SEPARATOR)
    if not hinted:
        return
    placed = regions.text_regions(hinted)  # placing first spares reading runs the walk skips (<time> text…)
    if placed is None:  # the text did not line up with the tree: read it the slow, sure way
        for text, region in walk(tree).texts:
            yield from _text_candidates(text, region, fetched_at, month_first_dates)
        return
    for (_, text), region in zip(hinted, placed):
        if region is not None:
            for value, source, role, precision, found in _read_text(text, fetched_at, month_first_dates):
                yield DateCandidate(value, source, role, region, precision, found)


def _machine_candidate(node: LexborNode, region: str) -> Iterator[DateCandidate]:
    attributes = node.attributes
    raw = (attributes.get("datetime") or attributes.get("content")
           or (attributes.get("title") if node.tag == "abbr" else "") or "")
    value = parse_machine_date(raw)
    if value is None:
        return
    words = " ".join(tokens(node)) + " " + (attributes.get("itemprop") or "").lower()
    if "published" in words or "pubdate" in attributes or "datecreated" in words:
        role = PUBLISHED
    elif "modified" in words or "updated" in words:
        role = MODIFIED
    elif "entry-date" in words:
        role = PUBLISHED
    else:
        role = DATE
    source = "<time datetime>" if node.tag == "time" else (
        "<abbr title>" if node.tag == "abbr" else f"[itemprop={attributes.get('itemprop')}]")
    yield DateCandidate(value, source, role, region, "time" if "T" in raw else "day", raw)


def _text_candidates(text: str, region: str, fetched_at: datetime, month_first_dates: bool) -> Iterator[DateCandidate]:
    for value, source, role, precision, found in _read_text(text, fetched_at, month_first_dates):
        yield DateCandidate(value, source, role, region, precision, found)


def _read_text(text: str, fetched_at: datetime, month_first_dates: bool) -> list[tuple[datetime, str, str, str, str]]:
    """Copyright notices, then dates, in one text run: (value, source, role, precision, text) each."""
    read = [(datetime(year, 1, 1, tzinfo=timezone.utc), "copyright notice", COPYRIGHT, "year", notice)
            for year, notice in copyright_years(text)]
    for found in find_dates(text, month_first=month_first_dates, fetched_at=fetched_at):
        read.append((found.value, "relative text" if found.precision == "relative" else "text", DATE,
                     found.precision, found.text))
    return read


def url_candidates(url: str) -> Iterator[DateCandidate]:
    found = url_date(url)
    if found is not None:
        yield DateCandidate(found[0], "url path", PUBLISHED, URL, found[1], url)


def plausible(candidate: DateCandidate, fetched_at: datetime) -> bool:
    return EARLIEST <= candidate.value <= fetched_at + timedelta(days=1)


def _tiers_published(c: DateCandidate) -> int | None:
    """The candidate's rank for the publication date (lower wins); None: never the post's date."""
    if c.role == COPYRIGHT or c.region in (COMMENT, SIDEBAR, FOOTER):
        return None
    if c.region == HEAD:
        if c.role == PUBLISHED and c.source.startswith("json-ld") and _is_article(c.source):
            return 0
        if c.role == PUBLISHED and c.source.startswith("meta"):
            return 1
        if c.role == PUBLISHED:
            return 2
        return None
    if c.region == POST and c.source != "text" and c.source != "relative text" and c.role in (PUBLISHED, DATE):
        return 3 if c.role == PUBLISHED else 4
    if c.region == POST:
        return 5
    if c.region == URL:
        return 6 if c.precision == "day" else None
    if c.region == PAGE and c.role in (PUBLISHED, DATE):
        return 7 if c.source not in ("text", "relative text") else 8
    return None


def _tiers_modified(c: DateCandidate) -> int | None:
    if c.role != MODIFIED or c.region in (COMMENT, SIDEBAR, FOOTER):
        return None
    if c.region == HEAD:
        return 0 if c.source.startswith("json-ld") and _is_article(c.source) else 1
    return 2 if c.region == POST else 3


def _is_article(source: str) -> bool:
    kinds = source.removeprefix("json-ld ").split(".")[0].split("/")
    return any(k in ARTICLE_TYPES for k in kinds)


def choose(candidates: tuple[DateCandidate, ...], fetched_at: datetime) -> tuple[DateCandidate | None,
                                                                                  DateCandidate | None, str]:
    """The publication date, the last-modified date, and a note when there is no publication date."""
    published = _best(candidates, fetched_at, _tiers_published)
    if published is not None and published.precision == "day":
        published = _with_time_of_day(published, candidates, fetched_at)
    modified = _best(candidates, fetched_at, _tiers_modified)
    if published is not None and modified is not None and modified.value < published.value:
        modified = None
    note = "" if published is not None else why_undated(candidates, fetched_at)
    return published, modified, note


def _with_time_of_day(chosen: DateCandidate, candidates: tuple[DateCandidate, ...],
                      fetched_at: datetime) -> DateCandidate:
    """A day-precise choice, replaced by a same-day candidate of the post that also gives the time."""
    for candidate in candidates:
        if (candidate.value.date() == chosen.value.date() and candidate.precision in ("minute", "time")
                and candidate.region == chosen.region and _tiers_published(candidate) is not None
                and plausible(candidate, fetched_at)):
            return candidate
    return chosen


def _best(candidates: tuple[DateCandidate, ...], fetched_at: datetime, rank: Any) -> DateCandidate | None:
    best: tuple[int, int] | None = None
    chosen = None
    for index, candidate in enumerate(candidates):
        tier = rank(candidate)
        if tier is None or not plausible(candidate, fetched_at):
            continue
        if best is None or (tier, index) < best:
            best, chosen = (tier, index), candidate
    return chosen


def why_undated(candidates: tuple[DateCandidate, ...], fetched_at: datetime) -> str:
    """Why no candidate is the post's publication date, for a person."""
    if not candidates:
        return "no publication date: the page shows no date at all"
    notices = [c for c in candidates if c.role == COPYRIGHT]
    others = [c for c in candidates if c.role != COPYRIGHT]
    if notices and not others:
        return (f"no publication date: the only date on the page is the copyright notice {notices[0].text!r}, "
                "which says nothing about when anything was posted")
    placed = sorted({c.region for c in others if c.region in (COMMENT, SIDEBAR, FOOTER)})
    if placed and all(c.region in (COMMENT, SIDEBAR, FOOTER) for c in others):
        return f"no publication date: every date on the page is in the {'/'.join(placed)}, none belongs to the post"
    if any(c.region == URL for c in others):
        return "no publication date: only the permalink's month is known"
    if any(not plausible(c, fetched_at) for c in others):
        return "no publication date: the page's dates are impossible (before 1995 or after the fetch)"
    return "no publication date: no date belongs to the post"
