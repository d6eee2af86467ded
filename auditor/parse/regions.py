"""Which part of a parsed page every element and text belongs to.

A date in the post's header means something different from one in a sidebar archive, a
comment or a copyright footer, so the page is split into regions:

``post`` (an ``<article>``, hAtom ``hentry``, ``.post``, Blogger's ``date-outer``…),
``comment`` (anything inside a comment list), ``sidebar`` (``<aside>``, ``<nav>``, widgets,
archives, related posts), ``footer`` (the site's footer, not a post's ``entry-footer``),
``header`` (the site's banner above the post, where a date is today's, and a web archive's
toolbar over a saved page) and ``page`` (the rest). Comment beats sidebar beats footer and header
beats post beats page; a footer or header inside a post stays post, and so does an ``<aside>`` or
``<nav>`` unless its words name a sidebar.
Class and id words count whole (split at ``-``/``_``), never as substrings: ``has-sidebar`` is
a layout, not a sidebar; and an element that holds the post's headline or body is never a
sidebar, footer or header.

:func:`walk` visits every node of the body once. :class:`Regions` gives the same answers for
just the elements and text runs asked about, from their ancestors, which is what extraction
uses; the walk stays as the reference and the fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from collections.abc import Iterator
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

PAGE, POST, HEADER, FOOTER, SIDEBAR, COMMENT = "page", "post", "header", "footer", "sidebar", "comment"
_RANK = {PAGE: 0, POST: 1, HEADER: 2, FOOTER: 2, SIDEBAR: 3, COMMENT: 4}
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe", "select", "textarea"})
DATE_ELEMENT_TAGS = frozenset({"time", "abbr"})
# What the class and id words of the pages read so far say, for this many distinct words (or class
# and id pairs) per question: the 414 pages of the dates dev set have at most 6,600, and the six caches
# hold about 160 bytes an entry, so a process that reads many brands' blogs keeps at most about 8 MB
# for them (65,536 entries each came to about 60 MB, reached after some thousands of real pages).
_WORDS_REMEMBERED = 8192

# Class and id words are matched whole, and split at "-" and "_" into parts: "sidebar-left" and
# "widget_recent_entries" name a sidebar, "has-sidebar", "no-sidebar", "layoutTwoColumnsRightSidebar"
# and BEM modifiers ("page--with-sidebar") only describe a layout.
_COMMENT_PARTS = frozenset({"comment", "comments", "commentlist", "commentslist", "comentarios", "kommentare",
                            "commentaires", "disqus", "respond", "discourse"})
_NOT_A_THREAD = frozenset({"count", "counter", "link", "links", "number", "num", "icon", "button", "btn", "bubble",
                           "meta", "teaser", "open", "closed", "status", "total", "date", "time"})
# Words that label what a post is about (WordPress "category-kommentar", "tag-related"), not a region.
_LABEL_PARTS = frozenset({"category", "tag", "cat", "format", "status", "type", "topic", "postid", "section",
                          "rubrik", "ressort", "taxonomy", "term", "label"})
_COMMENT_ID = re.compile(r"^(?:div-|li-)?comment-\d+$|^c\d{10,}$")  # WordPress ids; Blogger's long c-numbers
_SIDEBAR_PARTS = frozenset({"sidebar", "sidebars", "widget", "widgets", "blogroll", "related", "relatedposts",
                            "recent", "popular", "calendar", "archive", "archives", "tagcloud", "breadcrumb",
                            "breadcrumbs", "trending", "recommended", "mostread", "newsticker", "ticker", "yarpp"})
_LAYOUT_PARTS = frozenset({"has", "with", "no", "without", "is", "show", "hide", "layout"})  # first part
_WRAPPER_PARTS = frozenset({"content", "main", "wrap", "wrapper", "container", "template"})  # any part
_FOOTER_TOKENS = frozenset({"footer", "site-footer", "page-footer", "colophon", "site-info", "copyright",
                            "footer-wrapper", "credits"})
# The site's banner above the post (logo, menu, often today's date) and a web archive's toolbar over a
# saved page ("wm-ipp"): whole words, so "entry-header" or "page-header" are not among them.
_HEADER_TOKENS = frozenset({"masthead", "site-header", "siteheader", "wm-ipp", "wm-ipp-base", "top-bar", "topbar"})
_POST_TOKENS = frozenset({
    "hentry", "h-entry", "post", "type-post", "entry", "blog-post", "post-outer", "date-outer", "date-header",
    "entry-header", "entry-meta", "post-meta", "postmeta", "postmetadata", "byline", "entry-content", "post-body",
    "post-header", "post-footer", "single-post", "posted-on", "post-date", "entry-date", "article", "storycontent",
})
# What only the page's own post holds: its headline or its body. An element holding one is never a
# sidebar or footer, whatever its class says (Blogger's main column is a "widget Blog").
MAIN_CONTENT = ("h1, [itemprop=articleBody], .entry-content, .post-body, .article-body, .articleBody, .post-content, "
                ".article-content, .story-body")
_SPLIT = re.compile(r"[-_]+")
_POST_ID = re.compile(r"post-\d+")  # WordPress marks each post's element with its number: class="post-39370"


@lru_cache(maxsize=_WORDS_REMEMBERED)
def _is_post_id(word: str) -> bool:
    return word.startswith("post-") and _POST_ID.fullmatch(word) is not None


def _parts(word: str) -> list[str]:
    return [part.rstrip("0123456789") for part in _SPLIT.split(word) if part]


@lru_cache(maxsize=_WORDS_REMEMBERED)
def _is_comment_word(word: str) -> bool:
    if _COMMENT_ID.match(word):
        return True
    parts = _parts(word)
    if not parts or parts[0] in _LAYOUT_PARTS or parts[0] in _LABEL_PARTS or not _NOT_A_THREAD.isdisjoint(parts):
        return False
    return parts[0] in _COMMENT_PARTS or parts[-1] in _COMMENT_PARTS


@lru_cache(maxsize=_WORDS_REMEMBERED)
def _is_sidebar_word(word: str) -> bool:
    """A class or id word that names a sidebar: its first or last part is a sidebar word ("widget" first only)."""
    if "--" in word:
        return False
    parts = _parts(word)
    if (not parts or parts[0] in _LAYOUT_PARTS or parts[0] in _LABEL_PARTS
            or not _WRAPPER_PARTS.isdisjoint(parts)):
        return False
    first, last = parts[0], parts[-1]
    if first in _SIDEBAR_PARTS or (last in _SIDEBAR_PARTS and last not in ("widget", "widgets")):
        return True
    return any((p.startswith("sidebar") or p.endswith("sidebar")) and not p.startswith(("no", "has", "with", "layout"))
               for p in (first, last))


def _inside_main(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        if parent.tag == "main" or parent.attributes.get("role") == "main":
            return True
        parent = parent.parent
    return False


def _inside_article(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        if parent.tag == "article":
            return True
        parent = parent.parent
    return False


def _holds_main_content(node: LexborNode) -> bool:
    return node.css_first(MAIN_CONTENT) is not None


@dataclass
class Walk:
    """The regions found in one walk: per element (by ``mem_id``) and every visible text run."""

    regions: dict[int, str] = field(default_factory=dict)
    texts: list[tuple[str, str, LexborNode | None]] = field(default_factory=list)  # (text, region, element) in order
    date_elements: list[tuple[LexborNode, str]] = field(default_factory=list)  # <time>, <abbr>, [itemprop]

    def region(self, node: LexborNode) -> str:
        return self.regions.get(node.mem_id, PAGE)


def tokens(node: LexborNode) -> tuple[str, ...]:
    """The element's class words and id, lowered."""
    return _split_words(*_class_and_id(node.attributes))


