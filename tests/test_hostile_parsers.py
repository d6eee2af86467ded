"""Every parser that takes network input, fed what a hostile or broken site may send: it answers, or
raises its one documented error, and nothing else (hypothesis, with the known bad cases pinned)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st
from protego import Protego

from auditor.discover.candidates import read_page
from auditor.fetch.client import Fetched
from auditor.parse.datetext import find_dates, parse_machine_date, url_date
from auditor.parse.feeds import FeedError, parse_date, parse_feed
from auditor.parse.jsonshape import Unreadable, json_list, json_object
from auditor.parse.page import extract_page
from auditor.parse.sitemaps import Sitemap, parse_sitemap, sitemap_lines
from auditor.plugin import Page

NOW = datetime(2026, 11, 22, tzinfo=timezone.utc)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text a site may put in a field: anything, with the spellings that broke parsers before pinned below.
DATES = st.one_of(
    st.text(max_size=60),
    st.from_regex(r"\A\d{1,6}-\d{1,2}-\d{1,2}T\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)?\Z"),
    st.from_regex(r"\A(Mon|Tue), \d{1,2} (Jan|Feb|Oct) \d{1,6} \d\d:\d\d:\d\d ([+-]\d{4}|GMT|[A-Z]{1,4})\Z"),
    st.sampled_from(["2026-01-01T00:00:00+99:00", "2026-01-01T00:00:00-99:59", "99999-01-01T00:00:00Z",
                     "Wed, 21 Oct 99999 07:28:00 GMT", "Wed, 21 Oct 2015 07:28:00 +9999", "0000-00-00",
                     "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "1e400", "²⁰²⁶-01-01"]),
)
TEXT = st.text(max_size=40)
def xml_escape(text: str) -> str:
    cleaned = "".join(c for c in text if c in "\t\n\r" or " " <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd")
    return cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def rss(draw) -> bytes:
    items = "".join(
        f"<item><title>{xml_escape(draw(TEXT))}</title><link>{xml_escape(draw(TEXT))}</link>"
        f"<pubDate>{xml_escape(draw(DATES))}</pubDate><guid>{xml_escape(draw(TEXT))}</guid></item>"
        for _ in range(draw(st.integers(0, 4))))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{xml_escape(draw(TEXT))}</title>'
            f"<lastBuildDate>{xml_escape(draw(DATES))}</lastBuildDate>{items}</channel></rss>").encode()


@st.composite
def atom(draw) -> bytes:
    entries = "".join(
        f"<entry><title>{xml_escape(draw(TEXT))}</title><link href=\"{xml_escape(draw(TEXT))}\"/>"
        f"<published>{xml_escape(draw(DATES))}</published><updated>{xml_escape(draw(DATES))}</updated></entry>"
        for _ in range(draw(st.integers(0, 4))))
    return (f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{xml_escape(draw(TEXT))}</title>'
            f"<updated>{xml_escape(draw(DATES))}</updated>{entries}</feed>").encode()


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                           lambda children: st.lists(children, max_size=4)
                           | st.dictionaries(st.text(max_size=10), children, max_size=4), max_leaves=20)


@st.composite
def json_feed(draw) -> bytes:
    item = st.fixed_dictionaries({}, optional={"id": JSON_VALUES, "url": JSON_VALUES | TEXT,
                                                "title": JSON_VALUES, "date_published": DATES | JSON_VALUES,
                                                "date_modified": DATES | JSON_VALUES})
    document = {"version": draw(st.sampled_from(["https://jsonfeed.org/version/1.1",
                                                 "https://jsonfeed.org/version/1"])),
                "title": draw(JSON_VALUES), "home_page_url": draw(JSON_VALUES | TEXT),
                "items": draw(st.lists(item, max_size=4) | JSON_VALUES),
                "expired": draw(JSON_VALUES)}
    return json.dumps(document).encode()


BODIES = st.one_of(st.binary(max_size=300), rss(), atom(), json_feed())


@FUZZ
@given(BODIES)
@example(b'<rss version="2.0"><channel><item><pubDate>Wed, 21 Oct 99999 07:28:00 GMT</pubDate></item></channel></rss>')
@example(b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"date_published": "99999-01-01T00:00:00Z"}]}')
@example(b'{"version": "https://jsonfeed.org/version/1.1", "items": [1, null, "x"]}')
@example(b"\xef\xbb\xbf<?xml version='1.0' encoding='utf-16'?><rss/>")
def test_a_feed_parses_or_raises_feed_error(body):
    try:
        parsed = parse_feed(body)
    except FeedError:
        return
    for item in parsed.items:
        for moment in (item.published, item.updated):
            assert moment is None or moment.tzinfo is not None


@FUZZ
@given(DATES)
def test_a_feed_date_is_a_utc_moment_or_none(value):
    moment = parse_date(value)
    assert moment is None or moment.utcoffset() is not None


@pytest.mark.parametrize("value", ["2026-01-01T00:00:00+99:00", "0:0-3000", "Wed, 21 Oct 2015 07:28:00 +9900"])
def test_a_feed_date_with_an_offset_of_a_day_or_more_is_none(value):
    assert parse_date(value) is None


def test_one_item_with_an_impossible_offset_does_not_fail_the_feed():
    body = (b'<rss version="2.0"><channel><title>t</title><item><title>a</title><pubDate>2026-01-01T00:00:00+99:00'
            b'</pubDate></item><item><title>b</title><pubDate>Sun, 01 Nov 2026 10:00:00 GMT</pubDate></item>'
            b'</channel></rss>')
    parsed = parse_feed(body)
    assert [item.published for item in parsed.items] == [None, datetime(2026, 11, 1, 10, tzinfo=timezone.utc)]


@FUZZ
@given(DATES)
def test_machine_dates_and_permalink_dates_never_raise(value):
    parse_machine_date(value)
    url_date(f"https://blog.example/{value}/post.html")


@FUZZ
@given(st.text(max_size=200), st.booleans())
@example("posted 3 days ago on 31/12/99999 at 25:61", False)
@example("© 1999–99999 ACME", True)
def test_dates_in_text_never_raise(text, month_first):
    find_dates(text, month_first=month_first)


@st.composite
def sitemap(draw) -> bytes:
    kind = draw(st.sampled_from(["urlset", "sitemapindex", "html", "feed"]))
    entry = "url" if kind == "urlset" else "sitemap"
    entries = "".join(f"<{entry}><loc>{xml_escape(draw(TEXT))}</loc><lastmod>{xml_escape(draw(DATES))}</lastmod></{entry}>"
                      for _ in range(draw(st.integers(0, 4))))
    body = f'<{kind} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</{kind}>'.encode()
    return draw(st.sampled_from([body, b"\x1f\x8b" + body, body[: draw(st.integers(0, len(body)))]]))


@FUZZ
@given(st.one_of(st.binary(max_size=300), sitemap()))
@example(b"\x1f\x8b\x08\x00\x00\x00\x00\x00")
@example(b'<!DOCTYPE x [<!ENTITY a "aaaa">]><urlset>&a;</urlset>')
def test_a_sitemap_parses_or_says_why_not(body):
    result = parse_sitemap(body, "https://site.example/sitemap.xml")
    assert isinstance(result, Sitemap)


ROBOTS_LINES = st.lists(st.one_of(
    st.text(max_size=40),
    st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(["User-agent", "Disallow", "Allow", "Crawl-delay", "Sitemap",
                                                         "Request-rate", "Host"]),
              st.one_of(st.text(max_size=30), st.sampled_from(["*", "/", "1e400", "-1", "nan", "inf", "/a*$",
                                                               "http://[::1", "1/0", "0/0s"])))), max_size=12)


@FUZZ
@given(ROBOTS_LINES, st.text(max_size=30))
@example(["User-agent: *", "Crawl-delay: nan"], "/")
@example(["User-agent: *", "Request-rate: 0/0s"], "/")
@example(["Sitemap: http://[::1"], "/")
def test_robots_txt_is_read_without_raising(lines, path):
    text = "\n".join(lines)
    sitemap_lines(text)
    rules = Protego.parse(text)
    rules.can_fetch(f"https://site.example/{path}", "presence-auditor")
    rules.crawl_delay("presence-auditor")


HTML_PIECES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["<a href='http://[::1'>x</a>", "<a href='https://x.com/brand'>X</a>", "<base href='http://[::'>",
                     "<meta name='twitter:site' content='@a'>", "<meta property='article:published_time' "
                     "content='99999-01-01T00:00:00+99:00'>", "<time datetime='2026-02-30'>x</time>",
                     '<script type="application/ld+json">{"@type": "Organization", "sameAs": ["http://[::1"]}</script>',
                     '<script type="application/ld+json">[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]</script>',
                     "<article><h1>t</h1><p>Posted on 31/12/99999</p></article>", "<div class='comment'>",
                     "<a href='javascript:alert(1)'>j</a>", "<a href='https://user:pw@host.example:99999/'>p</a>"]))


@FUZZ
@given(st.lists(HTML_PIECES, max_size=12), st.sampled_from(["https://brand.example/", "https://brand.example/a/b?c"]))
def test_a_page_is_read_without_raising(pieces, url):
    html = "<html><head><title>t</title></head><body>" + "".join(pieces) + "</body></html>"
    fetched = Fetched(url, url, 200, httpx.Headers({"content-type": "text/html"}), html.encode())
    page = Page.parse(fetched)
    read_page(page)
    extract_page(html, url, NOW)


@FUZZ
@given(st.binary(max_size=200), st.text(alphabet=st.characters(codec="latin-1"), max_size=40))
@example(b"\xff\xfe\x00", "text/html; charset=utf-16")
@example(b"x", "text/html; charset=\x00")
def test_a_body_decodes_as_text_and_json_only_raises_its_error(body, content_type):
    fetched = Fetched("https://a.example/", "https://a.example/", 200,
                      httpx.Headers({"content-type": content_type.encode("latin-1")}), body)
    fetched.text()
    for read in (lambda: json_object(fetched, "an object"), lambda: json_list(fetched, "a list")):
        try:
            read()
        except Unreadable:
            pass


@FUZZ
@given(st.text(alphabet=st.characters(codec="latin-1"), max_size=200))
@example('<https://a.example/wp-json/>; rel="https://api.w.org/", <' * 50)
def test_link_headers_parse_without_raising(value):
    httpx.Response(200, headers={"link": value.encode("latin-1")}).links
