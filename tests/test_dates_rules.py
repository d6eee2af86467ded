"""More rules publication dates are chosen by: the site's banner, labels in their own element, the
date line under the headline, and abstaining when the evidence is weak. Each on a small page
written for it."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import AS_OF

from auditor.parse.htmldepth import parse_html
from auditor.parse.page import extract_page
from auditor.parse.regions import Regions


def extract(body: str, head: str = "", lang: str = "en", url: str = "https://news.example/a"):
    html = f"<!doctype html><html lang='{lang}'><head>{head}</head><body>{body}</body></html>"
    return extract_page(html, url, AS_OF)


def day(body: str, head: str = "", lang: str = "en", url: str = "https://news.example/a") -> date | None:
    found = extract(body, head, lang, url).published
    return found.value.date() if found else None


# The site's banner and a web archive's toolbar are not the page: their dates are today's.

@pytest.mark.parametrize("banner", [
    "<header class='container'><span class='today'><time datetime='2023-11-01T13:56:20+01:00'>"
    "Mittwoch, 01. November 2023</time></span></header>",
    "<div role='banner'><span class='date-edition'>lun. 5 août 2019</span></div>",
    "<div id='masthead'><span class='date'>5 August 2019</span></div>",
    "<div id='wm-ipp-base'><div id='wm-ipp'><div class='r'>10 Nov 2013</div></div></div>",
])
def test_a_date_in_the_sites_banner_is_never_the_posts(banner):
    found = extract(banner + "<div class='intro'><p><span class='text_datum'>31. Oktober 2013.</span> Text</p></div>",
                    lang="de")
    assert found.published.value.date() == date(2013, 10, 31)
    assert {c.region for c in found.candidates if c.value.date() != date(2013, 10, 31)} == {"header"}


def test_a_banner_holding_the_headline_or_inside_the_post_is_not_the_sites_banner():
    tree = parse_html("<body><header><h1>Title</h1><span id='a'>x</span></header>"
                      "<article><header class='entry-header'><span id='b'>y</span></header></article>"
                      "<header id='masthead'><span id='c'>z</span></header></body>")
    regions = Regions(tree)
    assert [regions.region(tree.css_first(f"#{i}")) for i in "abc"] == ["page", "post", "header"]


def test_a_page_whose_only_date_is_in_the_banner_is_undated_and_says_so():
    found = extract("<header><p>Monday, 2 October 2017</p></header><main><p>Text</p></main>")
    assert found.published is None and "header" in found.note


# A label in its own element names the date in the next one.

def test_a_label_in_the_element_before_names_the_date():
    found = extract("<div class='box'><span>Erschienen am:</span><h2>13.10.2021</h2></div>"
                    "<div><h4>Zuletzt geändert am:</h4><ul><li>15.10.2021</li></ul></div>",
                    head="<meta name='date' content='2021-10-15'>", lang="de")
    assert found.published.value.date() == date(2021, 10, 13)
    assert found.modified.value.date() == date(2021, 10, 15)


def test_a_long_text_before_a_date_is_not_its_label():
    found = extract("<div><p>" + "Der Bericht wurde veröffentlicht, aber das ist lange her " * 3 + "</p>"
                    "<p>12.03.2019</p></div>", lang="de")
    assert [c.role for c in found.candidates if c.text == "12.03.2019"] == ["date"]


def test_a_labelled_publication_date_in_the_page_beats_a_meta_date_that_does_not_say_which():
    body = "<div><span class='label'>Datum:</span> <span class='value'>18.10.2021</span></div>"
    assert day(body, head="<meta name='date' content='2021-10-20'>", lang="de") == date(2021, 10, 18)


# The date line right under the headline.

def test_the_date_under_the_headline_beats_dates_the_page_links_to():
    body = ("<div class='detail'><h1><strong>Belarus: 9.087 Feststellungen</strong></h1><p><em>10.11.2021</em></p>"
            "<p>Bis einschließlich 9. November 2021 registrierte die Bundespolizei …</p>"
            "<ul><li><a class='Publication'>Nr. 34 vom 08. November 2021</a></li></ul></div>")
    assert day(body, lang="de") == date(2021, 11, 10)


def test_the_headline_date_is_read_in_the_first_short_runs_only():
    caption = "A long caption under the photo that mentions the 3rd of the month, Nov. 3, 2023, " * 3
    found = extract(f"<main><h1>Strike ends</h1><figure><figcaption>{caption}</figcaption></figure>"
                    "<p>a</p><p>b</p><p>c</p><p>d</p><p>Posted 11/8/2023</p></main>")
    assert not [c for c in found.candidates if c.source == "headline text"]


def test_an_updated_date_under_the_headline_is_not_the_publication_date():
    found = extract("<main><h1>Skin</h1><div class='timestamp'>Updated Mar 12, 2020</div>"
                    "<p>Text 3 March 2020 and more</p></main>")
    assert not [c for c in found.candidates if c.source == "headline text"]


# Labels are whole words.

def test_a_word_that_only_contains_a_label_does_not_label_the_date():
    found = extract("<main><p>Abbildung: Vergleich mit Messungen. Datensatz vom 09.03.2016</p>"
                    "<p>Zustand 12.05.2017</p></main>", lang="de")
    assert {c.text: c.role for c in found.candidates} == {"09.03.2016": "date", "12.05.2017": "date"}


# A range is when something happens, not when the page was written.

@pytest.mark.parametrize("text", ["Der Tunnel wird vom 24. April bis 2. Oktober 2017 gesperrt.",
                                  "Wochenbericht 14. - 20. Januar 2022", "Wochenende in Wien 28.09. - 01.10.2023",
                                  "Open from 3 May 2019 to 5 May 2019", "Du 2 au 5 octobre 2017"])
def test_dates_that_open_or_close_a_range_are_not_candidates(text):
    found = extract(f"<main><p>{text}</p></main>", lang="de")
    assert found.published is None and "events" in found.note
    assert found.candidates and {c.role for c in found.candidates} == {"event"}


def test_a_date_followed_by_a_number_that_is_no_date_is_still_read():
    assert day("<main><p class='date'>March 3, 2019 to 5 people</p></main>") == date(2019, 3, 3)


# A date line written across several elements.

def test_a_date_split_across_the_elements_of_a_date_line_is_read():
    found = extract("<article><h2>Mozart</h2><div class='date'><span class='month'>Apr</span> <span class='day'>04"
                    "</span><span class='year'>2013</span></div><p>Text</p></article>")
    assert found.published.value.date() == date(2013, 4, 4)
    assert (found.published.region, found.published.source) == ("post", "dateline text")


def test_a_split_date_line_is_read_once_and_not_beside_its_own_runs():
    found = extract("<article><div class='post-date'><div class='date'><b>12</b> <i>March</i> <u>2019</u></div></div>"
                    "<p class='date'><span>Posted</span> <span>4 May 2019</span></p></article>")
    assert sorted(c.text for c in found.candidates) == ["12 March 2019", "4 May 2019"]


# A page that shows a later day than its metadata has been re-dated: the shown day is its day.

ARTICLE_2021 = ("<script type='application/ld+json'>{\"@type\": \"Article\", "
                "\"datePublished\": \"2021-11-29T14:13:37+00:00\"}</script>")


def test_the_day_under_the_headline_wins_when_later_than_the_metadatas():
    found = extract("<main><h1>Fische</h1><div class='author'>Christoph · ca. 8 Min. · 12.01.2022</div>"
                    "<p>Text</p></main>", head=ARTICLE_2021, lang="de")
    assert found.published.value.date() == date(2022, 1, 12)
    assert found.published.source == "headline text"


def test_the_first_machine_date_of_the_post_wins_when_later_than_the_metadatas():
    found = extract("<main><ul class='meta'><li><time datetime='2022-01-25'>25.01.2022</time></li></ul>"
                    "<p>Text</p></main>", head=ARTICLE_2021, lang="de")
    assert found.published.value.date() == date(2022, 1, 25)


@pytest.mark.parametrize("shown", ["28.11.2021", "30.11.2021"])
def test_a_shown_day_earlier_or_one_day_apart_leaves_the_metadatas_day(shown):
    found = extract(f"<main><h1>Fische</h1><p>{shown}</p><p>Text</p></main>", head=ARTICLE_2021, lang="de")
    assert found.published.value.date() == date(2021, 11, 29)


def test_a_later_day_the_page_calls_an_update_leaves_the_metadatas_day():
    found = extract("<main><h1>Umwelt</h1><time datetime='2022-04-11T08:27:52Z'>Aktualisiert: 11.04.2022, 10:27"
                    "</time><p>Text</p></main>", head=ARTICLE_2021, lang="de")
    assert found.published.value.date() == date(2021, 11, 29)
    assert found.modified.value.date() == date(2022, 4, 11)


def test_a_day_precise_permalink_is_not_overruled_by_a_shown_day():
    found = extract("<main><h1>Royal</h1><p>March 14, 2021</p></main>", url="https://news.example/2021/03/08/royal/")
    assert found.published.value.date() == date(2021, 3, 8)


# The site's clock: a date written in the text on the day the page was read.

def test_a_date_written_on_the_day_an_archived_copy_was_captured_is_the_sites_clock():
    body = "<div class='top'>Donnerstag, 16. Februar 2012</div><div><p>Rom, 14. Februar 2012 – Text</p></div>"
    archived = "https://web.archive.org/web/20120216182711/http://news.example/artikel"
    assert day(body, lang="de", url=archived) == date(2012, 2, 14)
    assert day(body, lang="de", url="http://news.example/artikel") == date(2012, 2, 16)


def test_a_date_after_an_archived_copys_capture_is_impossible():
    archived = "https://web.archive.org/web/20120216182711/http://news.example/artikel"
    assert day("<main><p class='date'>3 March 2015</p></main>", url=archived) is None


def test_the_fetch_day_in_the_metadata_is_a_date_but_alone_in_the_text_it_is_the_clock():
    today = AS_OF.strftime("%d.%m.%Y")
    meta = f"<meta property='article:published_time' content='{AS_OF.date().isoformat()}'>"
    assert day(f"<main><p class='date'>{today}</p></main>", head=meta, lang="de") == AS_OF.date()
    found = extract(f"<main><p class='date'>{today}</p></main>", lang="de")
    assert found.published is None and "clock" in found.note


# A day stored as its local midnight and written in UTC.

def test_a_utc_evening_on_the_hour_takes_the_next_day_the_page_writes():
    head = "<meta property='article:published_time' content='2021-11-04T23:00Z'>"
    assert day("<main><h1>Wahlen</h1><p class='date'>5. November 2021</p></main>", head=head, lang="de") == date(
        2021, 11, 5)
    assert day("<main><h1>Wahlen</h1><p>Text</p></main>", head=head, lang="de") == date(2021, 11, 4)


def test_a_utc_moment_off_the_hour_keeps_its_day():
    head = "<meta property='article:published_time' content='2021-11-04T23:17Z'>"
    assert day("<main><h1>Wahlen</h1><p class='date'>5. November 2021</p></main>", head=head, lang="de") == date(
        2021, 11, 4)


# An <article> inside the post's <article> is another item.

def test_an_article_inside_the_posts_article_is_a_teaser_of_another_item():
    tree = parse_html("<body><article><h1>Achtsam</h1><aside class='dossier'><article class='card'>"
                      "<span id='a'>01. Juli 2020</span></article></aside><p id='b'>Text</p></article>"
                      "<main class='article'><article><span id='c'>x</span></article></main></body>")
    regions = Regions(tree)
    assert [regions.region(tree.css_first(f"#{i}")) for i in "abc"] == ["sidebar", "post", "post"]


def test_a_nested_article_holding_the_headline_is_the_post():
    tree = parse_html("<body><article class='page'><article><h1>T</h1><span id='a'>x</span></article></article></body>")
    assert Regions(tree).region(tree.css_first("#a")) == "post"


# A page that only states when it was last changed, whose text merely mentions dates, is undated.

@pytest.mark.parametrize("changed", [
    "<div id='footer'><p>Diese Seite wurde zuletzt am 29. Januar 2020 um 13:22 Uhr geändert.</p></div>",
    "<div><label>Letzte Änderung:</label><div class='label_content'>14.01.2022 um 09:25</div></div>",
    "<p class='unprintable'>Updated:\n<!-- timestamp start -->\n$Date: 2016/11/18 06:31:41 $\n</p>",
])
def test_dates_the_text_mentions_are_not_the_publication_of_a_page_that_states_its_last_change(changed):
    found = extract(f"<main><p>Der nächste Stammtisch findet am Mi. 5. Februar 2020 ab 19 Uhr statt.</p></main>"
                    + changed, lang="de")
    assert found.published is None and "last changed" in found.note
    assert any(c.role == "modified" for c in found.candidates)


def test_a_mentioned_date_on_the_day_the_page_was_changed_stays_its_date():
    found = extract("<main><p class='stand'>Stand: 19.10.2019 11:05 Uhr</p><p>Sportreport | 19.10.2019 | 18:05 Uhr"
                    "</p></main>", lang="de")
    assert found.published.value.date() == date(2019, 10, 19)


def test_an_update_stamp_in_the_head_counts_as_the_pages_last_change():
    found = extract("<main><p>Geboren 2012-10-26 in Taipeh.</p></main>",
                    head="<meta itemprop='dateUpdate' content='2020-02-14 10:47:36'>")
    assert found.published is None and found.modified.value.date() == date(2020, 2, 14)


def test_year_first_slash_dates_are_read():
    from auditor.parse.datetext import find_dates
    assert [d.value.date() for d in find_dates("$Date: 2016/11/18 06:31:41 $")] == [date(2016, 11, 18)]
    assert find_dates("see /2016/11/18/slug") == []


def test_a_wordpress_post_number_class_marks_a_post():
    tree = parse_html("<body><div class='post-39370 home' id='post-focus-metadata'><span id='a'>x</span></div>"
                      "<div class='post-count'><span id='b'>y</span></div></body>")
    regions = Regions(tree)
    assert [regions.region(tree.css_first(f"#{i}")) for i in "ab"] == ["post", "page"]


def test_on_a_list_of_posts_the_first_posts_date_line_is_the_pages():
    found = extract("<div id='blog-home'><div class='post-39370 home'><h2>Newest</h2><div class='post-meta-top'>"
                    "<span class='date'>August 30, 2017</span></div></div><div id='post-river'>"
                    "<div class='post'><div class='post-meta'><span class='date'>August 17, 2017</span></div></div>"
                    "</div></div>")
    assert found.published.value.date() == date(2017, 8, 30)


def test_a_column_heading_is_not_a_label():
    found = extract("<main><table><tr><th>Datum</th><th>Ort</th></tr><tr><td>12.03.2019</td><td>Wien</td></tr>"
                    "</table></main>", lang="de")
    assert [c.role for c in found.candidates] == ["date"]


def test_a_header_inside_main_heads_the_content_and_is_not_the_sites_banner():
    tree = parse_html("<body><header><span id='a'>x</span></header><main><header><h2>T</h2><span id='b'>y</span>"
                      "</header></main><div id='masthead'><span id='c'>z</span></div></body>")
    regions = Regions(tree)
    assert [regions.region(tree.css_first(f"#{i}")) for i in "abc"] == ["header", "page", "header"]