def _class_and_id(attributes: dict[str, str | None]) -> tuple[str, str]:
    """The two attributes an element's words come from: the key of every cache of what the words say."""
    return attributes.get("class") or "", attributes.get("id") or ""


@lru_cache(maxsize=_WORDS_REMEMBERED)
def _split_words(class_value: str, ident: str) -> tuple[str, ...]:
    words = class_value.lower().split()
    if ident:
        words.append(ident.lower())
    return tuple(words)


@dataclass(frozen=True, slots=True)
class _Words:
    """What an element's class and id words say about its region (the same for every element spelled alike)."""

    comment: bool
    sidebar: bool
    footer: bool
    banner: bool  # a banner's word ("masthead", "site-header")
    header: bool  # the bare word "header"
    post: bool  # a post's word ("hentry", "entry-content")
    post_id: bool  # WordPress's "post-39370"
    dateline: bool  # names a date line ("post-date", "entry-meta"): see :func:`named_dateline`


@lru_cache(maxsize=_WORDS_REMEMBERED)
def _words(class_value: str, ident: str) -> _Words:
    words = _split_words(class_value, ident)
    return _Words(comment=any(map(_is_comment_word, words)), sidebar=any(map(_is_sidebar_word, words)),
                  footer=not _FOOTER_TOKENS.isdisjoint(words), banner=not _HEADER_TOKENS.isdisjoint(words),
                  header="header" in words, post=not _POST_TOKENS.isdisjoint(words), post_id=any(map(_is_post_id, words)),
                  dateline=any(map(_is_dateline_word, words)))


