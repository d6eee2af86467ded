"""Discourse: a forum's last post, and whether its staff or category moderators answer visitors' topics."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from auditor.plugins.discourse import DiscoursePlatform, forum_base
from conftest import AS_OF, TEST_FETCH, utc
from conftest import audit_profile as audit_user_channel

from auditor import AuditOptions, Status, audit
from auditor.fetch.client import Fetched, Fetcher, FetchSettings, make_client
from auditor.plugin import Context, Page
from auditor.collect.signals import response_signals

DISCOURSE = DiscoursePlatform()
OPTIONS = AuditOptions(as_of=AS_OF, fetch=TEST_FETCH, credentials={})


def audit_forum(url: str):
    _, channel, activity = audit_user_channel(url, "discourse", options=OPTIONS)
    return channel, activity


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://forum.acme.example/", "https://forum.acme.example/"),
        ("https://forum.acme.example", "https://forum.acme.example/"),
        ("forum.acme.example/latest", "https://forum.acme.example/"),
        ("https://discuss.oldcorner.example/categories", "https://discuss.oldcorner.example/"),
        ("https://community.example/c/support/5", "https://community.example/"),
        ("http://Discourse.Acme.example/top", "https://discourse.acme.example/"),
    ],
)
def test_recognises_forum_named_hosts_at_their_lists(url, canonical):
    channel = DISCOURSE.recognise(url)
    assert channel is not None and (channel.url, channel.kind) == (canonical, "forum")


@pytest.mark.parametrize(
    "url",
    [
        "https://forum.acme.example/t/widget-spins-backwards/1250",  # one topic
        "https://forum.acme.example/u/jdoe",  # one member
        "https://forum.acme.example/new-topic?title=hi",
        "https://acme.example/",  # no cheap sign of a forum
        "https://www.acme.example/forum",
        "ftp://forum.acme.example/",
    ],
)
def test_does_not_recognise_single_topics_members_or_ordinary_hosts(url):
    assert DISCOURSE.recognise(url) is None


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("https://forum.acme.example/", "https://forum.acme.example/"),
        ("https://forum.acme.example/latest", "https://forum.acme.example/"),
        ("https://acme.example/community/t/hello/3", "https://acme.example/community/"),
        ("https://acme.example/forum/", "https://acme.example/forum/"),
    ],
)
def test_the_forum_root_keeps_a_subfolder_install(url, base):
    assert forum_base(url) == base


def test_a_forum_whose_staff_answer_most_topics(fixture_internet):
    channel, activity = audit_forum("https://forum.acme.example/")
    assert activity.status is Status.OK
    assert activity.last_activity == utc(2026, 11, 21, 16, 20)
    assert activity.last_activity_source.url == "https://forum.acme.example/t/widget-spins-backwards/1250"
    assert len(activity.items) == 6
    by_url = {i.url.rsplit("/", 1)[1]: i for i in activity.interactions}
    # the pinned welcome and the release note were opened by staff: not questions to the forum
    assert sorted(by_url) == ["1230", "1245", "1248", "1250"]
    assert all(i.kind == "topic" for i in activity.interactions)
    assert by_url["1250"].author == "jdoe"
    assert by_url["1250"].owner_replied_at == utc(2026, 11, 19, 9)  # the moderator, not the visitor before
    assert by_url["1248"].owner_replied_at == utc(2026, 11, 12, 15)
    assert by_url["1245"].owner_replied_at is None  # one post: nobody replied
    assert by_url["1230"].owner_replied_at is None  # only other visitors replied
    signals = response_signals(activity.interactions, AS_OF, 90)
    assert (signals.total, signals.answered, signals.median_first_reply) == (4, 2, timedelta(hours=15))
    staff = [e for e in activity.evidence if e.field == "last staff activity"]
    assert staff[0].value == "2026-11-21T20:30:00+00:00 (mod_maria)"
    targets = {r.target for r in fixture_internet.log if r.host == "forum.acme.example"}
    assert "/t/1245.json" not in targets  # a single-post topic needs no request


def test_a_forum_where_only_a_category_moderator_answers(fixture_internet):
    _, activity = audit_forum("https://community.example/")
    assert activity.status is Status.OK
    assert activity.last_activity == utc(2026, 11, 14, 13)
    by_id = {i.url.rsplit("/", 1)[1]: i for i in activity.interactions}
    # known from about.json's category_moderators even without a group_moderator flag on the post
    assert by_id["310"].owner_replied_at == utc(2026, 11, 14, 13)
    assert by_id["305"].owner_replied_at == utc(2026, 11, 3, 10)
    assert by_id["300"].owner_replied_at is None
    signals = response_signals(activity.interactions, AS_OF, 90)
    assert (signals.total, signals.answered) == (3, 2)
    staff = [e.value for e in activity.evidence if e.field == "last staff activity"]
    assert staff == ["2026-11-20T10:00:00+00:00 (cat_mod_kim)"]  # the admin was last seen in March


def test_a_forum_silent_since_2023_is_dated_by_its_last_post(fixture_internet):
    _, activity = audit_forum("https://discuss.oldcorner.example/")
    assert activity.last_activity == utc(2023, 6, 2, 14)
    assert response_signals(activity.interactions, AS_OF, 90).total == 0
    by_id = {i.url.rsplit("/", 1)[1]: i for i in activity.interactions}
    assert by_id["88"].owner_replied_at == utc(2023, 6, 2, 14)


def test_a_forum_that_leaves_visitors_unanswered(fixture_internet):
    _, activity = audit_forum("https://forum.silent.example/")
    assert activity.last_activity == utc(2026, 11, 20, 8)
    signals = response_signals(activity.interactions, AS_OF, 90)
    assert (signals.total, signals.answered) == (3, 0)
    assert [i.author for i in signals.unanswered] == ["kai", "dev_null", "rita"]
    assert [e.value for e in activity.evidence if e.field == "last staff activity"] == [
        "2025-12-01T09:00:00+00:00 (silent_admin)"]


def test_a_missing_forum_is_not_found(fixture_internet):
    _, activity = audit_forum("https://forum.gone.example/")
    assert activity.status is Status.NOT_FOUND
    assert "not_found" in activity.reason


def test_a_members_only_forum_is_a_login_wall_not_missing(fixture_internet):
    _, activity = audit_forum("https://forum.private.example/")
    assert activity.status is Status.LOGIN_WALL
    assert "members only" in activity.reason


def test_a_forum_named_host_that_is_not_discourse_is_an_error_not_missing(fixture_internet):
    _, activity = audit_forum("https://forum.phpbb.example/")
    assert activity.status is Status.ERROR
    assert "does not look like a Discourse forum" in activity.reason


def test_a_brand_site_linking_its_forum_discovers_it_by_the_generator_meta(fixture_internet):
    result = audit("https://widgets.example/", OPTIONS)
    forums = [c for c in result.channels if c.platform == "discourse"]
    assert [(c.url, c.confidence.value) for c in forums] == [("https://forum.acme.example/", "medium")]
    assert forums[0].found_by[1].value.startswith("Discourse 3.4.0")
    assert result.activity_for(forums[0]).last_activity == utc(2026, 11, 21, 16, 20)


def page(html: str, url: str = "https://forum.acme.example/") -> Page:
    return Page.parse(Fetched(url, url, 200, httpx.Headers({"content-type": "text/html"}), html.encode()))


def test_every_forum_name_holds_one_of_the_words_links_are_screened_for():
    from auditor.plugins.discourse import FORUM_HOST_PREFIXES, FORUM_PATH_NAMES, FORUM_WORDS

    assert all(FORUM_WORDS.search(name) for name in (*FORUM_HOST_PREFIXES, *FORUM_PATH_NAMES))


def _home(url: str, markup: str) -> Page:
    return Page.parse(Fetched(url, url, 200, httpx.Headers({"content-type": "text/html"}), markup.encode()))


def test_forum_links_are_found_however_they_are_written_and_ordinary_ones_passed_over():
    page = _home("https://brand.example/", """<a href="/about">About</a><a href="https://shop.example/">Shop</a>
        <a href="https://Community.Brand.example/">Community</a><a href="/FORUM/">Forum</a>
        <a href="https://dis&#9;cuss.brand.example/">Split by a tab</a>""")
    assert DISCOURSE._forum_links(page, 5) == ["https://Community.Brand.example/", "https://brand.example/FORUM/",
                                               "https://discuss.brand.example/"]


def test_a_relative_link_under_a_forum_base_is_a_forum_link_though_it_names_none():
    page = _home("https://brand.example/", '<base href="https://brand.example/forum/"><a href="latest">Latest</a>')
    assert DISCOURSE._forum_links(page, 5) == ["https://brand.example/forum/latest"]


def test_a_page_that_is_itself_a_discourse_forum_is_found_without_requests():
    html = '<html><head><meta name="generator" content="Discourse 3.3.2 - https://github.com/discourse/discourse">'

    async def main():
        settings = FetchSettings(respect_robots=False)
        async with make_client(settings, transport=httpx.MockTransport(lambda r: httpx.Response(500))) as client:
            fetcher = Fetcher(client, settings)
            found = await DISCOURSE.discover(page(html, "https://acme.example/community/latest"),
                                             Context(fetcher=fetcher, as_of=AS_OF))
            return found, fetcher

    found, fetcher = asyncio.run(main())
    assert [(c.url, c.confidence.value) for c in found] == [("https://acme.example/community/", "high")]
    assert fetcher.records == []


def collect(handler):
    async def main():
        settings = FetchSettings(min_gap=0.0, respect_robots=False, retries=1, backoff=0.0, backoff_max=0.0)
        async with make_client(settings, transport=httpx.MockTransport(handler)) as client:
            context = Context(fetcher=Fetcher(client, settings), as_of=AS_OF)
            return await DISCOURSE.collect(DISCOURSE.recognise("https://forum.acme.example/"), context)

    return asyncio.run(main())


def test_a_rate_limited_request_is_retried_after_retry_after():
    calls: list[str] = []

    def handler(request):
        calls.append(request.url.path)
        if request.url.path == "/latest.json" and calls.count("/latest.json") == 1:
            return httpx.Response(429, text="Slow down, too many requests from this IP address.",
                                  headers={"Retry-After": "0", "Discourse-Rate-Limit-Error-Code": "ip_10_secs_limit"})
        if request.url.path == "/latest.json":
            return httpx.Response(200, json={"topic_list": {"topics": [
                {"id": 1, "slug": "a", "created_at": "2026-11-01T00:00:00Z", "last_posted_at": "2026-11-02T00:00:00Z",
                 "posts_count": 1, "posters": []}]}, "users": []})
        return httpx.Response(404, json={"errors": ["not found"], "error_type": "not_found"})

    activity = collect(handler)
    assert activity.status is Status.OK and activity.last_activity == utc(2026, 11, 2)
    assert calls[:2] == ["/latest.json", "/latest.json"]
    assert [e.field for e in activity.evidence] == ["staff unknown"]  # about.json 404 is noted, not fatal


@pytest.mark.parametrize("body", [b"<html>maintenance</html>", b"[]", b'{"topic_list": {"topics": "x"}}'])
def test_junk_instead_of_a_topic_list_is_an_error(body):
    activity = collect(lambda r: httpx.Response(200, content=body))
    assert activity.status is Status.ERROR and "topic list" in activity.reason


def test_junk_topics_and_posts_are_skipped_not_fatal():
    def handler(request):
        if request.url.path == "/latest.json":
            return httpx.Response(200, json={"topic_list": {"topics": [
                "junk", {"id": "x"},
                {"id": 7, "slug": "q", "created_at": "2026-11-01T00:00:00Z", "last_posted_at": "bad date",
                 "posts_count": 2, "posters": [{"description": "Original Poster", "user_id": 3}]}]},
                "users": [{"id": 3, "username": "zoe"}]})
        if request.url.path == "/about.json":
            return httpx.Response(200, json={"about": {"admins": "nobody", "category_moderators": [7]}})
        return httpx.Response(200, json={"post_stream": {"posts": ["junk"]}})

    activity = collect(handler)
    assert activity.status is Status.OK
    assert activity.last_activity is None and activity.interactions == ()
    assert any(e.field == "responsiveness incomplete" for e in activity.evidence)
