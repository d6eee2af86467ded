"""Date candidates on a page, each with its source, role, region, precision and text, and the choice among them.

Sources, read from one parsed tree: ``<meta>`` (``article:published_time``,
``article:modified_time``, ``og:updated_time``, Dublin Core…), JSON-LD
``datePublished``/``dateModified`` (at any depth of ``@graph`` and nested nodes), ``<time
datetime>``, hAtom ``<abbr title>`` and dated microdata, visible date text (see
:mod:`.datetext`), the permalink path, copyright notices and, as a last resort, dates in the
page's script data. Roles come from the markup and from the words before a date ("Updated",
"Aktualisiert" → modified; "Published", "Veröffentlicht" → published).

The publication date is the first usable candidate in this order: a day-precise permalink
date, the article's JSON-LD, ``<meta>``, the post's machine dates, the date line right under the
headline and the post's date lines (text in an element named as a date line, or labelled
"published", also by a short label in the element before it), a date the page around the post
labels "published", a ``<meta name="date">`` that does not say which date it is, the page's
other date lines, and only then a date mentioned in running text. When the metadata claims two
days, the one the permalink and the post's date lines show wins; when the page shows its readers
a day later than its metadata's (under the headline, or as the post's first machine date, and
not called an update), it was re-dated and the shown day wins. Dates in sidebars, related
posts, comments, the site's banner and footer, modification dates, copyright years, month-only
permalinks and dates past the fetch (plus a day) are never the post's date; with nothing else
the page stays undated, with the reason in a note.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from auditor.parse import jsonld
from auditor.parse.datetext import (TextDate, copyright_years, find_dates, month_number, parse_machine_date,
                                    runs_with_hints, url_date)
from auditor.parse.regions import (COMMENT, FOOTER, HEADER, PAGE, POST, SEPARATOR, SIDEBAR, SKIP_TAGS, Regions, dateline,
                                   named_dateline, tokens, walk)

PUBLISHED, MODIFIED, DATE, COPYRIGHT, EVENT = "published", "modified", "date", "copyright", "event"
HEAD, URL = "head", "url"
ARTICLE_TYPES = frozenset({"Article", "BlogPosting", "NewsArticle", "Report", "TechArticle", "SocialMediaPosting",
                           "LiveBlogPosting", "DiscussionForumPosting", "OpinionNewsArticle", "Posting",
                           "ReportageNewsArticle", "AnalysisNewsArticle", "ScholarlyArticle", "AdvertiserContentArticle",
                           "BackgroundNewsArticle", "ReviewNewsArticle", "Review", "Recipe", "VideoObject"})
META_PUBLISHED = frozenset({
    "article:published_time", "og:article:published_time", "og:published_time", "article:published",
    "datepublished", "dc.date.issued", "dc.date", "dcterms.date", "dcterms.issued", "dcterms.created",
    "dc.date.created", "dc.created", "date", "pubdate", "publishdate", "publish-date", "publish_date",
    "published_time", "published-date", "publication_date", "publication-date", "pub_date", "date_published",
    "parsely-pub-date", "sailthru.date", "article.published", "article.created", "article_date_original",
    "cxenseparse:recs:publishtime", "citation_publication_date", "citation_date", "prism.publicationdate",
    "originalpublicationdate", "bt:pubdate", "og:pubdate", "release_date", "created", "creation_date", "datecreated",
    "rnews:datepublished", "article:post_date", "displaydate", "dcterms.available", "uploaddate"})
# Names that say "a date" without saying which: the page's own date line outranks them.
META_GENERIC = frozenset({"date", "dc.date", "dcterms.date", "created", "creation_date", "datecreated",
                          "dc.date.created", "dc.created", "dcterms.created", "displaydate", "dcterms.available"})
META_MODIFIED = frozenset({"article:modified_time", "og:updated_time", "og:article:modified_time", "datemodified",
                           "dcterms.modified", "last-modified", "article:modified", "lastmod", "modified",
                           "dc.date.modified", "revised", "article.updated", "updated_time", "dateupdate",
                           "dateupdated"})
EARLIEST = datetime(1995, 1, 1, tzinfo=timezone.utc)
_ENGLISH_MONTH_FIRST = ("en-us", "en_us", "en")  # other English locales write the day first
_PUBLISHED_WORDS = re.compile(  # whole words: "Datensatz vom" is no date label, "Zustand" no update
    r"(?<!\w)(?:published|posted|veröffentlicht|erschienen|erstellt|publiziert|publié|publie|publicado|publicada|"
    r"pubblicato|gepubliceerd|geplaatst|opublikowano|опубликовано|yayınlanma|yayınlandı|"
    r"written|date|datum|fecha|data|дата|tarih)(?!\w)\W{0,6}(?:\w+\W{1,3}){0,3}$", re.IGNORECASE)
_MODIFIED_NAMES = (
    r"(?:updated?|modified|changed|revised|edited|aktualisiert|geändert|änderung|überarbeitet|bearbeitet|zuletzt|"
    r"stand|mis\s+à\s+jour|modifié|"
    r"actualizado|actualización|aggiornato|aggiornamento|bijgewerkt|gewijzigd|zaktualizowano|aktualizacja|"
    r"обновлено|изменено|güncellenme|güncellendi|atualizado)")
_MODIFIED_WORDS = re.compile(r"(?<!\w)" + _MODIFIED_NAMES + r"(?!\w)\W{0,6}(?:\w+\W{1,3}){0,3}$", re.IGNORECASE)
_MODIFIED_FIRST = re.compile(r"\W*" + _MODIFIED_NAMES + r"(?!\w)", re.IGNORECASE)  # a text that opens with the word
_MACHINE_PUBLISHED = frozenset({"published", "datepublished", "pubdate", "entry-date", "date-published",
                                "post-date", "publish-date", "published-date", "article-date", "datecreated",
                                "dt-published", "created", "publishdate", "posted-on"})
_MACHINE_MODIFIED = frozenset({"updated", "modified", "datemodified", "date-modified", "date-updated",
                               "updated-date", "dt-updated", "last-modified", "lastmod"})


@dataclass(frozen=True, slots=True)
class DateCandidate:
    """One date seen on the page: what, where it was read, what it claims to be, and the raw text."""

    value: datetime
    source: str  # e.g. "meta article:published_time", "json-ld BlogPosting.datePublished", "<time datetime>"
    role: str  # published | modified | date | copyright | event (a range's end: when something happens)
    region: str  # head | post | comment | sidebar | footer | page | url
    precision: str  # time | minute | day | month | year | relative
    text: str

    def describe(self) -> str:
        return f"{self.source} in {self.region}: {self.text!r}"


def month_first(tree: LexborHTMLParser, metas: list[LexborNode] | None = None) -> bool:
    """Whether the page writes slash dates month first: US English, as its language says.

    The language is ``<html lang>``, else ``og:locale``, else the ``content-language`` meta; a
    page that names none is taken as US English (the pattern's first reading).
    """
    html = tree.root
    lang = (html.attributes.get("lang") or html.attributes.get("xml:lang") or "").strip().lower() if html else ""
    if not lang:
        for meta in metas or ():
            key = (meta.attributes.get("property") or meta.attributes.get("http-equiv") or "").lower()
            if key in ("og:locale", "content-language"):
                lang = (meta.attributes.get("content") or "").strip().lower()
                break
    return not lang or lang.replace("_", "-") in ("en-us", "en")


def head_candidates(metas: list[LexborNode], documents: list[Any], month_first_dates: bool = False
                    ) -> Iterator[DateCandidate]:
    """Dates of ``<meta content>`` elements (``metas``, in page order) and of the JSON-LD ``documents``."""
    for meta in metas:
        attributes = meta.attributes
        if "itemprop" in attributes and meta.parent is not None and meta.parent.tag != "head":
            continue  # microdata of an item in the body: read with the body's dated elements, in its region
        key = (attributes.get("property") or attributes.get("name") or attributes.get("itemprop")
               or attributes.get("http-equiv") or "").strip().lower()
        role = PUBLISHED if key in META_PUBLISHED else MODIFIED if key in META_MODIFIED else None
        if role is None:
            continue
        raw = attributes.get("content") or ""
        value, precision = _machine_value(raw, month_first_dates)
        if value is not None:
            yield DateCandidate(value, f"meta {key}", role, HEAD, precision, raw)
    for document in documents:
        for kind, node in _json_ld_nodes(document):
            for key, role in (("datePublished", PUBLISHED), ("dateModified", MODIFIED), ("dateCreated", DATE),
                              ("uploadDate", DATE)):
                written = node.get(key)
                if isinstance(written, str):
                    value, precision = _machine_value(written, month_first_dates)
                    if value is not None:
                        yield DateCandidate(value, f"json-ld {kind}.{key}", role, HEAD, precision, written)


def _machine_value(raw: str, month_first_dates: bool) -> tuple[datetime | None, str]:
    """A machine date (ISO 8601), else a date written for people, with its precision."""
    value = parse_machine_date(raw)
    if value is not None:
        return value, "time" if ("T" in raw or ":" in raw) else "day"
    found = find_dates(raw, month_first=month_first_dates) if len(raw) < 80 else []
    return (found[0].value, found[0].precision) if found else (None, "")


_NOT_ENTITIES = frozenset({"Comment", "Person", "Organization", "ImageObject", "Brand", "Offer", "Rating",
                           "AggregateRating", "Question", "Answer"})


def _json_ld_nodes(document: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """The typed nodes of a JSON-LD document whose dates may be the page's (not a comment's, a person's...)."""
    for names, node in jsonld.nodes(document, skip=_NOT_THE_PAGES, prune=lambda n: bool(_NOT_ENTITIES.intersection(n)),
                                    max_depth=8):
        if names:
            yield "/".join(names), node


_NOT_THE_PAGES = frozenset({"author", "publisher", "comment", "review", "creator"})  # whose dates are their own


def body_candidates(tree: LexborHTMLParser, regions: Regions, month_first_dates: bool) -> Iterator[DateCandidate]:
    """Machine dates of the body's elements, then dates and copyright notices in its text, in page order."""
    yield from machine_candidates(regions, month_first_dates)
    yield from text_candidates(tree, regions, month_first_dates)


def machine_candidates(regions: Regions, month_first_dates: bool) -> Iterator[DateCandidate]:
    """``<time datetime>``, ``<abbr title>`` and dated ``[itemprop]`` elements of the body, in page order."""
    for node, region in regions.each_date_element():
        yield from _machine_candidate(node, region, month_first_dates)


def first_shown(regions: Regions, month_first_dates: bool) -> tuple[DateCandidate, ...]:
    """The body's machine dates up to the first the page shows as its own (see :func:`_shown_later`)."""
    found: list[DateCandidate] = []
    for candidate in machine_candidates(regions, month_first_dates):
        found.append(candidate)
        if _shows(candidate):
            break
    return tuple(found)


def _shows(c: DateCandidate) -> bool:
    return c.region in (POST, PAGE) and c.source not in _TEXT_SOURCES and c.source != HEADLINE_SOURCE and (
        c.role in (DATE, PUBLISHED))


def text_candidates(tree: LexborHTMLParser, regions: Regions, month_first_dates: bool) -> Iterator[DateCandidate]:
    """Dates and copyright notices in the body's text, in page order.

    The same candidates a :func:`~.regions.walk` over every node gives, found without one: the
    body's text comes out of lexbor in one piece, one scan finds the few runs that may hold a
    date, and only those runs are read and placed in their region.
    """
    body = regions.body
    if body is None:
        return
    hinted = runs_with_hints(body.text(deep=True, separator=SEPARATOR, skip_empty=True), SEPARATOR)
    if not hinted:
        return
    placed = regions.text_places(hinted)  # placing first spares reading runs the walk skips (<time> text…)
    if placed is None:  # the text did not line up with the tree: read it the slow, sure way
        for text, region, element in walk(tree).texts:
            yield from _text_candidates(text, region, month_first_dates, dateline(element), element)
        return
    for (_, text), (place, element) in zip(hinted, placed):
        if place is not None:
            yield from _text_candidates(text, place, month_first_dates, dateline(element), element)


_SPLIT_DATELINES = "[class*=date], [class*=datum]"
_SPLIT_CHARACTERS = 40


def split_candidates(tree: LexborHTMLParser, regions: Regions, month_first_dates: bool) -> Iterator[DateCandidate]:
    """Dates written across the elements of one date line: ``<div class="date"><span>Apr</span>
    <span>04</span><span>2013</span></div>``, which no single text run holds."""
    seen: set[str] = set()
    for node in tree.css(_SPLIT_DATELINES):
        if node.child is None or node.child.next is None or not named_dateline(node):
            continue  # a date line of one run is read with the body's text
        joined = " ".join(node.text(deep=True, separator=" ").split())
        if not joined or len(joined) > _SPLIT_CHARACTERS or joined in seen or _ONE_YEAR.search(joined) is None:
            continue
        runs = [t.text_content or "" for t in node.traverse(include_text=True) if t.is_text_node]
        if any(find_dates(run, month_first=month_first_dates) for run in runs):
            continue
        seen.add(joined)
        region = regions.visited(node)
        if region is not None:
            yield from _text_candidates(joined, region, month_first_dates, True)


_ONE_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


HEADLINE_SOURCE = "headline text"
HEADLINE_RUNS = 4  # text runs after the headline that may hold its date line
_HEADLINE_RUN_CHARACTERS = 120  # a longer run is a paragraph or a caption, not a date line
_HEADLINE_ELEMENTS = 400  # elements looked at after the headline, at most


def headline_candidates(tree: LexborHTMLParser, regions: Regions, month_first_dates: bool) -> Iterator[DateCandidate]:
    """The first date written in the few short text runs right after the page's headline.

    The headline is the first ``<h1>`` in the post or the page around it (not one in a sidebar or
    the site's header); the date line readers see under it states the post's day even where no
    element names it (``<h1>…</h1><p><em>10.11.2021</em></p>``). A date labelled as an update
    is not one.
    """
    headline = next((h for h in tree.css("h1") if regions.visited(h) in (POST, PAGE)), None)
    if headline is None:
        return
    for text, element in _texts_after(headline, HEADLINE_RUNS):
        if len(text) > _HEADLINE_RUN_CHARACTERS or _ONE_YEAR.search(text) is None:
            continue
        region = regions.region(element)
        if region in _EXCLUDED:
            continue
        named = dateline(element)
        for found in _text_candidates(text, region, month_first_dates, True, element):
            if found.role in (DATE, PUBLISHED) and named and region == POST:
                return  # the post's own named date line, read with the body's text
            if found.role in (DATE, PUBLISHED):
                yield DateCandidate(found.value, HEADLINE_SOURCE, found.role, region, found.precision, found.text)
                return
            if found.role == MODIFIED:
                return


def _texts_after(node: LexborNode, limit: int) -> list[tuple[str, LexborNode]]:
    """Up to ``limit`` non-blank text runs that follow ``node`` in the document, with their elements."""
    found: list[tuple[str, LexborNode]] = []
    current, seen = node, 0
    while len(found) < limit and seen < _HEADLINE_ELEMENTS:
        following = current.next
        while following is None:
            parent = current.parent
            if parent is None or parent.tag in ("body", "html"):
                return found
            current, following = parent, parent.next
        current = following
        for inner in (current,) if current.is_text_node else current.traverse(include_text=True):
            seen += 1
            if seen > _HEADLINE_ELEMENTS or len(found) == limit:
                break
            if inner.is_text_node:
                parent = inner.parent
                text = " ".join((inner.text_content or "").split())
                if text and parent is not None and parent.tag not in SKIP_TAGS:
                    found.append((text, parent))
    return found


def _machine_candidate(node: LexborNode, region: str, month_first_dates: bool = False) -> Iterator[DateCandidate]:
    attributes = node.attributes
    raw = (attributes.get("datetime") or attributes.get("content")
           or (attributes.get("title") if node.tag == "abbr" else "") or "")
    value, precision = _machine_value(raw, month_first_dates)
    if value is None:
        return
    words = set(tokens(node))
    words.add((attributes.get("itemprop") or "").lower())
    parent = node.parent
    if parent is not None and parent.tag not in ("body", "html"):
        words.update(tokens(parent))  # Gutenberg's <div class="wp-block-post-date"><time>
    if "pubdate" in attributes or _names_any(words, _MACHINE_PUBLISHED):
        role = MODIFIED if _names_any(words, _MACHINE_MODIFIED) and "published" not in words else PUBLISHED
    elif _names_any(words, _MACHINE_MODIFIED):
        role = MODIFIED
    else:
        role = DATE
    source = "<time datetime>" if node.tag == "time" else (
        "<abbr title>" if node.tag == "abbr" else f"[itemprop={attributes.get('itemprop')}]")
    written = node.text(deep=True) if role != PUBLISHED and node.tag == "time" else ""
    if role == DATE and _MODIFIED_FIRST.match(written):
        role = MODIFIED  # <time datetime="2020-04-11T08:27Z">Aktualisiert: 11.04.2020, 10:27</time>
    yield DateCandidate(value, source, role, region, precision, raw)
    if written:
        # <time datetime="2019-07-03T10:18Z">Publié le 29 juin 2019</time>: the words name the publication day
        for stated in _text_candidates(written, region, month_first_dates):
            if stated.role == PUBLISHED and stated.value.date() != value.date():
                yield stated


_SUFFIXES = {id(names): tuple("-" + n for n in names) for names in (_MACHINE_PUBLISHED, _MACHINE_MODIFIED)}


def _names_any(words: set[str], names: frozenset[str]) -> bool:
    """Whether a class word is one of ``names`` or ends in one ("wp-block-post-date" ends in "post-date")."""
    if not names.isdisjoint(words):
        return True
    suffixes = _SUFFIXES[id(names)]
    return any(w.endswith(suffixes) for w in words if "-" in w)


def _text_candidates(text: str, region: str, month_first_dates: bool, in_dateline: bool = False,
                     element: LexborNode | None = None) -> Iterator[DateCandidate]:
    """Copyright notices, then dates, in one text run; a date after "Updated" is a modification date.

    ``in_dateline``: the run's element is named as a date line (see :func:`~.regions.dateline`).
    ``element``: the run's element; a date that opens its run takes its label ("Erschienen am:",
    "Datum:") from the element just before it when that is a short label.
    """
    source = "dateline text" if in_dateline else "text"
    for year, notice in copyright_years(text):
        yield DateCandidate(datetime(year, 1, 1, tzinfo=timezone.utc), "copyright notice", COPYRIGHT, region, "year",
                            notice)
    for found in find_dates(text, month_first=month_first_dates):
        before = text[max(0, found.start - 48):found.start]
        if _in_range(text, found):
            yield DateCandidate(found.value, source, EVENT, region, found.precision, found.text)
            continue
        if element is not None and len(before.strip()) < _SHORT_BEFORE:
            before = _element_text_before(element, text, before) + before
            if not before.strip():
                before = label_before(element)
        role = DATE
        if before:
            if _MODIFIED_WORDS.search(before):
                role = MODIFIED
            elif _PUBLISHED_WORDS.search(before):
                role = PUBLISHED
        yield DateCandidate(found.value, source, role, region, found.precision, found.text)


_LABEL_CHARACTERS = 40
# A date that closes or opens a range ("vom 24. April bis 2. Oktober 2017", "14. - 20. Januar 2022",
# "28.09. - 01.10.2023", "3 May 2019 to 5 May 2019") is when something happens, not when the page was written.
_RANGE_WORDS = r"(?:-|–|bis|to|until|till|au|al|tot)"  # not "—": "Anna — 12.03.2019 — Politik" separates
_RANGE_BEFORE = re.compile(r"(?<![\d./-])\d{1,2}\.?(?:\d{1,2}\.?|\s*(?P<month>[^\W\d]{3,})\.?)?(?:\s*\d{4})?\s*"
                           + _RANGE_WORDS + r"\s*$", re.IGNORECASE)
_RANGE_AFTER = re.compile(r"\s*" + _RANGE_WORDS + r"\s*", re.IGNORECASE)


def _in_range(text: str, found: TextDate) -> bool:
    """Whether the date ``found`` in ``text`` closes a range (its start written before it) or opens one."""
    opening = _RANGE_BEFORE.search(text, max(0, found.start - 40), found.start)
    if opening is not None and (opening.group("month") is None or month_number(opening.group("month"))):
        return True
    end = found.start + len(found.text)
    closing = _RANGE_AFTER.match(text, end)
    if closing is None or closing.end() == end:
        return False
    following = find_dates(text[closing.end():closing.end() + 40])
    return bool(following) and following[0].start == 0


_SHORT_BEFORE = 12  # characters before a date in its run, below which the words before the run are read too


def _element_text_before(element: LexborNode, run: str, before: str) -> str:
    """The last words of the element's own text before ``run`` ("Updated:" ahead of a comment and "$Date: …")."""
    first = element.child
    if first is None or first.next is None or before.strip() == run.strip():
        return ""  # the run is the element's only text
    whole = element.text(deep=True)
    if len(whole) > 4 * _LABEL_CHARACTERS:
        return ""
    at = whole.find(run)
    return " ".join(whole[:at].split())[-_LABEL_CHARACTERS:] + " " if at > 0 else ""


def label_before(element: LexborNode) -> str:
    """The text of the element just before ``element`` (or before its parent, when ``element`` opens its
    parent) when it is a label: short and ending in a colon, as "Erschienen am:" or "Zuletzt geändert am:";
    else "" (a table's "Datum" column heading labels no publication)."""
    for _ in range(2):
        previous = element.prev
        while previous is not None and previous.is_text_node and not (previous.text_content or "").strip():
            previous = previous.prev
        if previous is not None:
            if previous.tag in ("script", "style", "br", "img", "svg"):
                return ""
            words = " ".join(previous.text(deep=True).split())
            return words if len(words) <= _LABEL_CHARACTERS and words.endswith(":") else ""
        parent = element.parent
        if parent is None or parent.tag in ("body", "html"):
            return ""
        element = parent
    return ""


SCRIPT_SOURCE = "script data"
_QUOTE = r"""(?:"|'|&quot;|\\")"""
_SCRIPT_DATE = re.compile(
    _QUOTE + r"(?P<key>datePublished|published_at|publishedAt|publishDate|publish_date|pubDate|date_published|"
    r"firstPublished|created_at|createdAt|dateCreated|uploadDate)" + _QUOTE + r"\s*:\s*" + _QUOTE
    + r"(?P<value>(?:19|20)\d{2}-\d{2}-\d{2}[0-9T:.+\-Z ]{0,25})" + _QUOTE)
_CREATED_KEYS = frozenset({"created_at", "createdAt", "dateCreated", "uploadDate"})


def script_candidates(html: str) -> Iterator[DateCandidate]:
    """Publication dates in the page's script data ("published_at": "2019-03-02T06:22:28+01:00"), first ones first.

    Shops and single-page apps state them only there. Publication keys come before creation keys.
    """
    found = [(match.group("key") in _CREATED_KEYS, match.start(), match) for match in _SCRIPT_DATE.finditer(html)]
    for _, _, match in sorted(found, key=lambda f: (f[0], f[1]))[:3]:
        value = parse_machine_date(match.group("value"))
        if value is not None:
            yield DateCandidate(value, SCRIPT_SOURCE, PUBLISHED, HEAD, "time" if "T" in match.group("value") else "day",
                                match.group(0))


def url_candidates(url: str) -> Iterator[DateCandidate]:
    found = url_date(url)
    if found is not None:
        yield DateCandidate(found[0], "url path", PUBLISHED, URL, found[1], url)


def plausible(candidate: DateCandidate, fetched_at: datetime) -> bool:
    return EARLIEST <= candidate.value <= fetched_at + timedelta(days=1)


_EXCLUDED = (COMMENT, SIDEBAR, FOOTER, HEADER)


_TEXT_SOURCES = ("text", "dateline text")
_MENTIONED = 11  # the ranks of a date the post's or the page's running text mentions


def _tiers_published(c: DateCandidate) -> int | None:
    """The candidate's rank for the publication date (lower wins); None: never the post's date.

    The permalink's day, the article's JSON-LD and ``<meta>`` that names a publication date, then
    what the post's date line says (a machine date, the date under the headline, a labelled or
    date-line text), then a date the page labels "published", then a ``<meta name="date">`` that
    does not say which date it is, then the rest of the page around the post, and only then a
    date mentioned in the post's or the page's running text.
    """
    if c.role in (COPYRIGHT, MODIFIED, EVENT) or c.region in _EXCLUDED:
        return None
    if c.region == URL:
        return 0 if c.precision == "day" else None
    if c.region == HEAD:
        if c.source == SCRIPT_SOURCE:
            return 13
        if c.role == PUBLISHED and c.source.startswith("json-ld") and _is_article(c.source):
            return 1
        if c.role == PUBLISHED and c.source.startswith("meta"):
            return 7 if c.source.removeprefix("meta ") in META_GENERIC else 2
        if c.role == PUBLISHED:
            return 4
        return 9 if _is_article(c.source) else None
    if c.source == HEADLINE_SOURCE:
        return 4
    machine = c.source not in _TEXT_SOURCES
    lined = c.source == "dateline text"
    if c.region == POST:
        if c.role == PUBLISHED:
            return 3 if machine else 4
        return 5 if machine or lined else 11
    if c.region == PAGE:
        if c.role == PUBLISHED:
            return 6
        return 8 if machine else 10 if lined else 12
    return None


def _tiers_modified(c: DateCandidate) -> int | None:
    if c.role != MODIFIED or c.region in _EXCLUDED:
        return None
    if c.region == HEAD:
        return 0 if c.source.startswith("json-ld") and _is_article(c.source) else 1
    return 2 if c.region == POST else 3


def _is_article(source: str) -> bool:
    kinds = source.removeprefix("json-ld ").split(".")[0].split("/")
    return any(k in ARTICLE_TYPES for k in kinds)


def settled(published: DateCandidate | None, candidates: tuple[DateCandidate, ...], fetched_at: datetime,
            worst_tier: int = 3) -> bool:
    """Whether what is not yet read can change nothing about ``published``, chosen from ``candidates``.

    True when a candidate of rank ``worst_tier`` or better gave it (the permalink's day, the
    article's metadata, the post's machine date: nothing read later outranks them) and the
    metadata claims one day only (else the post's date lines decide, see :func:`_best_supported`).
    A day without its time also waits for the post's machine dates, which may give the time.
    """
    if published is None or (_tiers_published(published) or 99) > worst_tier or _local_midnight(published):
        return False  # a local midnight in UTC waits for the day the page writes
    if worst_tier < 3 and published.precision == "day":
        return False
    days = {c.value.date() for c in candidates if c.region == HEAD and c.role == PUBLISHED
            and _tiers_published(c) is not None and plausible(c, fetched_at)}
    return len(days) <= 1


def choose(candidates: tuple[DateCandidate, ...], fetched_at: datetime) -> tuple[DateCandidate | None,
                                                                                  DateCandidate | None, str]:
    """The publication date, the last-modified date, and a note when there is no publication date."""
    usable = _without_the_clock(candidates, fetched_at)
    published = _best(usable, fetched_at, _tiers_published)
    if published is not None and published.region == HEAD:
        published = _best_supported(published, usable, fetched_at)
        published = _shown_later(published, usable, fetched_at)
    if published is not None:
        published = _as_written_locally(published, usable, fetched_at)
    if published is not None and published.precision == "day":
        published = _with_time_of_day(published, usable, fetched_at)
    modified = _best(usable, fetched_at, _tiers_modified)
    note = ""
    changed = {c.value.date() for c in usable if c.role == MODIFIED and plausible(c, fetched_at)}
    if published is not None and (_tiers_published(published) or 0) >= _MENTIONED and changed and (
            published.value.date() not in changed):
        published, note = None, ("no publication date: the page only states when it was last changed; the dates "
                                 "in its text are dates it mentions")
    if published is not None and modified is not None and modified.value < published.value:
        modified = None
    if published is None and not note:
        note = why_undated(usable, fetched_at) if usable or not candidates else (
            "no publication date: the only dates the page writes are the day it was read (the site's clock)")
    return published, modified, note


_WRITTEN_SOURCES = (*_TEXT_SOURCES, HEADLINE_SOURCE)


def _without_the_clock(candidates: tuple[DateCandidate, ...], fetched_at: datetime) -> tuple[DateCandidate, ...]:
    """The candidates, less the dates written in the text within a day of the fetch that nothing else states.

    "Donnerstag, 16. Februar 2012" on a page fetched (or archived) that day is the site's clock;
    the day of a post published that day is also in its metadata or machine dates.
    """
    today = fetched_at.date()
    near = [c for c in candidates if c.source in _WRITTEN_SOURCES and abs((c.value.date() - today).days) <= 1]
    if not near:
        return candidates
    stated = {c.value.date() for c in candidates if c.source not in _WRITTEN_SOURCES
              and c.role not in (COPYRIGHT, EVENT)
              and c.region not in _EXCLUDED}
    clock = {id(c) for c in near if c.value.date() not in stated}
    return tuple(c for c in candidates if id(c) not in clock)


def _best_supported(chosen: DateCandidate, candidates: tuple[DateCandidate, ...],
                    fetched_at: datetime) -> DateCandidate:
    """When the page's metadata claims two publication days, the one its permalink and post also show.

    Each head claim's support is the number of dates on its day in the permalink and the post's
    date lines (machine dates, date-line text, a date written with its time); the best-supported
    claim wins, ties going to the usual rank.
    """
    claims = [c for c in candidates if c.region == HEAD and c.role == PUBLISHED and plausible(c, fetched_at)
              and _tiers_published(c) is not None]
    if len({c.value.date() for c in claims}) < 2:
        return chosen
    shown: dict[object, int] = {}
    for c in candidates:
        if (c.region == URL or c.region == POST and (c.source != "text" or c.precision == "minute")) and (
                c.role not in (COPYRIGHT, MODIFIED, EVENT) and plausible(c, fetched_at)):
            shown[c.value.date()] = shown.get(c.value.date(), 0) + 1  # a date line, not a date the post mentions
    best = max(shown.get(c.value.date(), 0) for c in claims)
    if best == shown.get(chosen.value.date(), 0):
        return chosen
    return _best(tuple(c for c in claims if shown.get(c.value.date(), 0) == best), fetched_at,
                 _tiers_published) or chosen


def _shown_later(chosen: DateCandidate, candidates: tuple[DateCandidate, ...], fetched_at: datetime) -> DateCandidate:
    """The day the page shows its readers, when it is later than the day its metadata states.

    What the page shows is the date under its headline, else its first machine date in the post or
    the page around it (not one it calls an update). A page re-dated after it was first published
    keeps the first day in its metadata; its readers, and its last sign of life, are the later day.
    A day or less apart is one moment written in two time zones, and the metadata's stays.
    """
    shown = next((c for c in candidates if c.source == HEADLINE_SOURCE and plausible(c, fetched_at)), None)
    if shown is None:
        shown = next((c for c in candidates if _shows(c) and plausible(c, fetched_at)), None)
    if shown is not None and (shown.value.date() - chosen.value.date()).days > 1:
        return shown
    return chosen


_UTC_ZONE = re.compile(r"(?:Z|[+-]00:?00)$")


def _as_written_locally(chosen: DateCandidate, candidates: tuple[DateCandidate, ...],
                        fetched_at: datetime) -> DateCandidate:
    """A moment written in UTC, replaced by the same moment where the page also writes it with its local offset.

    "2023-11-09T02:11Z" and "2023-11-08T21:11-05:00" are one instant; the page's own day is the 8th.
    """
    if chosen.precision != "time" or _UTC_ZONE.search(chosen.text.strip()) is None:
        return chosen
    if _local_midnight(chosen):
        following = chosen.value.date() + timedelta(days=1)
        for candidate in candidates:
            if (candidate.value.date() == following and candidate.precision == "day"
                    and candidate.region in (POST, PAGE) and candidate.role in (DATE, PUBLISHED)
                    and (candidate.source != "text" or candidate.region == POST)):
                return candidate  # the day the page writes, stored as its midnight east of Greenwich
    for candidate in candidates:
        offset = candidate.value.utcoffset()
        if (candidate.precision == "time" and offset and abs((candidate.value - chosen.value).total_seconds()) < 60
                and candidate.region not in _EXCLUDED and candidate.role not in (COPYRIGHT, EVENT)
                and plausible(candidate, fetched_at)):
            return candidate
    return chosen


def _local_midnight(candidate: DateCandidate) -> bool:
    """Whether a moment written in UTC is on the hour in the evening: a day stored as its local midnight
    east of Greenwich ("2021-11-04T23:00Z" for 5 November in Berlin), whose own day is the next one."""
    value = candidate.value
    return (candidate.precision == "time" and value.hour >= 12 and value.minute == value.second == 0
            and value.microsecond == 0 and _UTC_ZONE.search(candidate.text.strip()) is not None)


def _with_time_of_day(chosen: DateCandidate, candidates: tuple[DateCandidate, ...],
                      fetched_at: datetime) -> DateCandidate:
    """A day-precise choice, replaced by the best-ranked same-day candidate of the post that also gives the time."""
    timed = tuple(c for c in candidates if c.value.date() == chosen.value.date() and c.precision in ("minute", "time")
                  and c.region in (chosen.region, HEAD, POST))
    return _best(timed, fetched_at, _tiers_published) or chosen


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
    placed = sorted({c.region for c in others if c.region in _EXCLUDED})
    if placed and all(c.region in _EXCLUDED for c in others):
        return f"no publication date: every date on the page is in the {'/'.join(placed)}, none belongs to the post"
    if others and all(c.role == EVENT for c in others if c.region not in _EXCLUDED):
        return "no publication date: the page's dates open or close ranges: they are of events it announces"
    if others and all(c.role == MODIFIED for c in others if c.region not in _EXCLUDED):
        return "no publication date: the page only says when it was updated"
    if any(c.region == URL for c in others):
        return "no publication date: only the permalink's month is known"
    if any(not plausible(c, fetched_at) for c in others):
        return "no publication date: the page's dates are impossible (before 1995 or after the fetch)"
    return "no publication date: no date belongs to the post"
