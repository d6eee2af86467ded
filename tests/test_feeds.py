"""Feed parsing: the three formats (and RSS 1.0) give dated items; hostile XML is refused."""

from __future__ import annotations

import pytest
from conftest import FIXTURE_WEB, utc

from auditor.models import Item
from auditor.parse.feeddates import read_date
from auditor.parse.feeds import FeedError, ItemDates, parse_date, parse_feed


def fixture(path: str) -> bytes:
    return (FIXTURE_WEB / path).read_bytes()


def test_rss2_wordpress_feed():
    feed = parse_feed(fixture("acme.example/feed/index.xml"))
    assert (feed.format, feed.title, feed.home_url) == ("rss", "Acme Widgets", "https://acme.example/")
    assert [i.published for i in feed.items] == [utc(2026, 11, 15, 9, 30), utc(2026, 10, 30, 14, 5),
                                                 utc(2026, 9, 12, 8)]
    assert feed.items[0].url == "https://acme.example/2026/11/15/winter-catalogue/"
    assert feed.updated == utc(2026, 11, 21, 22, 10, 4)


def test_atom_feed_with_offsets_normalised_to_utc():
    feed = parse_feed(fixture("atomonly.example/atom.xml"))
    assert feed.format == "atom" and feed.date_field == "published"
    assert feed.items[0].published == utc(2026, 10, 1, 8) and feed.items[0].updated == utc(2026, 10, 3, 12)
    assert feed.items[1].published == utc(2026, 8, 20, 6)
    assert feed.items[0].url == "https://atomonly.example/notes/queue-depth"


def test_json_feed_1_1_expired():
    feed = parse_feed(fixture("finished.example/feed.json"))
    assert feed.format == "jsonfeed" and feed.expired is True
    assert feed.items[1].updated == utc(2025, 11, 3, 9)


def test_json_feed_1_0_without_expired():
    body = b'{"version": "https://jsonfeed.org/version/1", "title": "t", "items": [{"id": "1", "date_published": "2026-01-02T03:04:05Z"}]}'
    feed = parse_feed(body)
    assert feed.expired is False and feed.items[0].published == utc(2026, 1, 2, 3, 4, 5)


def test_rss1_rdf_feed():
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://old.example/"><title>Old</title><link>https://old.example/</link></channel>
  <item rdf:about="https://old.example/1"><title>One</title><link>https://old.example/1</link>
    <dc:date>2009-12-03T10:00:00+01:00</dc:date></item>
