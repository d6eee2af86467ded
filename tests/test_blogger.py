"""The Blogger plugin: JSON feeds, owner replies by profile URI, recognition, junk answers."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from auditor.plugins.blogger import BloggerPlatform
from conftest import AS_OF, TEST_FETCH, utc

from auditor import AuditOptions, Status, audit
from auditor.fetch.client import Fetcher
from auditor.models import Channel
from auditor.plugin import Context
from auditor.collect.signals import response_signals

OPTIONS = AuditOptions(as_of=AS_OF, fetch=TEST_FETCH)
FEED = "https://oldnews.blogspot.com/feeds/posts/default"


def test_an_abandoned_blogspot_blog_with_owner_replies(fixture_internet):
    result = audit("https://oldnews.blogspot.com/", OPTIONS)
    blogger = next(a for a in result.activities if a.channel_url == FEED)
    channel = next(c for c in result.channels if c.url == FEED)
    assert channel.platform == "blogger"  # the declared Atom feed merged into the Blogger channel
    assert blogger.status is Status.OK
    assert [i.published for i in blogger.items] == [utc(2012, 4, 17, 16, 30), utc(2012, 2, 3, 22), utc(2011, 11, 20, 18)]
    assert blogger.last_activity == utc(2012, 4, 18, 13, 2)  # Mara's threaded answer to Theo
    assert blogger.last_activity_source.field == "owner reply (author uri is the post author's)"
    assert [(i.author, i.owner_replied_at) for i in blogger.interactions] == [
        ("Ruth Amsel", utc(2011, 11, 22, 4)),  # a flat "@Ruth Amsel –" reply
        ("Theo Brand", utc(2012, 4, 18, 13, 2)),
        ("Ines", None),
        ("Anonymous", None),
    ]
    signals = response_signals(blogger.interactions, AS_OF, window_days=20 * 365)
    assert (signals.total, signals.answered, signals.median_first_reply) == (4, 2, timedelta(hours=11))
    assert FEED in [f.channel_url for f in result.findings if f.code == "STALE001"]


@pytest.mark.parametrize("url, canonical", [
    ("https://oldnews.blogspot.com/", FEED),
    ("http://oldnews.blogspot.com", FEED),
    ("https://oldnews.blogspot.co.uk/", FEED),
    ("https://oldnews.blogspot.com/feeds/posts/default", FEED),
    ("https://oldnews.blogspot.com/2012/04/closing-print-shop.html", None),
    ("https://blogspot.com/", None),
    ("https://example.com/", None),
])
def test_recognise_blogspot_blogs_not_their_posts(url, canonical):
    channel = BloggerPlatform().recognise(url)
    assert (channel.url if channel else None) == canonical


def collect(handler):
    async def go():
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            context = Context(fetcher=Fetcher(client, TEST_FETCH), as_of=AS_OF)
            channel = Channel(platform="blogger", url="https://junk.blogspot.com/feeds/posts/default", kind="blog")
            return await BloggerPlatform().collect(channel, context)

    return asyncio.run(go())


def test_html_instead_of_json_is_an_error():
    result = collect(lambda request: httpx.Response(200, html="<html>consent</html>"))
    assert result.status is Status.ERROR and "not JSON" in result.reason


def test_entries_of_the_wrong_type_are_an_error():
    result = collect(lambda request: httpx.Response(200, json={"feed": {"entry": "none"}}))
    assert result.status is Status.ERROR and "feed.entry is not a list" in result.reason


def test_a_missing_blog_is_not_found():
    result = collect(lambda request: httpx.Response(404))
    assert result.status is Status.NOT_FOUND


def test_unreadable_comments_leave_the_posts_readable():
    def handler(request):
        if request.url.path == "/feeds/posts/default":
            return httpx.Response(200, json={"feed": {"entry": [
                {"id": {"$t": "tag:blogger.com,1999:blog-1.post-2"}, "published": {"$t": "2026-11-01T10:00:00.000Z"},
                 "link": [{"rel": "alternate", "type": "text/html", "href": "https://junk.blogspot.com/p.html"}]}]}})
        return httpx.Response(200, text="oops")

    result = collect(handler)
    assert result.status is Status.OK and result.last_activity == utc(2026, 11, 1, 10)
    assert any(e.field == "comments not read" for e in result.evidence)
