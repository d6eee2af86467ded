"""The rules publication dates are chosen by, each on a small page written for it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import AS_OF

from auditor.parse.datetext import find_dates, parse_machine_date
from auditor.parse.htmldepth import MAX_DEPTH, parse_html
from auditor.parse.page import extract_page
from auditor.parse.regions import Regions


def day(html: str, url: str = "https://blog.example/post") -> date | None:
    extract = extract_page(html, url, AS_OF)
    return extract.published.value.date() if extract.published else None


def page(body: str, head: str = "", lang: str = "en") -> str:
    return f"<!doctype html><html lang='{lang}'><head>{head}</head><body>{body}</body></html>"


# Relative words: never a date, so never "today" for a stale page.

@pytest.mark.parametrize("words", ["Posted today", "2 hours ago", "heute, 10:15", "hier", "gestern", "yesterday",
                                   "il y a 3 jours", "vor 2 Tagen", "hace 2 días"])
def test_relative_words_never_date_a_page(words):
    html = page(f"<article><h1>T</h1><p class='date'>{words}</p><p>Text</p></article>"
                f"<aside><p>Updated {words}</p></aside>")
    extract = extract_page(html, "https://blog.example/post", AS_OF)
    assert extract.published is None
    assert all(abs(c.value - AS_OF) > timedelta(days=2) for c in extract.candidates)


def test_a_stale_page_with_relative_words_keeps_its_written_date():
    html = page("<div class='comments'><p>Anna, 2 hours ago</p></div>"
                "<article><p class='date'>3. März 2009</p><p>hier klicken</p></article>", lang="de")
    assert day(html) == date(2009, 3, 3)


# The day as written: an offset is kept, never converted.

@pytest.mark.parametrize("raw, written", [("2023-09-27T00:39:22+01:00", date(2023, 9, 27)),
                                          ("2023-11-08T22:05:41-05:00", date(2023, 11, 8)),
                                          ("2019-10-18T22:04:00Z", date(2019, 10, 18)),
                                          ("2019-10-18 22:04:00 +0200", date(2019, 10, 18))])
def test_a_local_time_with_an_offset_keeps_its_calendar_day(raw, written):
    assert parse_machine_date(raw).date() == written
    html = page("<p>x</p>", head=f"<meta property='article:published_time' content='{raw}'>")
    extract = extract_page(html, "https://news.example/a", AS_OF)
    assert extract.published.value.date() == written
    assert extract.published.text == raw


# Regions: whole class words and structure, not substrings.

def test_layout_classes_that_mention_a_sidebar_are_not_a_sidebar():
    html = page("<div class='layoutTwoColumnsRightSidebar has-sidebar page--with-sidebar'>"
                "<div class='content-sidebar-wrap'><div class='artikeldatum'>25. November 2021</div></div></div>",
                lang="de")
    assert day(html) == date(2021, 11, 25)


def test_a_sidebar_widget_is_a_sidebar_but_the_column_holding_the_post_is_not():
    html = page("<div class='widget Blog' id='Blog1'><div class='post hentry'><h1>Post</h1>"
                "<h2 class='date-header'>Friday, December 23, 2016</h2><div class='post-body'>x</div></div></div>"
                "<div class='widget PopularPosts'><span class='date'>January 2, 2017</span></div>")
    extract = extract_page(html, "https://x.blogspot.com/2016/12/post.html", AS_OF)
    regions = {c.text: c.region for c in extract.candidates}
    assert (regions["December 23, 2016"], regions["January 2, 2017"]) == ("post", "sidebar")
    assert extract.published.value.date() == date(2016, 12, 23)


@pytest.mark.parametrize("word, region", [("sidebar-left", "sidebar"), ("widget_recent_entries", "sidebar"),
                                          ("related-posts", "sidebar"), ("elementor-widget", "page"),
                                          ("has-sidebar", "page"), ("category-kommentar", "page"),
                                          ("c12345", "page"), ("c1234567890123456789", "comment"),
                                          ("comments-area", "comment"), ("wpcom-comments-date", "page"),
                                          ("comment-count", "page")])
def test_class_words_name_regions_whole(word, region):
    tree = parse_html(f"<body><div class='{word}'><span>x</span></div></body>")
    assert Regions(tree).region(tree.css_first("span")) == region


def test_an_aside_inside_the_article_keeps_the_posts_date_but_a_named_related_box_does_not():
    tree = parse_html("<body><article><aside class='meta'><span id='a'>x</span></aside>"
                      "<aside class='related'><span id='b'>y</span></aside></article><aside><span id='c'>z</span>"
                      "</aside></body>")
    regions = Regions(tree)
    assert [regions.region(tree.css_first(f"#{i}")) for i in "abc"] == ["post", "sidebar", "sidebar"]


# Ranking: published over updated and related.

def test_an_updated_date_is_never_the_publication_date():
    html = page("<article><p>Aktualisiert am 20.01.2022</p><p class='byline'>Veröffentlicht am 14.01.2022</p>"
                "</article>", lang="de")
    extract = extract_page(html, "https://x.example/a", AS_OF)
    assert extract.published.value.date() == date(2022, 1, 14)
    assert extract.modified.value.date() == date(2022, 1, 20)


def test_a_page_that_only_says_when_it_was_updated_is_undated():
    extract = extract_page(page("<article><p>Last updated: March 3, 2021</p></article>"), "https://x.example/a", AS_OF)
    assert extract.published is None and "updated" in extract.note


def test_the_post_date_line_beats_dates_the_post_mentions_and_related_posts():
    html = page("<article><p>The seminar runs on 15 February 2022 and 12 March 2022.</p>"
                "<div class='wp-block-post-date'><time datetime='2022-02-03T10:28:25+01:00'>3.2.2022</time></div>"
                "<div class='related-posts'><time datetime='2022-02-10'>x</time></div></article>")
    assert day(html) == date(2022, 2, 3)


def test_a_day_precise_permalink_wins_and_a_month_only_one_is_never_completed():
    assert day(page("<p>x</p>", head="<meta name='date' content='2020-01-05'>"),
               "https://x.example/2020/01/04/slug/") == date(2020, 1, 4)
    assert day(page("<p>x</p>"), "https://x.example/2020/01/slug.html") is None


def test_when_metadata_claims_two_days_the_one_the_post_shows_wins():
    html = page("<article><p class='dateline'>07.11.2023, 07:30 Uhr</p></article>", lang="de",
                head="<script type='application/ld+json'>{\"@type\": \"NewsArticle\", "
                     "\"datePublished\": \"2023-11-06T18:19+01:00\"}</script>"
                     "<meta name='dc.date' content='2023-11-07T07:30+01:00'>")
    assert day(html, "https://news.example/a") == date(2023, 11, 7)


# Formats and languages; the order of day and month from the page's language.

@pytest.mark.parametrize("text, expected", [
    ("19. Oktober 2019", date(2019, 10, 19)), ("19 octobre 2019", date(2019, 10, 19)),
    ("19 de octubre de 2019", date(2019, 10, 19)), ("19 ottobre 2019", date(2019, 10, 19)),
    ("19 de outubro de 2019", date(2019, 10, 19)), ("19 oktober 2019", date(2019, 10, 19)),
    ("19 października 2019", date(2019, 10, 19)), ("19 октября 2019 г.", date(2019, 10, 19)),
    ("19 Ekim 2019", date(2019, 10, 19)), ("October 19th, 2019", date(2019, 10, 19)),
    ("19.10.2019", date(2019, 10, 19)), ("19. 10. 2019", date(2019, 10, 19)), ("19-10-2019", date(2019, 10, 19)),
    ("3 Şubat 2020", date(2020, 2, 3)), ("1er février 2010", date(2010, 2, 1)), ("12 grudnia 2018", date(2018, 12, 12)),
])
def test_dates_are_read_in_ten_languages(text, expected):
    (found,) = find_dates(text)
    assert found.value.date() == expected


@pytest.mark.parametrize("lang, locale, expected", [("en-US", "", date(2020, 2, 10)), ("en-GB", "", date(2020, 10, 2)),
                                                    ("fr", "", date(2020, 10, 2)), ("", "en_GB", date(2020, 10, 2)),
                                                    ("", "", date(2020, 2, 10))])
def test_slash_dates_follow_the_pages_language(lang, locale, expected):
    head = f"<meta property='og:locale' content='{locale}'>" if locale else ""
    html = f"<html lang='{lang}'><head>{head}</head><body><article><p class='date'>02/10/2020</p></article></body></html>"
    assert day(html) == expected


def test_partial_dates_are_not_completed():
    assert find_dates("October 2019") == [] and find_dates("19 October") == []


def test_date_published_in_a_nested_json_ld_graph():
    head = ("<script type='application/ld+json'>{\"@context\": \"https://schema.org\", \"@graph\": [{\"@type\": "
            "\"WebSite\"}, {\"@type\": \"WebPage\", \"mainEntity\": {\"@type\": [\"Article\", \"NewsArticle\"], "
            "\"author\": {\"@type\": \"Person\", \"name\": \"A\"}, \"datePublished\": \"2021-05-04T09:00:00+02:00\"}}]}"
            "</script>")
    extract = extract_page(page("<p>x</p>", head=head), "https://x.example/a", AS_OF)
    assert extract.published.source == "json-ld Article/NewsArticle.datePublished"
    assert extract.published.value.date() == date(2021, 5, 4)


def test_script_data_dates_are_the_last_resort():
    html = page("<div id='app'></div><script>window.__DATA__ = {\"product\": {\"published_at\": "
                "\"2019-03-02T06:22:28+01:00\"}}</script>")
    extract = extract_page(html, "https://shop.example/p", AS_OF)
    assert (extract.published.source, extract.published.value.date()) == ("script data", date(2019, 3, 2))


# Parsing stays bounded however a short page nests.

def test_a_short_page_nested_deeper_than_the_cap_is_flattened():
    tree = parse_html("<body>" + "<div>" * 2000 + "<a href='/x'>deep</a>" + "</div>" * 2000 + "</body>")
    node, depth = tree.css_first("a"), 0
    while node is not None:
        node, depth = node.parent, depth + 1
    assert depth <= MAX_DEPTH + 5 and tree.css_first("a").text() == "deep"


# Comments: each once, dated from markup or bare text, the owner's replies from markup or name.

WORDPRESS_TWINS = """<html><body><article class="post"><span class="byline">By <a rel="author"
href="https://blog.example/author/jdoe/">Jane Doe</a></span></article><ol class="commentlist">
<li class="comment even depth-1" id="li-comment-7"><div id="comment-7" class="comment">
 <div class="comment-author vcard"><cite class="fn">Bob</cite> says:</div>
 <p><cite>Comment by Bob — 2019-01-01 @ 00:39</cite></p><div class="comment-content"><p>Is 2 March 2020 ok?</p></div>
 <ol class="children"><li class="comment byuser comment-author-jdoe odd depth-2" id="li-comment-8">
  <div id="comment-8" class="comment"><div class="comment-author vcard"><cite class="fn">J.</cite></div>
  <div class="comment-meta">1. Januar 2019 um 10:15</div><div class="comment-content"><p>Yes</p></div></div></li></ol>