</rdf:RDF>"""
    feed = parse_feed(body)
    assert feed.format == "rdf" and feed.title == "Old"
    assert feed.items[0].published == utc(2009, 12, 3, 9)


@pytest.mark.parametrize(
    "path, message",
    [
        ("hostile.example/laughs.xml", "refused unsafe XML"),
        ("hostile.example/xxe.xml", "refused unsafe XML"),
        ("hostile.example/broken.xml", "malformed XML"),
        ("hostile.example/page.xml", "not a feed: got an HTML page"),
        ("acme.example/index.html", "not a feed: got an HTML page"),
    ],
)
def test_hostile_or_wrong_documents_raise_feed_error(path, message):
    with pytest.raises(FeedError, match=message):
        parse_feed(fixture(path))


@pytest.mark.parametrize(
    "body, message",
    [
        (b"", "neither XML nor JSON"),
        (b"hello", "neither XML nor JSON"),
        (b"{not json", "malformed JSON"),
        (b'{"items": []}', "without a jsonfeed.org version"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}', "items is not a list"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "root element"),
        (b"[" * 100_000, "malformed JSON"),
    ],
)
def test_junk_raises_feed_error(body, message):
    with pytest.raises(FeedError, match=message):
        parse_feed(body)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Sat, 02 Mar 2019 10:15:00 +0000", utc(2019, 3, 2, 10, 15)),
        ("Sat, 02 Mar 2019 10:15:00 GMT", utc(2019, 3, 2, 10, 15)),
        ("2019-03-02T10:15:00Z", utc(2019, 3, 2, 10, 15)),
        ("2019-03-02T12:15:00+02:00", utc(2019, 3, 2, 10, 15)),
        ("2019-03-02", utc(2019, 3, 2)),
        ("25 August 2008", utc(2008, 8, 25)),
        ("32/13/2008", None),
        ("", None),
        (None, None),
        ("soon", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


# -- encodings: one test per rule of feedbytes -----------------------------------------------------------
RSS_E = '<?xml version="1.0" encoding="{enc}"?><rss version="2.0"><channel><title>Caf\u00e9 \u65e5\u672c</title>' \
        '<item><link>https://e.example/1</link><pubDate>Sat, 02 Mar 2019 10:15:00 +0000</pubDate></item></channel></rss>'


@pytest.mark.parametrize("codec, declared, bom", [
    ("utf-16-le", "utf-16", b"\xff\xfe"), ("utf-16-be", "utf-16", b"\xfe\xff"),
    ("utf-16-le", "utf-16", b""), ("utf-16-be", "utf-16", b""),
    ("utf-32-le", "utf-32", b"\xff\xfe\x00\x00"), ("utf-32-be", "utf-32", b"\x00\x00\xfe\xff"),
    ("utf-32-le", "utf-32", b""), ("utf-8", "utf-8", b"\xef\xbb\xbf"),
])
def test_utf16_and_utf32_are_read_with_and_without_a_byte_order_mark(codec, declared, bom):
    feed = parse_feed(bom + RSS_E.format(enc=declared).encode(codec))
    assert feed.title == "Caf\u00e9 \u65e5\u672c" and feed.items[0].published == utc(2019, 3, 2, 10, 15)


def test_a_byte_order_mark_outranks_the_declaration():
    feed = parse_feed(b"\xef\xbb\xbf" + RSS_E.format(enc="iso-8859-1").encode("utf-8"))
    assert feed.title == "Caf\u00e9 \u65e5\u672c"


def test_leading_whitespace_before_the_declaration_is_tolerated():
    assert parse_feed(b"\r\n  \n" + RSS_E.format(enc="utf-8").encode()).items


def test_the_http_charset_outranks_the_declaration():
    body = RSS_E.format(enc="iso-8859-1").replace(" \u65e5\u672c", "").encode("utf-8")
    assert parse_feed(body, "application/rss+xml; charset=utf-8").title == "Caf\u00e9"
    assert parse_feed(body).title == "Caf\u00c3\u00a9"  # without it, the declaration is taken at its word


@pytest.mark.parametrize("declared", ["bogus-charset", "zlib", "rot13", "x-sjis-nonsense"])
def test_an_unknown_or_non_text_declared_encoding_falls_back_to_utf8(declared):
    assert parse_feed(RSS_E.format(enc=declared).encode("utf-8")).title == "Caf\u00e9 \u65e5\u672c"


@pytest.mark.parametrize("codec", ["shift_jis", "euc-jp", "gb2312", "big5", "euc-kr"])
def test_multi_byte_declared_encodings_are_decoded(codec):
    text = RSS_E.format(enc=codec).replace("Caf\u00e9 ", "")
    assert parse_feed(text.encode(codec)).title == "\u65e5\u672c"


@pytest.mark.parametrize("codec, declared", [("cp037", "ebcdic-cp-us"), ("cp500", "cp500")])
def test_ebcdic_documents_are_read(codec, declared):
    text = RSS_E.format(enc=declared).replace(" \u65e5\u672c", "")
    assert parse_feed(text.encode(codec)).title == "Caf\u00e9"


def test_a_declared_utf8_body_with_stray_bytes_is_read_as_windows_1252():
    body = RSS_E.format(enc="utf-8").replace(" \u65e5\u672c", "").encode("utf-8").replace(b"Caf\xc3\xa9", b"Caf\xe9 \x93q\x94")
    assert parse_feed(body).title == "Caf\u00e9 \u201cq\u201d"


def test_a_feed_sent_as_text_html_or_text_plain_is_still_a_feed():
    body = RSS_E.format(enc="utf-8").encode()
    assert parse_feed(body, "text/html; charset=utf-8").items == parse_feed(body, "text/plain").items


# -- formats ---------------------------------------------------------------------------------------------
def test_netscape_rss_091_with_its_dtd_and_html_entities():
    body = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Caf&eacute; news</title><link>http://old.example/</link>
<item><title>One&nbsp;&mdash;&nbsp;two</title><link>http://old.example/1</link></item></channel></rss>"""
    feed = parse_feed(body)
    assert (feed.format, feed.version, feed.title) == ("rss", "0.91", "Caf\u00e9 news")
    assert feed.items[0].title == "One\u00a0\u2014\u00a0two" and feed.items[0].url == "http://old.example/1"


