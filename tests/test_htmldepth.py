"""Deeply nested HTML is flattened before parsing; ordinary pages pass through untouched."""

from __future__ import annotations


from conftest import FIXTURE_WEB
from selectolax.lexbor import LexborHTMLParser

from auditor.parse.htmldepth import MAX_DEPTH, flatten_deep_nesting


def depth_of(tree: LexborHTMLParser, selector: str) -> int:
    node, depth = tree.css_first(selector), 0
    while node is not None:
        node, depth = node.parent, depth + 1
    return depth


def test_ordinary_pages_are_returned_unchanged():
    for page in FIXTURE_WEB.glob("*/index.html"):
        html = page.read_text("utf-8", errors="replace")
        assert flatten_deep_nesting(html) is html


def test_a_page_nested_deeper_than_the_cap_is_unwrapped_keeping_links_and_text():
    html = ("<html><head><link rel=alternate type=application/rss+xml href=/feed.xml></head><body>"
            + "<div><section>" * 50_000 + "<a href='https://social.example/acme'>deep text</a>"
            + "</section></div>" * 50_000 + "<footer><a href=/after>after</a></footer></body></html>")
    tree = LexborHTMLParser(flatten_deep_nesting(html))
    assert [a.attributes["href"] for a in tree.css("a[href]")] == ["https://social.example/acme", "/after"]
    assert tree.css_first("a").text() == "deep text"
    assert tree.css_first("link").attributes["href"] == "/feed.xml"
    assert depth_of(tree, "a") <= MAX_DEPTH + 5  # html, body, the kept elements, the a, the document
    assert tree.css_first("footer a") is not None  # the end tags of dropped elements were dropped too


def test_comments_scripts_and_svg_do_not_count_as_nesting():
    html = ("<html><body><!--" + "<div>" * 1000 + "--><script>" + "'<div>'" * 1000 + "</script><svg>"
            + "<path d='M0 0'/>" * 1000 + "</svg><div><a href=/x>x</a></div></body></html>")
    assert flatten_deep_nesting(html) is html


def test_elements_whose_end_tags_are_implied_do_not_count():
    html = "<ul>" + "<li>item" * 2000 + "</ul><p>" + "<p>para" * 2000
    assert flatten_deep_nesting(html) is html


def test_unterminated_tags_and_quotes_scan_in_linear_time(token_searches):
    """The scan looks for one token at a time from where the last ended: at most one search per "<"."""
    searches = token_searches
    for html in ("<a " * 300_000, "<div title='" * 300_000, "<div>" * 300_000):
        searches["count"] = 0
        flatten_deep_nesting(html)
        assert searches["count"] <= html.count("<") + 1
