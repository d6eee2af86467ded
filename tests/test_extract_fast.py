"""The fast paths of extract_page read exactly what a walk over every node reads, on every kind of page."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import AS_OF, FIXTURE_WEB
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.parse.page import extract_page
from auditor.parse.dates import _machine_candidate, _text_candidates, body_candidates
from auditor.parse.datetext import copyright_years, find_dates, runs_with_hints
from auditor.parse.regions import SEPARATOR, Regions, dateline, walk
from auditor.parse.htmldepth import parse_html

EDGE_PAGE = """<!doctype html><html lang="en-GB"><head><title>Edge</title>
<script>var d = "12 March 2009";</script><meta name="date" content="2019-02-28"></head>
<body class="single-post comments-open"><div id="page">
<header class="site-header"><p>Updated 3 days ago</p></header>
<script>window.x = "2019-03-02 and 4 March 2010";</script><style>/* 5 May 2011 */</style>
<noscript><p>Posted 6 June 2012</p></noscript><template><p>7 July 2013</p></template>
<svg><text>8 August 2014</text></svg><textarea>9 September 2015</textarea>
<select><option>10 October 2016</option></select><iframe>11 November 2017</iframe>
<article class="post hentry"><h1>T</h1>
<time datetime="2019-03-02T10:00:00Z" class="entry-date published">2 March 2019</time>
<abbr title="2019-03-03">3 March 2019 <b>4 March 2019</b></abbr>
<span itemprop="datePublished" content="2019-03-01">x</span><span itemprop="dateModified" content="">y</span>
<p>Written on 02/03/2019 at 10:15 pm, il  y a 3 jours, hier, İl y a 2 jours, COPYRIGHT 2001, Copyright 2002-2005</p>
<footer class="entry-footer">Filed 5 March 2019</footer>
<div class="byline">By <a rel="author">Ann Author</a></div>
<aside class="related"><p>Related: 1 Jan 2018</p></aside></article>
<div class="comments-area"><ol class="commentlist">
<li class="comment" id="comment-1"><cite class="fn">Beth</cite> says:
<div class="comment-metadata"><time datetime="2019-03-04T09:00">4 March</time></div><p>Hi, 12.03.2019</p>
<ol class="children"><li class="comment bypostauthor" id="comment-2"><cite class="fn">Ann Author</cite>
<span class="comment-date">March 5, 2019 at 8:30 am</span><p>@Beth – thanks</p></li></ol></li>
<li class="comment pingback" id="comment-3"><p>Ping 6 March 2019</p></li></ol></div>
<div id="sidebar" class="widget-area"><ul><li>March 2019 (3)</li><li>Posted 7 March 2019</li>
<li class="byline">Sidebar Sam</li></ul></div>
<footer id="colophon"><p>© 2008–2019 Edge <article>inside the footer 9 March 2019</article></p></footer>
<math><time datetime="2019-03-10">10 March 2019</time></math></div>
<p>a&#0;b 11 March 2019</p><div class="Comment-12" id="C123456">Heute, 12:30 — vor 2 Tagen — hace 3 días</div>
<div>2 uur geleden — today — 2019-03-12 — 13.03.2019</div>
</body></html>"""

FETCHED = datetime(2026, 11, 22, tzinfo=timezone.utc)


def walked_candidates(html: str) -> list:
    """The body's candidates as a walk over every node gives them (the reference the fast path must equal)."""
    tree = parse_html(html)
    walked = walk(tree)
    found = []
    for node, region in walked.date_elements:
        found.extend(_machine_candidate(node, region))
    for text, region, element in walked.texts:
        found.extend(_text_candidates(text, region, True, dateline(element), element))
    return found


def fixture_pages() -> list[Path]:
    return sorted(Path(FIXTURE_WEB).rglob("*.html"))


@pytest.mark.parametrize("html", [EDGE_PAGE, *(p.read_text(encoding="utf-8", errors="replace")
                                              for p in fixture_pages())],
                         ids=["edge", *(p.relative_to(FIXTURE_WEB).as_posix() for p in fixture_pages())])
def test_the_fast_body_reading_equals_a_walk_over_every_node(html):
    tree = parse_html(html)
    assert list(body_candidates(tree, Regions(tree), True)) == walked_candidates(html)


def test_lazy_regions_equal_the_walks_regions_for_every_element_of_the_edge_page():
    tree = parse_html(EDGE_PAGE)
    walked, regions = walk(tree), Regions(tree)
    elements = [node for node in tree.root.traverse()]
    assert len(elements) > 60
    assert [regions.region(node) for node in elements] == [walked.region(node) for node in elements]
    assert [(n.mem_id, r) for n, r in regions.date_elements()] == [(n.mem_id, r) for n, r in walked.date_elements]


def body_texts(html: str) -> list[str]:
    tree = parse_html(html)
    return [c.text for c in body_candidates(tree, Regions(tree), True)]


def test_dates_in_scripts_styles_forms_svg_and_templates_are_not_read():
    texts = set(body_texts(EDGE_PAGE))
    assert not texts & {"12 March 2009", "4 March 2010", "5 May 2011", "6 June 2012",
                        "7 July 2013", "8 August 2014", "9 September 2015", "10 October 2016", "11 November 2017"}
    assert {"5 March 2019", "9 March 2019", "© 2008–2019", "13.03.2019"} <= texts


def test_the_text_inside_a_machine_dated_element_is_not_read_twice():
    texts = body_texts(EDGE_PAGE)
    assert "2 March 2019" not in texts and "3 March 2019" not in texts
    assert "4 March 2019" in texts  # in a <b> inside the <abbr title>: still read