def own_region(node: LexborNode, inherited: str) -> str:
    """The region of ``node`` given its parent's region."""
    if inherited == COMMENT:
        return COMMENT
    tag = node.tag
    if tag in ("html", "body"):
        return inherited
    attributes = node.attributes
    words = _words(*_class_and_id(attributes))
    if words.comment:
        return COMMENT
    if inherited == SIDEBAR:
        return SIDEBAR
    if (tag in ("aside", "nav") and inherited != POST) or words.sidebar:
        return inherited if _holds_main_content(node) else SIDEBAR
    if tag in ("aside", "nav"):  # inside the post: its own notes (byline, dates) unless named otherwise
        return POST
    if tag == "article" and inherited == POST and _inside_article(node) and not _holds_main_content(node):
        return SIDEBAR  # an <article> inside the post's <article> is another item: a teaser of a related one
    if inherited == POST:
        return POST
    if inherited == FOOTER:
        return FOOTER
    if tag == "footer" or words.footer:
        return inherited if _holds_main_content(node) else FOOTER
    if inherited == HEADER:
        return HEADER
    if (attributes.get("role") == "banner" or words.banner or (
            (tag == "header" or words.header) and not _inside_main(node))) and not words.post:
        return inherited if _holds_main_content(node) else HEADER  # a <header> inside <main> heads the content
    if tag == "article" or words.post or words.post_id or (
            attributes.get("itemtype") or "").endswith(("BlogPosting", "Article")) or (
            attributes.get("itemprop") == "articleBody"):
        return POST
    return inherited


def walk(tree: LexborHTMLParser) -> Walk:
    """Walk the body once, depth first, recording regions, text runs and machine-dated elements."""
    result = Walk()
    root = tree.body
    if root is None:
        return result
    stack: list[tuple[LexborNode, str]] = [(root, PAGE)]
    while stack:
        node, inherited = stack.pop()
        if node.tag == "-text":
            result.texts.append((node.text_content or "", inherited, node.parent))
            continue
        region = own_region(node, inherited)
        result.regions[node.mem_id] = region
        attributes = node.attributes
        machine = _is_machine(node.tag, attributes)
        if machine or ("itemprop" in attributes and (attributes.get("content") or attributes.get("datetime"))):
            result.date_elements.append((node, region))
        children: list[tuple[LexborNode, str]] = []
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                if not machine and (child.text_content or "").strip():
                    children.append((child, region))
            elif tag is not None and tag not in SKIP_TAGS and not tag.startswith("-"):
                children.append((child, region))
        stack.extend(reversed(children))
    return result


SEPARATOR = "\x00"  # between text runs; the parser turns NULs in text into U+FFFD (else: runs mismatch, walk)
DATE_ELEMENTS = "time, abbr, [itemprop][content], [itemprop][datetime]"  # narrowed in Python as the walk does


def _is_machine(tag: str | None, attributes: dict[str, str | None]) -> bool:
    return tag in DATE_ELEMENT_TAGS and ("datetime" in attributes or (tag == "abbr" and "title" in attributes))