def test_rss_090_is_rdf_with_the_netscape_namespace():
    body = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
<channel><title>Ninety</title><link>http://n.example/</link></channel>
<item><title>A</title><link>http://n.example/a</link></item></rdf:RDF>"""
    feed = parse_feed(body)
    assert (feed.format, feed.version, feed.title, [i.url for i in feed.items]) == ("rdf", "0.90", "Ninety", ["http://n.example/a"])


@pytest.mark.parametrize("namespace", ["http://backend.userland.com/rss2", "http://blogs.law.harvard.edu/tech/rss"])
def test_rss_with_a_default_namespace(namespace):
    body = f'<rss version="2.0" xmlns="{namespace}"><channel><title>T</title><item><link>https://u.example/1</link>' \
           f'<pubDate>Sat, 02 Mar 2019 10:15:00 GMT</pubDate></item></channel></rss>'
    assert parse_feed(body.encode()).items[0].published == utc(2019, 3, 2, 10, 15)


def test_rss_092_items_beside_the_channel():
    body = b'<rss version="0.92"><channel><title>T</title></channel><item><link>http://o.example/1</link></item></rss>'
    assert [i.url for i in parse_feed(body).items] == ["http://o.example/1"]


def test_rss_dates_from_dcterms_and_an_unnamespaced_updated():
    body = b"""<rss version="2.0" xmlns:dcterms="http://purl.org/dc/terms/"><channel><title>T</title>
<item><link>https://d.example/1</link><dcterms:issued>2020-01-02</dcterms:issued><dcterms:modified>2020-03-04T05:06:07Z</dcterms:modified></item>
<item><link>https://d.example/2</link><updated>2021-05-06T07:08:09Z</updated></item></channel></rss>"""
    one, two = parse_feed(body).items
    assert (one.published, one.updated) == (utc(2020, 1, 2), utc(2020, 3, 4, 5, 6, 7))
    assert two.updated == utc(2021, 5, 6, 7, 8, 9)


def test_atom_03_with_issued_modified_and_a_base64_title():
    body = b"""<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old Atom</title>
<link rel="alternate" type="text/html" href="http://a03.example/"/><modified>2004-01-02T00:00:00Z</modified>
<entry><title mode="base64">SGVsbG8gd29ybGQ=</title><link rel="alternate" type="text/html" href="http://a03.example/1"/>
<issued>2003-12-31T10:14:55-08:00</issued><modified>2004-01-01T00:00:00Z</modified></entry></feed>"""
    feed = parse_feed(body)
    assert (feed.format, feed.version, feed.home_url, feed.updated) == ("atom", "0.3", "http://a03.example/", utc(2004, 1, 2))
    entry = feed.items[0]
    assert (entry.title, entry.url, entry.published, entry.updated) == (
        "Hello world", "http://a03.example/1", utc(2003, 12, 31, 18, 14, 55), utc(2004, 1, 1))


def test_xml_base_resolves_relative_links_and_xhtml_titles_are_their_text():
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://b.example/blog/">
<entry xml:base="posts/"><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">A <b>bold</b> title</div></title>
<link href="one"/></entry><entry><link rel="enclosure" href="/a.mp3"/><link href="/two"/></entry>
<entry><link rel="self" href="/self"/><id>tag:b,3</id></entry></feed>"""
    feed = parse_feed(body)
    assert [i.url for i in feed.items] == ["https://b.example/blog/posts/one", "https://b.example/two", "tag:b,3"]
    assert feed.items[0].title == "A bold title"


def test_cdf_channels():
    body = b'<CHANNEL HREF="http://c.example/" BASE="http://c.example/"><TITLE>C</TITLE>' \
           b'<ITEM HREF="/1" LASTMOD="2004-04-06T23:05:43-05:00"><TITLE>one</TITLE></ITEM></CHANNEL>'
    feed = parse_feed(body)
    assert (feed.format, feed.items[0].url, feed.items[0].published) == ("cdf", "http://c.example/1", utc(2004, 4, 7, 4, 5, 43))


def test_json_feed_items_of_the_wrong_type_are_skipped_and_counted():
    body = b'{"version": "https://jsonfeed.org/version/1.1", "items": [1, "x", {"id": "a", "date_published": 5},' \
           b' {"id": "b", "date_published": "last tuesday"}, {"url": "https://j.example/c", "date_published": "2020-01-01T00:00:00Z"}]}'
    feed = parse_feed(body)
    assert [i.url for i in feed.items] == ["a", "b", "https://j.example/c"]
    assert (feed.skipped_items, feed.unreadable_dates) == (2, 1)
    assert feed.dates[2].published.precision == "second"


# -- one bad part never fails the feed -------------------------------------------------------------------
def test_one_absurd_item_date_leaves_that_item_undated_and_the_feed_read():
    body = b"""<rss version="2.0"><channel><title>T</title>
