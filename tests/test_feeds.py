"""Feed parsing: the three formats (and RSS 1.0) give dated items; hostile XML is refused."""

from __future__ import annotations

import pytest
from conftest import FIXTURE_WEB, utc

from auditor.parse.feeds import FeedError, parse_date, parse_feed


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