</div></li></ol></body></html>"""


def test_a_wrapped_comment_is_listed_once_under_its_permalink_id():
    extract = extract_page(WORDPRESS_TWINS, "https://blog.example/p", AS_OF)
    assert [(c.id, c.parent) for c in extract.comments] == [("comment-7", ""), ("comment-8", "comment-7")]


def test_a_bare_text_comment_date_is_read_but_not_one_the_comment_mentions():
    bob = extract_page(WORDPRESS_TWINS, "https://blog.example/p", AS_OF).comments[0]
    assert bob.at.date() == date(2019, 1, 1)


def test_the_post_authors_user_name_class_marks_the_owner():
    (bob, jane) = extract_page(WORDPRESS_TWINS, "https://blog.example/p", AS_OF).comments
    assert not bob.is_owner and jane.is_owner and jane.owner_because == "class comment-author-jdoe"
    (asked,) = extract_page(WORDPRESS_TWINS, "https://blog.example/p", AS_OF).interactions()
    assert asked.owner_replied_at.date() == date(2019, 1, 1)


def test_another_authors_user_name_is_not_the_owners():
    html = WORDPRESS_TWINS.replace("comment-author-jdoe", "comment-author-markus")
    assert not any(c.is_owner for c in extract_page(html, "https://blog.example/p", AS_OF).comments)


def test_wpdiscuz_threads_and_their_post_author_mark():
    html = """<html><body><div class="wc-thread-wrapper">
    <div id="wc-comm-10_0" class="wc-comment wc-blog-guest"><div id="comment-10" class="wc-comment-right">
    <div class="wc-comment-author">Ann</div><div class="wc-comment-text"><p>Frage</p></div>
    <div class="wc-comment-date">19. Februar 2017 20:00</div></div>
    <div id="wc-comm-11_10" class="wc-comment wc-reply wc-blog-user wc-blog-post_author"><div id="comment-11"
    class="wc-comment-right"><div class="wc-comment-author">Kathrin</div><div class="wc-comment-text"><p>Ja</p></div>
    <div class="wc-comment-date">20. Februar 2017 08:00</div></div></div></div>
    <div id="wc-comm-12_0" class="wc-comment wc-blog-guest"><div class="wc-comment-right">
    <div class="wc-comment-author">Cem</div><div class="wc-comment-date">5 Minuten her</div></div></div></div></body></html>"""
    comments = extract_page(html, "https://x.example/p", AS_OF).comments
    assert [(c.author, c.parent, c.is_owner) for c in comments] == [
        ("Ann", "", False), ("Kathrin", "wc-comm-10_0", True), ("Cem", "", False)]
    assert [c.at.date() if c.at else None for c in comments] == [date(2017, 2, 19), date(2017, 2, 20), None]


def test_a_day_first_permalink_date_is_a_day():
    assert day(page("<p>x</p>"), "https://x.example/media-news/meldungen/29-10-2021") == date(2021, 10, 29)


def test_the_words_of_a_time_element_name_the_publication_day_its_attribute_does_not():
    html = page("<article><div class='time'><time datetime='2019-07-03T10:18:46Z'>Publié le 29 juin 2019</time>"
                "</div></article>", lang="fr")
    assert day(html) == date(2019, 6, 29)


def test_a_meta_date_that_does_not_say_which_date_yields_to_the_posts_date_line():
    html = page("<article><time class='published' datetime='2022-01-27'>27.01.2022</time></article>", lang="de",
                head="<meta name='date' content='2022-01-21T15:38:44+01:00'>")
    assert day(html) == date(2022, 1, 27)
    named = html.replace("name='date'", "property='article:published_time'")
    assert day(named.replace("2022-01-27", "2022-01-19")) == date(2022, 1, 21)  # a meta that names it comes first
    assert day(named) == date(2022, 1, 27)  # unless the post shows a later day: the page was re-dated


def test_a_utc_moment_takes_the_day_the_page_writes_for_the_same_instant():
    head = ("<script type='application/ld+json'>[{\"@type\": \"NewsArticle\", \"datePublished\": "
            "\"2023-11-09T02:11:03+00:00\"}, {\"@type\": \"VideoObject\", \"uploadDate\": "
            "\"2023-11-08T21:11:03-05:00\"}]</script>")
    assert day(page("<p>x</p>", head=head), "https://news.example/a") == date(2023, 11, 8)
    other = head.replace("21:11:03-05:00", "20:00:00-05:00")  # another moment: the UTC day stands
    assert day(page("<p>x</p>", head=other), "https://news.example/a") == date(2023, 11, 9)
