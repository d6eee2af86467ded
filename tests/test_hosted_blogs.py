"""Hosted blogs (Substack, Medium, Tumblr, Ghost): recognition tables, and activity read through their feeds."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from auditor.plugins import feed, ghost, medium, substack, tumblr, web
from conftest import AS_OF, TEST_FETCH

from auditor import AuditOptions, Brand, Status, audit
from auditor.discover import probe_handles
from auditor.fetch.client import Fetcher, make_client
from auditor.plugin import Context
from auditor.plugin import load_registry

SUBSTACK = substack.SubstackPlatform()
MEDIUM = medium.MediumPlatform()
TUMBLR = tumblr.TumblrPlatform()
GHOST = ghost.GhostPlatform()
HOSTED = [SUBSTACK, MEDIUM, TUMBLR, GHOST]


@pytest.mark.parametrize("platform, url, expected", [
    (SUBSTACK, "https://bigbrand.substack.com/", "https://bigbrand.substack.com/"),
    (SUBSTACK, "https://BigBrand.substack.com/p/november-dispatch?utm_source=x", "https://bigbrand.substack.com/"),
    (SUBSTACK, "https://bigbrand.substack.com/feed", "https://bigbrand.substack.com/"),
    (SUBSTACK, "https://open.substack.com/pub/bigbrand/p/november-dispatch", "https://bigbrand.substack.com/"),
    (SUBSTACK, "https://substack.com/@janedoe", "https://substack.com/@janedoe"),
    (SUBSTACK, "https://substack.com/home", None),
    (SUBSTACK, "https://www.substack.com/", None),
    (SUBSTACK, "https://substackcdn.com/image/fetch/x.png", None),
    (MEDIUM, "https://medium.com/@bigbrand", "https://medium.com/@bigbrand"),
    (MEDIUM, "https://medium.com/@BigBrand/why-we-still-braze-1a2b3c4d5e6f?source=rss", "https://medium.com/@bigbrand"),
    (MEDIUM, "https://medium.com/feed/@bigbrand", "https://medium.com/@bigbrand"),
    (MEDIUM, "https://bigbrand.medium.com/", "https://bigbrand.medium.com/"),
    (MEDIUM, "https://medium.com/bigbrand-engineering/a-story-123", "https://medium.com/bigbrand-engineering"),
    (MEDIUM, "https://medium.com/p/1a2b3c4d5e6f", None),
    (MEDIUM, "https://medium.com/tag/bikes", None),
    (MEDIUM, "https://help.medium.com/hc/en-us", None),
    (TUMBLR, "https://bigbrand.tumblr.com/", "https://bigbrand.tumblr.com/"),
    (TUMBLR, "https://bigbrand.tumblr.com/post/1234567890/old-frames", "https://bigbrand.tumblr.com/"),
    (TUMBLR, "https://www.tumblr.com/bigbrand", "https://bigbrand.tumblr.com/"),
    (TUMBLR, "https://www.tumblr.com/blog/view/bigbrand", "https://bigbrand.tumblr.com/"),
    (TUMBLR, "https://www.tumblr.com/widgets/share/tool?canonicalUrl=x", None),
    (TUMBLR, "https://www.tumblr.com/share/link?url=x", None),
    (TUMBLR, "https://www.tumblr.com/dashboard", None),
    (TUMBLR, "https://64.media.tumblr.com/abc/s640x960/x.jpg", None),
    (GHOST, "https://bigbrand.ghost.io/", "https://bigbrand.ghost.io/"),
    (GHOST, "https://bigbrand.ghost.io/hello/", "https://bigbrand.ghost.io/"),
    (GHOST, "https://ghost.org/", None),
    (GHOST, "https://account.ghost.io/", None),
])
def test_recognition_table(platform, url, expected):
    channel = platform.recognise(url)
    assert (channel.url if channel else None) == expected


def test_hosted_blogs_take_their_feed_links_before_the_generic_feed_plugin():
    registry = load_registry(plugins=[web, feed, substack, medium, tumblr, ghost])
    from auditor.discover import recognise

    channel = recognise(registry.platforms_by_priority(), "https://bigbrand.substack.com/feed")
    assert (channel.platform, channel.url) == ("substack", "https://bigbrand.substack.com/")


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


def test_each_hosted_blog_is_read_through_its_feed(fixture_internet):
    channels = ("https://bigbrand.substack.com/", "https://medium.com/@bigbrand", "https://www.tumblr.com/bigbrand",
                "https://bigbrand.ghost.io/", "https://medium.com/@nosuchbrand")
    brand = Brand(name="BigBrand", homepages=("https://nofeed.example/",), channels=channels)
    result = audit(brand, AuditOptions(as_of=AS_OF, fetch=TEST_FETCH))
    got = {a.channel_url: a for a in result.activities}
    assert got["https://bigbrand.substack.com/"].last_activity == utc(2026, 11, 16, 7)
    assert got["https://medium.com/@bigbrand"].last_activity == utc(2026, 9, 3, 10)
    assert got["https://bigbrand.tumblr.com/"].last_activity == utc(2019, 3, 12, 22)
    assert got["https://bigbrand.ghost.io/"].last_activity == utc(2026, 11, 6, 9)
    assert got["https://bigbrand.tumblr.com/"].evidence[0].value == "https://bigbrand.tumblr.com/rss"
    assert got["https://medium.com/@nosuchbrand"].status is Status.NOT_FOUND
    stale = [f.channel_url for f in result.findings if f.code == "STALE001"]
    assert stale == ["https://bigbrand.tumblr.com/"]


def test_a_substack_person_has_no_feed_and_says_so(fixture_internet):
    brand = Brand(name="B", homepages=("https://nofeed.example/",), channels=("https://substack.com/@janedoe",))
    result = audit(brand, AuditOptions(as_of=AS_OF, fetch=TEST_FETCH))
    person = next(a for a in result.activities if a.channel_url == "https://substack.com/@janedoe")
    assert person.status is Status.OK and person.last_activity is None and "no feed" in person.reason


@pytest.mark.parametrize("platform", HOSTED, ids=lambda p: p.name)
def test_each_plugin_self_checks_a_present_and_an_absent_handle(fixture_internet, platform):
    async def run():
        registry = load_registry(plugins=[substack, medium, tumblr, ghost])
        async with make_client(TEST_FETCH) as client:
            context = Context(fetcher=Fetcher(client, TEST_FETCH), as_of=AS_OF)
            return await probe_handles((platform.KNOWN_PRESENT, platform.KNOWN_ABSENT), context, registry)

    outcomes = {p.handle: p.outcome for p in asyncio.run(run()) if p.platform == platform.name}
    assert (outcomes[platform.KNOWN_PRESENT], outcomes[platform.KNOWN_ABSENT]) == platform.PROBE_EXPECTS