<item><link>https://x.example/1</link><pubDate>Sun, 31 Dec 99999 23:59:59 +9900</pubDate></item>
<item><link>https://x.example/2</link><pubDate>Wed</pubDate></item>
<item><link>https://x.example/3</link><pubDate>2003-12</pubDate></item></channel></rss>"""
    feed = parse_feed(body)
    assert [i.published for i in feed.items] == [None, None, utc(2003, 12, 1)]
    assert feed.unreadable_dates == 2 and feed.dates[2].published.precision == "month"


@pytest.mark.parametrize("fault", [b"AT&T", b"caf&eacute;", b"a &nbsp; b", b"bell\x07", b"<itunes:author>x</itunes:author>"])
def test_faults_a_reader_sees_through_are_repaired(fault):
    body = b"<rss><channel><title>T</title><item><title>" + fault + b"</title><link>https://r.example/1</link>" \
           b"<dc:date>2020-01-01T00:00:00Z</dc:date></item></channel></rss>"
    item = parse_feed(body).items[0]
    assert item.url == "https://r.example/1" and item.published == utc(2020, 1, 1)  # dc: gets its real namespace


def test_a_truncated_download_keeps_the_complete_items_and_counts_the_cut_one():
    whole = fixture("acme.example/feed/index.xml")
    cut = whole[: whole.rindex(b"<pubDate>") + 12]
    feed = parse_feed(cut)
    assert [i.published for i in feed.items] == [utc(2026, 11, 15, 9, 30), utc(2026, 10, 30, 14, 5)]
    assert feed.skipped_items == 1


def test_an_entity_declaration_is_still_refused_after_repairs():
    body = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa">]><rss><channel><title>&a;&nbsp;</title></channel></rss>'
    with pytest.raises(FeedError, match="refused unsafe XML"):
        parse_feed(body)


def test_an_html_page_is_not_a_feed_whatever_it_is_served_as():
    with pytest.raises(FeedError, match="got an HTML page"):
        parse_feed(b"<!DOCTYPE html><html><head><title>x</title></head><body><p>a<br>b</body></html>",
                   "application/rss+xml")


@pytest.mark.parametrize("body", [
    b"<rss><channel><item><link>https://a.example/1</link><title>One</title>"
    b"<pubDate>Sat, 02 Mar 2019 10:15:00 +0000</pubDate></item><item><guid>https://a.example/2</guid></item></channel></rss>",
    b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><id>https://a.example/1</id><title>One</title>"
    b"<published>2019-03-02T10:15:00Z</published><updated>2019-03-03T10:15:00Z</updated></entry></feed>",
])
def test_items_are_what_their_constructors_give(body):
    feed = parse_feed(body)
    for item, dates in zip(feed.items, feed.dates, strict=True):
        assert item == Item(item.url, item.title, item.published, item.updated)
        assert (item.kind, item.pinned) == ("post", False)
        assert dates == ItemDates(dates.published, dates.updated)
        assert hash(item) == hash(Item(item.url, item.title, item.published, item.updated))
        with pytest.raises(AttributeError):
            item.url = "elsewhere"
    first = feed.dates[0]
    assert first.published == read_date("2019-03-02T10:15:00Z")
    assert feed.items[0].published == first.published.instant


def test_items_come_from_the_constructor_when_item_cannot_be_built_by_its_slots(monkeypatch):
    from auditor.parse import feeds

    body = (b"<rss><channel><item><link>https://a.example/1</link><title>One</title>"
            b"<pubDate>Sat, 02 Mar 2019 10:15:00 +0000</pubDate></item></channel></rss>")
    by_slots = parse_feed(body)
    monkeypatch.setattr(feeds, "_ITEM_BY_SLOTS", False)
    assert parse_feed(body) == by_slots
