"""One pass over a parsed page: which part of the page every element and text belongs to.

A date in the post's header means something different from one in a sidebar archive, a
comment or a copyright footer, so the page is split into regions while it is walked once:

``post`` (an ``<article>``, hAtom ``hentry``, ``.post``, Blogger's ``date-outer``…),
``comment`` (anything inside a comment list), ``sidebar`` (``<aside>``, ``<nav>``, widgets,
archives), ``footer`` (the site's footer, not a post's ``entry-footer``) and ``page`` (the rest).
Comment beats sidebar beats footer beats post beats page; a footer inside a post stays post.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

PAGE, POST, FOOTER, SIDEBAR, COMMENT = "page", "post", "footer", "sidebar", "comment"
_RANK = {PAGE: 0, POST: 1, FOOTER: 2, SIDEBAR: 3, COMMENT: 4}
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe", "select", "textarea"})
DATE_ELEMENT_TAGS = frozenset({"time", "abbr"})

_COMMENT_TOKENS = frozenset({
    "comment", "comments", "commentlist", "comment-list", "comments-area", "comment-thread", "comments-block",
    "comment-body", "comment-content", "comment-respond", "respond", "comment-replies", "disqus_thread",
})
_COMMENT_ID = re.compile(r"^(?:div-)?comment-\d+$|^c\d{5,}$")
_SIDEBAR_PARTS = ("sidebar", "widget", "blogroll", "recent-posts", "recentposts", "related", "calendar",
                  "archive", "tagcloud", "tag-cloud", "popular")
_FOOTER_TOKENS = frozenset({"footer", "site-footer", "page-footer", "colophon", "site-info", "copyright",
                            "footer-wrapper", "credits"})
_POST_TOKENS = frozenset({
    "hentry", "h-entry", "post", "type-post", "entry", "blog-post", "post-outer", "date-outer", "date-header",
    "entry-header", "entry-meta", "post-meta", "postmeta", "postmetadata", "byline", "entry-content", "post-body",
    "post-header", "post-footer", "single-post", "posted-on", "post-date", "entry-date", "article", "storycontent",
})


@dataclass
class Walk:
    """The regions found in one walk: per element (by ``mem_id``) and every visible text run."""

    regions: dict[int, str] = field(default_factory=dict)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (text, region) in reading order
    date_elements: list[tuple[LexborNode, str]] = field(default_factory=list)  # <time>, <abbr>, [itemprop]

    def region(self, node: LexborNode) -> str:
        return self.regions.get(node.mem_id, PAGE)


def tokens(node: LexborNode) -> list[str]:
    attributes = node.attributes
    found = (attributes.get("class") or "").lower().split()
    ident = (attributes.get("id") or "").lower()
    if ident:
        found.append(ident)
    return found


def own_region(node: LexborNode, inherited: str) -> str:
    """The region of ``node`` given its parent's region."""
    if inherited == COMMENT:
        return COMMENT
    tag = node.tag
    words = tokens(node)
    if any(w in _COMMENT_TOKENS or _COMMENT_ID.match(w) for w in words):
        return COMMENT
    if inherited == SIDEBAR:
        return SIDEBAR
    if tag in ("html", "body"):
        return inherited
    if tag in ("aside", "nav") or any(part in w for w in words for part in _SIDEBAR_PARTS):
        return SIDEBAR
    if inherited == POST:
        return POST
    if inherited == FOOTER:
        return FOOTER
    if tag == "footer" or any(w in _FOOTER_TOKENS for w in words):
        return FOOTER
    itemtype = (node.attributes.get("itemtype") or "")
    if tag == "article" or any(w in _POST_TOKENS for w in words) or itemtype.endswith(("BlogPosting", "Article")):
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
            result.texts.append((node.text_content or "", inherited))
            continue
        region = own_region(node, inherited)
        result.regions[node.mem_id] = region
        attributes = node.attributes
        machine = node.tag in DATE_ELEMENT_TAGS and (
            "datetime" in attributes or (node.tag == "abbr" and "title" in attributes))
        if machine or ("itemprop" in attributes and (attributes.get("content") or attributes.get("datetime"))):
            result.date_elements.append((node, region))
        children: list[tuple[LexborNode, str]] = []
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                if not machine and (child.text_content or "").strip():
                    children.append((child, region))
            elif tag not in SKIP_TAGS and not tag.startswith("-"):
                children.append((child, region))
        stack.extend(reversed(children))
    return result