def test_runs_with_hints_finds_every_run_that_holds_a_date_and_skips_the_rest():
    runs = ["Home", "Posted on 25 August 2008", "About us", "3 days ago", "Yesterday", "© 2009",
            "il \t y a une heure", "no dates here", "page 1 of 20", "id 120199", "2019-03-02", "12.03.2019"]
    joined = SEPARATOR.join(runs)
    assert runs_with_hints(joined, SEPARATOR) == [(1, runs[1]), (5, runs[5]), (10, runs[10]), (11, runs[11])]
    assert runs_with_hints("", SEPARATOR) == []
    assert runs_with_hints("nothing at all", SEPARATOR) == []


def test_runs_with_hints_keeps_the_run_index_right_when_a_letter_lowers_to_two():
    joined = SEPARATOR.join(["İstanbul", "x", "12 March 2009"])
    assert runs_with_hints(joined, SEPARATOR) == [(2, "12 March 2009")]


def test_text_regions_gives_up_when_the_text_does_not_line_up_with_the_tree():
    tree = parse_html("<body><p>a</p><article><p>25 August 2008</p></article></body>")
    regions = Regions(tree)
    assert regions.text_regions([(1, "25 August 2008")]) == ["post"]
    assert regions.text_regions([(1, "something else")]) is None
    assert regions.text_regions([(7, "25 August 2008")]) is None


@pytest.mark.parametrize("text", ["yeſterday", "vor eınem Tag", "3 mınutes ago", "YEſTERDAY", "20192008 years ago"])
def test_relative_words_even_with_odd_letters_are_no_date_and_no_error(text):
    assert find_dates(text, month_first=True) == []


def test_a_page_whose_only_dates_are_relative_words_is_undated():
    extract = extract_page("<p>Posted yeſterday</p><p>heute</p>", "https://odd.example/", AS_OF)
    assert extract.candidates == () and extract.published is None


_PIECES = ["January", "jan.", "MARCH", "märz", "août", "ſeptember", "Dez", "de", "1", "12", "25", "5th", "1er", "3.",
           "2008", "1999", "2026-08-12T10:30", "12/03/2009", "03.12.2009", "at", "à", "2:12 pm", "Uhr", "ago", "days",
           "an", "vor", "einem", "eınem", "Tagen", "il", "y", "a", "İl", "une", "heure", "hace", "geleden", "een",
           "YESTERDAY", "yeſterday", "Heute", "hier", "aujourd'hui", "©", "(c)", "Copyright", "–", ",", ".", "x",
           "Chicago", "\n", "\t", " ", " ", "\u00a0", SEPARATOR]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=24).map(" ".join))
def test_every_run_holding_a_date_or_notice_is_among_the_hinted_runs(text):
    runs = text.split(SEPARATOR)
    hinted = runs_with_hints(text, SEPARATOR)
    assert hinted == [(index, runs[index]) for index, _ in hinted]
    dated = [index for index, run in enumerate(runs)
             if find_dates(run, month_first=True) or copyright_years(run)]
    assert set(dated) <= {index for index, _ in hinted}


COMMENT_PAGE = """<html><body><article class="post"><span class="byline">By <b class="author">Owner Person</b></span>
</article><ol class="comment-list">
<li class="comment author" id="c1"><b>Alpha</b> <small>March 3, 2019</small><p>first</p>
 <div class="comment bypostauthor" id="c1a"><span class="comment-author"><cite>Owner Person</cite> says:</span>
  <abbr title="2019-03-04">x</abbr><div class="comment-content">@Alpha – yes</div>
  <ul class="children"><li class="comment"><strong>Gamma</strong><span class="date">5 March 2019</span>
  <p class="comment-meta">meta</p><p>deep</p></li></ul></div>
 <p>after nested</p></li>
<li><span class="name">Beta</span><time datetime="bad">no</time><time datetime="2019-03-06T10:00">6 March</time>
<p>plain li</p></li><li class="pingback"><p>ping 2019-03-07</p></li>
<li class="comment blog-author"><span class="user">Owner Person</span></li></ol>
<div class="comments"><div class="comment"><b>Delta</b><span class="time">il y a 2 jours</span></div></div>
</body></html>"""


def test_each_comment_gets_exactly_what_a_query_inside_it_finds_minus_its_nested_replies():
    from auditor.parse.comments import (
        AUTHOR_SELECTORS,
        BODY_SELECTORS,
        CONTAINERS,
        TIME_SELECTORS,
        _Owned,
    )
    tree = parse_html(COMMENT_PAGE)
    comments = {n.mem_id: n for n in tree.css(CONTAINERS)}
    owned = _Owned(tree, set(comments))

    def nearest_comment(node):
        while node is not None and node.mem_id not in comments:
            node = node.parent
        return node.mem_id if node is not None else None

    checked = 0
    for ident, node in comments.items():
        for selector in (*AUTHOR_SELECTORS, *TIME_SELECTORS, *BODY_SELECTORS, "p", "time[datetime], abbr[title]"):
            inside = [f.mem_id for f in node.css(selector) if nearest_comment(f) == ident]
            assert [f.mem_id for f in owned.share(ident, selector)] == inside, selector
            checked += len(inside)
    assert checked > 20


def test_comments_nested_in_comments_keep_their_own_authors_dates_and_texts():
    extract = extract_page(COMMENT_PAGE, "https://c.example/p", AS_OF)
    assert [(c.id, c.author, c.parent, c.is_owner, c.text) for c in extract.comments][1:5] == [
        ("c1a", "Owner Person", "c1", True, "@Alpha – yes"), ("comment-3", "Gamma", "c1a", False, "deep"),
        ("comment-4", "Beta", "", False, "plain li"), ("comment-5", "Owner Person", "", True, "")]
    assert extract.comments[0].text == "first after nested"
    assert extract.comments[3].at == datetime(2019, 3, 6, 10, tzinfo=timezone.utc)