class Regions:
    """The region :func:`walk` would give an element, worked out on demand from its ancestors only.

    Each element's region is cached by ``mem_id``, so asking about many elements of one page
    costs about one :func:`own_region` per distinct ancestor, not a pass over the page.
    """

    def __init__(self, tree: LexborHTMLParser) -> None:
        self.tree = tree
        self.body = tree.body
        self._known: dict[int, str | None] = {}  # None: an element the walk never enters
        if self.body is not None:
            self._known[self.body.mem_id] = own_region(self.body, PAGE)

    def region(self, node: LexborNode) -> str:
        """As :meth:`Walk.region`: the element's region, ``page`` for one the walk does not enter."""
        return self.visited(node) or PAGE

    def visited(self, node: LexborNode) -> str | None:
        """The element's region, or None when the walk never enters it (outside the body, in a script, svg…)."""
        known = self._known
        chain: list[LexborNode] = []
        current: LexborNode | None = node
        region: str | None = None
        while current is not None:
            if current.mem_id in known:
                region = known[current.mem_id]
                break
            chain.append(current)
            current = current.parent
        # current is None: the chain climbed past the document without meeting the body, region stays None
        for element in reversed(chain):
            if region is not None and element.tag not in SKIP_TAGS:
                region = own_region(element, region)
            else:
                region = None
            known[element.mem_id] = region
        return region

    def date_elements(self) -> list[tuple[LexborNode, str]]:
        """As :attr:`Walk.date_elements`: ``<time datetime>``, ``<abbr title>``, dated ``[itemprop]``, in order."""
        return list(self.each_date_element())

    def each_date_element(self) -> Iterator[tuple[LexborNode, str]]:
        """The same as :meth:`date_elements`, one at a time (each region worked out only when asked for)."""
        if self.body is None:
            return
        last = -1
        for node in self.tree.css(DATE_ELEMENTS):
            if node.mem_id == last:  # lexbor lists a node matching two of the selectors twice, in a row
                continue
            last = node.mem_id
            attributes = node.attributes
            if _is_machine(node.tag, attributes) or (
                    "itemprop" in attributes and (attributes.get("content") or attributes.get("datetime"))):
                region = self.visited(node)
                if region is not None:
                    yield node, region

    def text_regions(self, wanted: list[tuple[int, str]]) -> list[str | None] | None:
        """The region of each wanted text run of the body (see :meth:`text_places`)."""
        places = self.text_places(wanted)
        return None if places is None else [region for region, _ in places]

    def text_places(self, wanted: list[tuple[int, str]]) -> list[tuple[str | None, LexborNode | None]] | None:
        """The region and element of each wanted text run of the body; None for a run :func:`walk` leaves out.

        ``wanted`` holds (index, text) pairs in increasing index order, where the index counts the
        runs of ``body.text(separator=SEPARATOR, skip_empty=True)``. Lexbor lists the body's nodes
        (the loop only counts text nodes up to the last wanted one) and each wanted run takes the
        region of its element. Returns None when the tree does not match the indices (the caller
        then walks the whole page).
        """
        body = self.body
        if body is None:
            return None if wanted else []
        places: list[tuple[str | None, LexborNode | None]] = []
        position, target = 0, wanted[0][0] if wanted else -1
        index = -1
        for node in body.traverse(include_text=True, skip_empty=True):
            if not node.is_text_node:
                continue
            index += 1
            if index != target:
                continue
            if node.text_content != wanted[position][1]:
                return None
            parent = node.parent
            region = self.visited(parent) if parent is not None else None
            if region is not None and parent is not None and _is_machine(parent.tag, parent.attributes):
                region = None  # the walk reads a dated element's attribute, not its text
            places.append((region, parent))
            position += 1
            if position == len(wanted):
                break
            target = wanted[position][0]
        return places if position == len(wanted) else None


# Words of the elements that hold a post's date line: "post-date", "entry-meta", "artikeldatum", "byline".
_DATELINE_PARTS = frozenset({"date", "dates", "datum", "time", "published", "posted", "pubdate", "dateline",
                             "timestamp", "byline", "meta", "postmeta", "fecha", "data", "zeit", "datetime", "publish",
                             "publication", "postedon", "posted-on", "info", "entry-meta"})
_NOT_DATELINE_PARTS = frozenset({"updated", "modified", "update", "event", "events", "birth", "deadline"})


@lru_cache(maxsize=_WORDS_REMEMBERED)
def _is_dateline_word(word: str) -> bool:
    parts = _parts(word)
    return _NOT_DATELINE_PARTS.isdisjoint(parts) and any(
        p in _DATELINE_PARTS or p.endswith(("date", "datum")) for p in parts)


def named_dateline(element: LexborNode) -> bool:
    """Whether the element's own class or id words name it as a date line."""
    return _words(*_class_and_id(element.attributes)).dateline


def dateline(element: LexborNode | None) -> bool:
    """Whether a text's element, or one of its two nearest ancestors, is named as a date line.

    A date in "<span class='post-date'>" or "<div class='entry-meta'>" states when the post was
    written; one in a paragraph of the post may be anything it talks about.
    """
    for _ in range(3):
        if element is None or element.tag in ("body", "html", "p", "article", "main"):
            return False
        if named_dateline(element):
            return True
        element = element.parent
    return False
