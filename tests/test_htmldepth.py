"""Deeply nested HTML is flattened before parsing; ordinary pages pass through untouched."""

from __future__ import annotations


from pathlib import Path

import pytest
from conftest import FIXTURE_WEB
from selectolax.lexbor import LexborHTMLParser

from auditor.parse import htmldepth
from auditor.parse.htmldepth import MAX_ATTRIBUTES, MAX_DEPTH, MAX_FORMATTING, flatten_deep_nesting, parse_html

DEV_PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "page-dates-dev" / "pages"


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


def test_unterminated_tags_and_quotes_are_read_in_one_scan(token_scans, monkeypatch):
    """However a page is broken, the Python model reads it by one scan of its tokens (and one more when it
    must be edited), and no token is longer than to the next "<"."""
    monkeypatch.setattr(htmldepth, "_htmlscan", None)
    for html in ("<a " * 300_000, "<div title='" * 300_000, "<div>" * 300_000, "<!--" + "<div>" * 1000):
        token_scans.update(findall=0, finditer=0, tokens=0)
        flatten_deep_nesting(html)
        assert token_scans["findall"] == 1 and token_scans["finditer"] <= 1
        assert token_scans["tokens"] <= html.count("<")


@pytest.mark.parametrize("html", ["<![CDATA[>" * 5_000, "<svg><style>" * 5_000], ids=["CDATA", "svg style"])
def test_raw_text_read_as_markup_within_itself_costs_a_bounded_number_of_scans(html, token_scans, monkeypatch):
    """Each level of raw text read as markup is one more scan of what follows it: past MAX_RAW_NESTING
    levels the outermost is dropped, whatever the page's length."""
    monkeypatch.setattr(htmldepth, "_htmlscan", None)
    assert len(flatten_deep_nesting(html)) < 10
    assert token_scans["findall"] == htmldepth.MAX_RAW_NESTING + 1


def deepest(tree: LexborHTMLParser) -> int:
    """How many elements the deepest one is below the document (the html element is 1)."""
    low, high = 1, 4 * MAX_DEPTH
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if tree.css_first(" > ".join(["*"] * middle)) else (low, middle - 1)
    return low


# Pages that look shallow to a reader who takes every "<" for a tag or every end tag as closing, but
# that a parser nests thousands deep: each gets a tree as deep as the cap allows, and no deeper.
N = 5_000
DECEPTIVELY_DEEP = {
    "an end tag inside a quoted attribute value": '<div title="</div>">' * N,
    "end tags of elements that are not open": "<div></span>" * N,
    "end tags the parser does not look for past a table": "<div><table></div></table>" * N,
    "end tags inside bogus comments": "<div><? </div>" * N,
    "tags after an empty comment": "<!-->" + "<div>" * N + "-->",
    "end tags in a script's escaped text": "<div><script><!--<script></script></div>--></script>" * N,
    "a style element in svg holds markup": "<svg><style>" + "<div>" * N + "</style></svg>",
    "a CDATA section outside svg ends at the first >": "<![CDATA[>" + "<section>" * N + "]]>",
    "a self-closing slash does not close an HTML element": "<div/>" * N,
}


@pytest.mark.parametrize("html", DECEPTIVELY_DEEP.values(), ids=DECEPTIVELY_DEEP.keys())
def test_what_a_parser_nests_deeply_is_capped(html):
    tree = parse_html(html)
    assert deepest(tree) <= MAX_DEPTH + 4  # html, body, the kept elements and what they hold


def test_a_tag_keeps_its_first_attributes_though_a_quoted_value_holds_a_less_than_sign():
    html = '<div a="<" ' + " ".join(f"b{i}" for i in range(5 * MAX_ATTRIBUTES)) + ">text</div>"
    div = parse_html(html).css_first("div")
    assert len(div.attributes) == MAX_ATTRIBUTES and div.attributes["a"] == "<" and div.text() == "text"


def test_formatting_elements_left_open_are_reopened_a_bounded_number_of_times():
    """The parser reopens every formatting element left open in each new block: 500 distinct <b>s and 800
    blocks would make 400,000 elements. At most MAX_FORMATTING stay open."""
    html = "<div>" + "".join(f"<b id=b{i}>" for i in range(500)) + "</div>" + "<div>x</div>" * 800
    tree = parse_html(html)
    assert len(tree.css("b")) <= (MAX_FORMATTING + 1) * 801
    assert len(tree.css("div")) == 801 and tree.css_first("b").attributes == {"id": "b0"}


def test_foreign_content_closes_itself_and_ends_where_a_parser_ends_it():
    icons = "<svg><use href='#i'/><path d='M0 0'/></svg>" * 2_000  # self-closed: nothing stays open
    assert flatten_deep_nesting(icons) is icons
    broken_out = "<svg>" + "<g>" * 100 + "<div>" * 600  # a <div> ends the foreign content: its <g>s close
    assert flatten_deep_nesting(broken_out).count("<div>") == MAX_DEPTH
    inside = "<svg><foreignObject>" + "<div>" * 600  # but inside <foreignObject> it is HTML and nests
    assert flatten_deep_nesting(inside).count("<div>") == MAX_DEPTH - 2


@pytest.mark.skipif(not DEV_PAGES.is_dir(), reason="the shared page-dates-dev set is not here")
def test_real_pages_are_parsed_as_they_are():
    for page in sorted(DEV_PAGES.glob("*.html")):
        html = page.read_bytes().decode("utf-8", errors="replace")
        assert flatten_deep_nesting(html) is html, page.name
