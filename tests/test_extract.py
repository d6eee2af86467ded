"""extract_page: date candidates, the publication-date choice, comments, owners and interactions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import AS_OF, FIXTURE_WEB, utc

from auditor.parse.page import extract_page
from auditor.parse.dates import body_candidates
from auditor.parse.htmldepth import parse_html
from auditor.parse.regions import Regions
from auditor.parse.datetext import copyright_years, find_dates, url_date
from auditor.collect.signals import response_signals


def page(host_path: str, url: str | None = None):
    path = Path(FIXTURE_WEB) / host_path
    return extract_page(path.read_text(encoding="utf-8"), url or f"https://{host_path}", AS_OF)


@pytest.mark.parametrize("text, expected", [
    ("25 August 2008", utc(2008, 8, 25)),
    ("August 25th, 2008 at 2:12 pm", utc(2008, 8, 25, 14, 12)),
    ("Sunday, March 2, 2008", utc(2008, 3, 2)),
    ("3. März 2009 um 14:30", utc(2009, 3, 3, 14, 30)),
    ("12 mars 2009 à 18h05", utc(2009, 3, 12, 18, 5)),
    ("1er février 2010", utc(2010, 2, 1)),
    ("12 de marzo de 2009 a las 11:30", utc(2009, 3, 12, 11, 30)),
    ("3 maart 2009", utc(2009, 3, 3)),
    ("17 oktober 2011 om 9:05", utc(2011, 10, 17, 9, 5)),
    ("2008-08-25T10:00", utc(2008, 8, 25, 10)),
    ("Geschrieben am 03.12.2009", utc(2009, 12, 3)),
])
def test_visible_dates_are_read_in_five_languages(text, expected):
    (found,) = find_dates(text, month_first=True)
    assert found.value == expected


def test_slash_dates_follow_the_page_language_unless_one_part_is_over_12():
    assert find_dates("Posted on 12/03/2009", month_first=True)[0].value == utc(2009, 12, 3)
    assert find_dates("Posted on 12/03/2009", month_first=False)[0].value == utc(2009, 3, 12)
    assert find_dates("Posted on 25/03/2009", month_first=True)[0].value == utc(2009, 3, 25)


@pytest.mark.parametrize("text", ["3 days ago", "2 hours ago", "a week ago", "vor 2 Stunden", "il y a 3 jours",
                                  "hace 2 días", "5 dagen geleden", "yesterday", "heute", "hier", "Today, 10:15"])
def test_relative_words_are_not_dates(text):
    assert find_dates(text, month_first=True) == []


def test_copyright_years_and_url_dates():
    assert copyright_years("Copyright © 2005–2009 Acme") == [(2009, "Copyright © 2005–2009")]
    assert url_date("https://x.example/2019/03/02/spring/") == (utc(2019, 3, 2), "day")
    assert url_date("https://x.blogspot.com/2008/03/slug.html") == (utc(2008, 3, 1), "month")
    assert url_date("https://x.example/about/") is None


def test_every_candidate_keeps_its_source_and_region():
    path = Path(FIXTURE_WEB) / "wpnoapi.example/2026/10/05/model-7-hinge/index.html"
    tree = parse_html(path.read_text(encoding="utf-8"))
    body = {(c.source, c.role, c.region) for c in body_candidates(tree, Regions(tree), True)}
    assert {("<time datetime>", "published", "post"), ("<time datetime>", "modified", "post"),
            ("copyright notice", "copyright", "footer")} <= body
    assert sum(1 for c in body_candidates(tree, Regions(tree), True) if c.region == "comment") == 10
    extract = page("wpnoapi.example/2026/10/05/model-7-hinge/index.html",
                   "https://wpnoapi.example/2026/10/05/model-7-hinge/")
    sources = {(c.source, c.role, c.region) for c in extract.candidates}
    assert ("meta article:published_time", "published", "head") in sources
    assert ("json-ld Article.datePublished", "published", "head") in sources  # found inside @graph
    assert ("json-ld WebPage.dateModified", "modified", "head") in sources
    assert ("url path", "published", "url") in sources
    # the permalink and the metadata settle the day: the body is not read for dates
    assert {c.region for c in extract.candidates} == {"head", "url"}
    assert extract.published.source == "json-ld Article.datePublished"
    assert extract.published.value == utc(2026, 10, 5, 10)
    assert extract.modified.value == utc(2026, 10, 6, 8, 12)


def test_the_body_is_read_when_the_head_does_not_settle_the_day():
    html = ("<html><head><meta property='article:published_time' content='2019-03-02'></head><body><article>"
            "<time class='published' datetime='2019-03-02T10:15:00+01:00'>2 March</time></article></body></html>")
    extract = extract_page(html, "https://x.example/p", AS_OF)
    assert extract.published.source == "<time datetime>"  # the day from the head, the time from the post
    assert extract.published.value == datetime(2019, 3, 2, 10, 15, tzinfo=timezone(timedelta(hours=1)))


def test_the_posts_own_date_beats_newer_sidebar_dates():
    extract = page("pages.example/sidebar.html")
    assert extract.published.value == utc(2019, 3, 2)
    assert (extract.published.source, extract.published.region) == ("dateline text", "post")
    newer = [c for c in extract.candidates if c.value > utc(2026, 1, 2)]
    assert newer and {c.region for c in newer} <= {"sidebar", "footer", "header", "page"}
    assert extract.last_activity == utc(2019, 3, 2)


def test_a_page_whose_only_date_is_the_copyright_year_has_no_publication_date():
    extract = page("pages.example/copyright.html")
    assert extract.published is None and extract.last_activity is None
    assert [c.source for c in extract.candidates] == ["copyright notice"]
    assert "only date on the page is the copyright notice" in extract.note


def test_a_same_day_time_refines_a_day_only_choice():
    extract = page("pages.example/kommentare.html")
    assert extract.published.value == utc(2009, 3, 3, 8, 30)


def test_dates_after_the_fetch_never_count():
    html = '<html><body><article><p>Posted on 2 March 2031</p><p>Filed 2 March 2019</p></article></body></html>'
    extract = extract_page(html, "https://x.example/post", AS_OF)
    assert extract.published.value == utc(2019, 3, 2)


def test_a_permalink_date_is_used_when_the_page_shows_none():
    extract = extract_page("<html><body><p>Hello</p></body></html>", "https://x.example/2019/03/02/spring/", AS_OF)
    assert (extract.published.source, extract.published.value) == ("url path", utc(2019, 3, 2))


def test_wordpress_threaded_and_flat_owner_replies():
    extract = page("wpnoapi.example/2026/10/05/model-7-hinge/index.html",
                   "https://wpnoapi.example/2026/10/05/model-7-hinge/")
    by_id = {c.id: c for c in extract.comments}
    assert len(extract.comments) == 10 and len(extract.owner_replies) == 3
    assert by_id["comment-204"].parent == "comment-202" and by_id["comment-204"].is_owner
    assert by_id["comment-204"].owner_because == "class bypostauthor"
    assert by_id["comment-203"].replies_to == ("comment-201",)  # "@Beth –", unthreaded
    assert by_id["comment-207"].replies_to == ("comment-206",)
    assert by_id["comment-201"].author == "Beth" and by_id["comment-201"].at == utc(2026, 10, 5, 12, 10)
    interactions = extract.interactions()
    assert len(interactions) == 7
    answered = {i.author: i.owner_replied_at for i in interactions if i.owner_replied_at}
    assert answered == {"Beth": utc(2026, 10, 5, 15, 40), "Carl Ng": utc(2026, 10, 5, 19, 25),
                        "Eli": utc(2026, 10, 6, 17, 30)}
    signals = response_signals(interactions, AS_OF, window_days=90)
    assert (signals.total, signals.answered, signals.median_first_reply) == (7, 3, timedelta(hours=6))
    assert extract.last_activity == utc(2026, 10, 6, 17, 30)  # the owner's last reply is newer than the post


def test_an_unmarked_owner_is_recognised_by_the_post_authors_name():
    extract = page("pages.example/kommentare.html")
    assert extract.author == "Jonas Keller"
    assert [(c.author, c.at, c.is_owner) for c in extract.comments] == [
        ("Petra", utc(2009, 3, 4, 9, 15), False),
        ("Jonas Keller", utc(2009, 3, 4, 21, 40), True),
        ("Uwe", utc(2009, 3, 5, 10), False),
    ]
    assert extract.comments[1].owner_because == "name matches the post's author"
    (petra, uwe) = extract.interactions()
    assert petra.owner_replied_at == utc(2009, 3, 4, 21, 40) and uwe.owner_replied_at is None


def test_french_and_spanish_comment_dates():
    extract = page("pages.example/commentaires.html")
    assert [(c.author, c.at, c.parent, c.is_owner) for c in extract.comments] == [
        ("Marc", utc(2009, 3, 12, 18, 5), "", False),
        ("Claire Roux", utc(2009, 3, 13, 9, 20), "comment-3", True),
        ("Inés", utc(2009, 3, 14, 11, 30), "", False),
    ]


def test_a_2008_post_with_five_unanswered_reader_comments():
    extract = page("seedblog.example/blog/2008/08/25/first-seedlings.html")
    assert extract.published.value == utc(2008, 8, 25)
    assert [c.author for c in extract.comments] == ["Beth", "Carl", "Dora Mills", "Ed", "Fran"]
    assert not extract.owner_replies
    assert all(i.owner_replied_at is None for i in extract.interactions())
    assert extract.comments[-1].at == utc(2008, 9, 9, 16, 55)


BLOGGER_THREADED = """<html><head><meta content='blogger' name='generator'/></head><body>
<div class='post hentry'><abbr class='published' title='2019-05-02T09:00:00-07:00'>9:00 AM</abbr>
<span class='post-author vcard'>Posted by <span class='fn'>Mara Quill</span></span></div>
<div class='comments' id='comments'><div class='comment-thread'><ol>
<li class='comment' id='c111'><div class='comment-block'><div class='comment-header'>
<cite class='user'><a href='https://www.blogger.com/profile/1'>Theo</a></cite>
<span class='datetime secondary-text'><a rel='nofollow' href='?showComment=1#c111'>May 2, 2019 at 6:00 PM</a></span></div>
<p class='comment-content'>Lovely press.</p></div>
<div class='comment-replies'><div class='comment-thread inline-thread'><ol>
<li class='comment' id='c112'><div class='comment-block'><div class='comment-header'>
<cite class='user blog-author'><a href='https://www.blogger.com/profile/2'>Mara Quill</a></cite>
<span class='icon user blog-author'></span>
<span class='datetime secondary-text'><a rel='nofollow' href='?showComment=2#c112'>May 3, 2019 at 8:00 AM</a></span></div>
<p class='comment-content'>Thank you!</p></div></li></ol></div></div></li>
</ol></div></div></body></html>"""

BLOGGER_CLASSIC = """<html><body><div class='post'><h3>Old post</h3><div class='post-footer'>
<abbr class='published' title='2008-03-02T10:15:00-08:00'>10:15 AM</abbr></div></div>
<div id='comments'><dl id='comments-block'>
<dt class='comment-author' id='c501'><a name='c501'></a><a href='https://www.blogger.com/profile/9'>Jane</a> said...</dt>
<dd class='comment-body'><p>Great post!</p></dd>
<dd class='comment-footer'><span class='comment-timestamp'><a href='#c501' title='comment permalink'>March 3, 2008 9:12 AM</a></span></dd>
<dt class='comment-author blog-author' id='c502'><a name='c502'></a><a href='https://www.blogger.com/profile/1'>Owner</a> said...</dt>
<dd class='comment-body'><p>Thanks Jane.</p></dd>
<dd class='comment-footer'><span class='comment-timestamp'><a href='#c502'>March 3, 2008 11:12 AM</a></span></dd>
</dl></div></body></html>"""


def test_blogger_threaded_comments_mark_the_blog_author():
    extract = extract_page(BLOGGER_THREADED, "https://x.blogspot.com/2019/05/press.html", AS_OF)
    assert extract.published.value == utc(2019, 5, 2, 16)
    assert [(c.id, c.author, c.parent, c.is_owner) for c in extract.comments] == [
        ("c111", "Theo", "", False), ("c112", "Mara Quill", "c111", True)]
    (theo,) = extract.interactions()
    assert theo.owner_replied_at == utc(2019, 5, 3, 8)


def test_classic_blogger_comment_blocks():
    extract = extract_page(BLOGGER_CLASSIC, "https://x.blogspot.com/2008/03/old.html", AS_OF)
    assert [(c.id, c.author, c.at, c.is_owner) for c in extract.comments] == [
        ("c501", "Jane", utc(2008, 3, 3, 9, 12), False), ("c502", "Owner", utc(2008, 3, 3, 11, 12), True)]
    # classic Blogger does not thread: the owner's reply answers nothing by markup alone
    assert extract.interactions()[0].owner_replied_at is None


def test_several_at_names_in_one_flat_reply():
    html = """<html><head><meta name="author" content="Tom"></head><body><article><p>Posted 1 May 2010</p></article>
    <div class="comment" id="a"><span class="comment-author">Mary Ann</span><span class="comment-date">1 May 2010 10:00</span><div class="comment-text">Q1</div></div>
    <div class="comment" id="b"><span class="comment-author">Bo</span><span class="comment-date">1 May 2010 11:00</span><div class="comment-text">Q2</div></div>
    <div class="comment" id="c"><span class="comment-author">Tom</span><span class="comment-date">1 May 2010 13:00</span><div class="comment-text">@Mary Ann, @Bo: both yes.</div></div>
    </body></html>"""
    extract = extract_page(html, "https://x.example/p", AS_OF)
    assert extract.comments[2].replies_to == ("a", "b")
    assert [i.owner_replied_at for i in extract.interactions()] == [utc(2010, 5, 1, 13)] * 2
