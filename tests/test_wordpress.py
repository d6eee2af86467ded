"""The WordPress plugin, end to end through the fixture internet, and on junk answers."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from auditor.plugins.wordpress import WordPressPlatform
from conftest import AS_OF, TEST_FETCH, utc

from auditor import AuditOptions, Status, audit
from auditor.fetch.client import Fetcher
from auditor.models import Channel
from auditor.plugin import Context
from auditor.collect.signals import response_signals

OPTIONS = AuditOptions(as_of=AS_OF, fetch=TEST_FETCH)


def activity(result, url):
    return next(a for a in result.activities if a.channel_url == url)


def test_an_active_site_is_read_through_the_rest_api_with_threaded_replies(fixture_internet):
    result = audit("https://wpactive.example/", OPTIONS)
    channel = next(c for c in result.channels if c.platform == "wordpress")
    assert (channel.url, channel.confidence.value) == ("https://wpactive.example/wp-json/", "high")
    wp = activity(result, "https://wpactive.example/wp-json/")
    assert wp.status is Status.OK
    assert ("read through", "the REST API (/wp-json/)") in [(e.field, e.value) for e in wp.evidence]
    assert len(wp.items) == 13  # two pages, as X-WP-TotalPages said
    # the newest owner activity: user 3 (not the post's author, but a user of the site) answering Lee
    assert wp.last_activity == utc(2026, 11, 19, 11, 30)
    assert wp.last_activity_source.field == "owner reply (comment by a user of the site (user 3))"
    assert [(i.author, i.owner_replied_at) for i in wp.interactions] == [
        ("Kim", utc(2026, 11, 18, 12)), ("Lee", utc(2026, 11, 19, 11, 30)), ("Max", None), ("Noa", None),
        ("Oli", utc(2026, 11, 4, 10))]
    max_ = next(i for i in wp.interactions if i.author == "Max")
    assert max_.parent.endswith("#comment-503")  # a visitor answering the owner is still a visitor
    signals = response_signals(wp.interactions, AS_OF, window_days=90)
    assert (signals.total, signals.answered, signals.median_first_reply) == (5, 3, timedelta(hours=18))
    assert result.findings == ()


def test_a_closed_rest_api_falls_back_to_feeds_and_post_pages(fixture_internet):
    result = audit("https://wpnoapi.example/", OPTIONS)
    wp = activity(result, "https://wpnoapi.example/wp-json/")
    assert wp.status is Status.OK
    fields = [(e.field, e.value) for e in wp.evidence]
    assert ("read through", "the feeds and post pages (the REST API is closed)") in fields
    refused = [v for f, v in fields if f == "REST API refused"]
    assert len(refused) == 2 and all("HTTP 401 rest_forbidden" in v for v in refused)
    assert "?rest_route=/wp/v2/posts" in refused[1]
    assert "REST API closed" in wp.reason
    assert len(wp.items) == 3
    assert wp.last_activity == utc(2026, 10, 6, 17, 30)  # the owner's "@Eli –" reply, newer than the post
    assert len(wp.interactions) == 7
    signals = response_signals(wp.interactions, AS_OF, window_days=90)
    assert (signals.total, signals.answered, signals.median_first_reply) == (7, 3, timedelta(hours=6))
    assert [i.author for i in signals.unanswered] == ["Dana", "Fay", "Gus", "Hana"]


def test_fetches_on_the_fallback_path_are_bounded(fixture_internet):
    before = len(fixture_internet.log)
    audit("https://wpnoapi.example/", OPTIONS)
    targets = [r.target for r in fixture_internet.log[before:] if r.host == "wpnoapi.example"]
    pages = [t for t in targets if t.startswith("/2026/")]
    assert len(pages) == 3


def test_the_homepage_marker_makes_a_wordpress_channel_that_reads_the_declared_feed(fixture_internet):
    result = audit("https://acme.example/", OPTIONS)
    assert [c.platform for c in result.channels] == ["web", "wordpress"]  # /feed/ is covered, not a channel
    wp = activity(result, "https://acme.example/wp-json/")
    assert wp.last_activity == utc(2026, 11, 15, 9, 30)  # from the feed: this REST API has no routes
    assert "HTTP 404" in wp.reason


@pytest.mark.parametrize("url, canonical", [
    ("https://blog.example/wp-json/", "https://blog.example/wp-json/"),
    ("https://blog.example/wp-json", "https://blog.example/wp-json/"),
    ("https://example.org/news/wp-json/", "https://example.org/news/wp-json/"),
    ("https://blog.example/?rest_route=/", "https://blog.example/wp-json/"),
    ("https://blog.example/2019/03/02/post/", None),
])
def test_recognise_accepts_rest_roots_only(url, canonical):
    channel = WordPressPlatform().recognise(url)
    assert (channel.url if channel else None) == canonical


def run_collect(handler) -> object:
    async def go():
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            context = Context(fetcher=Fetcher(client, TEST_FETCH), as_of=AS_OF)
            channel = Channel(platform="wordpress", url="https://junk.example/wp-json/", kind="blog")
            return await WordPressPlatform().collect(channel, context)

    import asyncio
    return asyncio.run(go())


def test_posts_of_the_wrong_shape_are_an_error_not_an_exception():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/wp-json/wp/v2/posts":
            return httpx.Response(200, json=[{"id": "seven", "author": 1}])
        return httpx.Response(404)

    result = run_collect(handler)
    assert result.status is Status.ERROR and "unexpected REST API answer" in result.reason


def test_a_bad_date_in_a_comment_is_an_error():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/wp-json/wp/v2/posts":
            return httpx.Response(200, json=[{"id": 1, "author": 1, "date_gmt": "2026-11-01T10:00:00",
                                              "link": "https://junk.example/p/"}])
        if request.url.path == "/wp-json/wp/v2/comments":
            return httpx.Response(200, json=[{"id": 5, "author": 0, "parent": 0, "date_gmt": "yesterday"}])
        return httpx.Response(404)

    result = run_collect(handler)
    assert result.status is Status.ERROR and "'yesterday' is not a date" in result.reason


def test_html_everywhere_ends_in_an_error_about_the_feed():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, html="<html><body>Maintenance</body></html>")

    result = run_collect(handler)
    assert result.status is Status.ERROR
    assert "not JSON" in result.reason and "not a feed" in result.reason


def test_comments_are_paged_by_x_wp_totalpages():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/wp-json/wp/v2/posts":
            return httpx.Response(200, json=[{"id": 1, "author": 2, "date_gmt": "2026-11-01T10:00:00",
                                              "link": "https://junk.example/p/"}])
        if request.url.path == "/wp-json/wp/v2/comments":
            page = int(request.url.params.get("page", "1"))
            body = [{"id": page, "author": 0, "parent": 0, "author_name": f"V{page}",
                     "date_gmt": f"2026-11-0{page + 1}T10:00:00"}]
            if page == 2:
                body.append({"id": 9, "author": 2, "parent": 1, "author_name": "Owner",
                             "date_gmt": "2026-11-03T12:00:00"})
            return httpx.Response(200, json=body, headers={"X-WP-TotalPages": "2"})
        return httpx.Response(404)

    result = run_collect(handler)
    assert any(u.endswith("post=1&per_page=100&page=2") for u in seen)
    assert [(i.author, i.owner_replied_at) for i in result.interactions] == [
        ("V1", utc(2026, 11, 3, 12)), ("V2", None)]
    assert json.dumps(result.reason)  # a plain, printable reason


def test_a_sticky_post_on_top_of_the_listing_is_not_the_newest(fixture_internet):
    # Core WordPress orders REST listings by date, but themes and plugins that float sticky posts
    # (and editors who keep touching them) put an old post first with a fresh modified_gmt.
    result = audit("https://wpsticky.example/", OPTIONS)
    wp = activity(result, "https://wpsticky.example/wp-json/")
    assert wp.status is Status.OK
    assert wp.last_activity == utc(2025, 6, 10, 7)
    assert wp.last_activity_source.url == "https://wpsticky.example/2025/06/10/summer-opening-hours/"
    sticky = [i for i in wp.items if i.pinned]
    assert [i.url for i in sticky] == ["https://wpsticky.example/2021/03/01/welcome-to-our-shop/"]
    assert ("sticky posts (never the newest)", "1") in [(e.field, e.value) for e in wp.evidence]


def test_a_first_page_of_only_sticky_posts_sends_the_reader_to_the_next_page(fixture_internet):
    # Ten floated guides fill the first page; the posts of the year start on page 2 of 3.
    before = len(fixture_internet.log)
    result = audit("https://wppaged.example/", OPTIONS)
    wp = activity(result, "https://wppaged.example/wp-json/")
    assert wp.status is Status.OK
    assert wp.last_activity == utc(2026, 10, 28, 16)
    assert wp.last_activity_source.url == "https://wppaged.example/2026/10/28/autumn-yarn-drop/"
    assert len(wp.items) == 20 and sum(i.pinned for i in wp.items) == 10
    assert ("pages of posts read", "2 of X-WP-TotalPages 3 (at most 3)") in [(e.field, e.value) for e in wp.evidence]
    pages = [e.target for e in fixture_internet.log[before:] if e.host == "wppaged.example" and "/posts?" in e.target]
    assert len(pages) == 2  # page 2 reaches past a year: page 3 is never asked for
    assert not any("stale" in f.code.lower() or f.code.startswith("STALE") for f in result.findings
                   if f.channel_url == wp.channel_url)
