"""Walled platforms (X, Facebook, Instagram, LinkedIn, TikTok, Threads): recognition tables, probing
self-checks, and honesty: activity behind a login wall is reported unknown, never gone or stale."""

from __future__ import annotations

import pytest
from auditor.plugins import facebook, instagram, linkedin, threads, tiktok, x
from conftest import AS_OF, TEST_FETCH

from auditor import AuditOptions, Brand, Status, audit
from auditor.discover import probe_handles
from auditor.fetch.client import Fetcher, make_client
from auditor.plugin import Context
from auditor.plugin import load_registry

X = x.XPlatform()
FACEBOOK = facebook.FacebookPlatform()
INSTAGRAM = instagram.InstagramPlatform()
LINKEDIN = linkedin.LinkedInPlatform()
TIKTOK = tiktok.TikTokPlatform()
THREADS = threads.ThreadsPlatform()
WALLED = [X, FACEBOOK, INSTAGRAM, LINKEDIN, TIKTOK, THREADS]


def recognised(platform, url):
    channel = platform.recognise(url)
    return None if channel is None else (channel.url, channel.handle)


@pytest.mark.parametrize("platform, url, expected", [
    (X, "https://twitter.com/BigBrand", ("https://x.com/bigbrand", "bigbrand")),
    (X, "https://x.com/bigbrand/", ("https://x.com/bigbrand", "bigbrand")),
    (X, "https://mobile.twitter.com/bigbrand?ref_src=twsrc%5Etfw", ("https://x.com/bigbrand", "bigbrand")),
    (X, "https://twitter.com/#!/bigbrand", ("https://x.com/bigbrand", "bigbrand")),
    # A post link names its author's profile (documented choice: in a footer it is the brand's).
    (X, "https://x.com/bigbrand/status/1859000000000000002", ("https://x.com/bigbrand", "bigbrand")),
    (X, "https://twitter.com/intent/tweet?url=https%3A%2F%2Fbigbrand.example", None),
    (X, "https://twitter.com/intent/follow?screen_name=bigbrand", None),
    (X, "https://twitter.com/share?url=x", None),
    (X, "https://twitter.com/hashtag/bikes", None),
    (X, "https://x.com/search?q=bigbrand", None),
    (X, "https://x.com/i/lists/123", None),
    (X, "https://x.com/home", None),
    (X, "https://x.com/", None),
    (X, "https://x.com/this_handle_is_far_too_long", None),
    (X, "https://xcom.example/bigbrand", None),
    (FACEBOOK, "https://www.facebook.com/bigbrand", ("https://www.facebook.com/bigbrand", "bigbrand")),
    (FACEBOOK, "https://m.facebook.com/BigBrand/", ("https://www.facebook.com/bigbrand", "bigbrand")),
    (FACEBOOK, "https://www.facebook.com/bigbrand/posts/pfbid02abc", ("https://www.facebook.com/bigbrand", "bigbrand")),
    (FACEBOOK, "https://www.facebook.com/profile.php?id=100064000000001",
     ("https://www.facebook.com/profile.php?id=100064000000001", "100064000000001")),
    (FACEBOOK, "https://www.facebook.com/people/Big-Brand/100064000000001/",
     ("https://www.facebook.com/profile.php?id=100064000000001", "100064000000001")),
    (FACEBOOK, "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fbigbrand.example", None),
    (FACEBOOK, "https://www.facebook.com/sharer.php?u=x", None),
    (FACEBOOK, "https://www.facebook.com/share.php?u=x", None),
    (FACEBOOK, "https://www.facebook.com/dialog/share?app_id=1&href=x", None),
    (FACEBOOK, "https://www.facebook.com/dialog/feed?app_id=1", None),
    (FACEBOOK, "https://www.facebook.com/plugins/page.php?href=x", None),
    (FACEBOOK, "https://www.facebook.com/tr?id=123&ev=PageView", None),
    (FACEBOOK, "https://connect.facebook.net/en_US/sdk.js", None),
    (FACEBOOK, "https://www.facebook.com/groups/1234567890", None),
    (FACEBOOK, "https://www.facebook.com/events/9876543210/", None),
    (FACEBOOK, "fb://facewebmodal/f?href=https://www.facebook.com/bigbrand", None),
    (INSTAGRAM, "https://www.instagram.com/bigbrand/", ("https://www.instagram.com/bigbrand/", "bigbrand")),
    (INSTAGRAM, "https://instagram.com/BigBrand?igshid=abc", ("https://www.instagram.com/bigbrand/", "bigbrand")),
    (INSTAGRAM, "https://www.instagram.com/p/C0ffee123/", None),
    (INSTAGRAM, "https://www.instagram.com/reel/C0ffee123/", None),
    (INSTAGRAM, "https://www.instagram.com/explore/tags/bikes/", None),
    (INSTAGRAM, "https://www.instagram.com/", None),
    (LINKEDIN, "https://www.linkedin.com/company/bigbrand", ("https://www.linkedin.com/company/bigbrand/", "bigbrand")),
    (LINKEDIN, "https://uk.linkedin.com/company/BigBrand/posts/?feedView=all",
     ("https://www.linkedin.com/company/bigbrand/", "bigbrand")),
    (LINKEDIN, "https://www.linkedin.com/in/jane-doe-123/", ("https://www.linkedin.com/in/jane-doe-123/", "jane-doe-123")),
    (LINKEDIN, "https://www.linkedin.com/showcase/bigbrand-gravel/",
     ("https://www.linkedin.com/showcase/bigbrand-gravel/", "bigbrand-gravel")),
    (LINKEDIN, "https://www.linkedin.com/school/leeds-uni/", ("https://www.linkedin.com/school/leeds-uni/", "leeds-uni")),
    (LINKEDIN, "https://www.linkedin.com/sharing/share-offsite/?url=https%3A%2F%2Fbigbrand.example", None),
    (LINKEDIN, "https://www.linkedin.com/shareArticle?mini=true&url=x", None),
    (LINKEDIN, "https://www.linkedin.com/posts/bigbrand_gravel-activity-7000000000000000000-abcd", None),
    (LINKEDIN, "https://www.linkedin.com/groups/12345/", None),
    (TIKTOK, "https://www.tiktok.com/@BigBrand?lang=en", ("https://www.tiktok.com/@bigbrand", "bigbrand")),
    (TIKTOK, "https://www.tiktok.com/@bigbrand/video/7300000000000000000", ("https://www.tiktok.com/@bigbrand", "bigbrand")),
    (TIKTOK, "https://www.tiktok.com/tag/bikes", None),
    (TIKTOK, "https://vm.tiktok.com/ZMabc123/", None),
    (THREADS, "https://www.threads.net/@bigbrand", ("https://www.threads.com/@bigbrand", "bigbrand")),
    (THREADS, "https://threads.com/@BigBrand/post/C0ffee", ("https://www.threads.com/@bigbrand", "bigbrand")),
    (THREADS, "https://www.threads.com/intent/post?text=hi", None),
])
def test_recognition_table(platform, url, expected):
    assert recognised(platform, url) == expected


@pytest.mark.parametrize("platform", WALLED, ids=lambda p: p.name)
def test_recognition_is_a_fixed_point(platform):
    channel = platform.recognise(platform.profile_url(platform.KNOWN_PRESENT))
    assert channel is not None
    assert platform.recognise(channel.url) == channel


async def _probe(handles, credentials):
    registry = load_registry(plugins=[x, facebook, instagram, linkedin, tiktok, threads])
    async with make_client(TEST_FETCH) as client:
        context = Context(fetcher=Fetcher(client, TEST_FETCH), as_of=AS_OF, credentials=credentials)
        return await probe_handles(handles, context, registry)


@pytest.mark.parametrize("platform", WALLED, ids=lambda p: p.name)
def test_each_plugin_self_checks_a_present_and_an_absent_handle(fixture_internet, platform):
    import asyncio

    probes = asyncio.run(_probe((platform.KNOWN_PRESENT, platform.KNOWN_ABSENT), {"X_BEARER_TOKEN": "test-token"}))
    outcomes = {p.handle: p.outcome for p in probes if p.platform == platform.name}
    assert (outcomes[platform.KNOWN_PRESENT], outcomes[platform.KNOWN_ABSENT]) == platform.PROBE_EXPECTS


def test_x_without_a_token_is_never_found_or_absent(fixture_internet):
    import asyncio

    probes = asyncio.run(_probe(("bigbrand", "nosuchbrand"), {}))
    assert {p.outcome for p in probes if p.platform == "x"} == {"blocked"}  # x.com's robots.txt says no


def test_a_login_wall_or_a_999_never_counts_as_found():
    from auditor.discover import probe_outcome
    from auditor.models import Activity, Evidence

    wall = Activity(channel_url="https://www.linkedin.com/company/a/", status=Status.LOGIN_WALL, reason="999")
    assert probe_outcome(wall) == "unknown"
    noted = Activity(channel_url="u", status=Status.LOGIN_WALL, evidence=(Evidence("u", "page title", "Log in"),))
    assert probe_outcome(noted) == "unknown"


WALLED_PROFILES = (
    "https://x.com/bigbrand", "https://x.com/nosuchbrand", "https://www.facebook.com/bigbrand",
    "https://www.facebook.com/nosuchbrand", "https://www.instagram.com/bigbrand/",
    "https://www.instagram.com/nosuchbrand/", "https://www.linkedin.com/company/bigbrand/",
    "https://www.linkedin.com/company/nosuchbrand/", "https://www.threads.com/@bigbrand",
    "https://www.threads.com/@nosuchbrand", "https://www.tiktok.com/@bigbrand",
)


def test_no_walled_profile_is_reported_gone_missing_or_stale_without_an_api_answer(fixture_internet):
    brand = Brand(name="BigBrand", homepages=("https://nofeed.example/",), channels=WALLED_PROFILES)
    result = audit(brand, AuditOptions(as_of=AS_OF, fetch=TEST_FETCH, credentials={}))
    walled = {a.channel_url: a for a in result.activities if a.channel_url in WALLED_PROFILES}
    assert set(walled) == set(WALLED_PROFILES)
    for url, activity in walled.items():
        assert activity.status in (Status.LOGIN_WALL, Status.BLOCKED), (url, activity)
        assert activity.last_activity is None and activity.reason
    assert not [f for f in result.findings if f.channel_url in WALLED_PROFILES and f.code.startswith("STALE")]
    assert walled["https://x.com/bigbrand"].status is Status.BLOCKED
    assert "robots.txt disallows" in walled["https://x.com/bigbrand"].reason
    linked_in = walled["https://www.linkedin.com/company/bigbrand/"]
    assert linked_in.status is Status.LOGIN_WALL
    assert linked_in.reason.startswith("LinkedIn answered HTTP 999 to a non-browser client; activity cannot be seen "
                                       "without the partner API")
    facebook_missing = walled["https://www.facebook.com/nosuchbrand"]
    assert "marker seen on missing accounts" in facebook_missing.reason
    assert ("account exists", "no (observed marker, unconfirmed): bare <title>Facebook</title> without __isProfile") \
        in [(e.field, e.value) for e in facebook_missing.evidence]
    assert "exists (__isProfile" in walled["https://www.facebook.com/bigbrand"].reason


def test_only_an_api_answer_reports_a_missing_or_suspended_account(fixture_internet):
    brand = Brand(name="B", homepages=("https://nofeed.example/",), channels=(
        "https://www.tiktok.com/@nosuchbrand", "https://x.com/nosuchbrand", "https://x.com/suspendedbrand"))
    result = audit(brand, AuditOptions(as_of=AS_OF, fetch=TEST_FETCH, credentials={"X_BEARER_TOKEN": "t"}))
    got = {a.channel_url: (a.status, a.reason) for a in result.activities}
    assert got["https://www.tiktok.com/@nosuchbrand"][0] is Status.NOT_FOUND
    assert "oEmbed" in got["https://www.tiktok.com/@nosuchbrand"][1]
    assert got["https://x.com/nosuchbrand"] == (
        Status.NOT_FOUND, "the X API says: Could not find user with username: [nosuchbrand].")
    assert got["https://x.com/suspendedbrand"][0] is Status.GONE


def test_x_with_a_bearer_token_reads_the_last_posts(fixture_internet):
    from datetime import datetime, timezone

    brand = Brand(name="B", homepages=("https://nofeed.example/",), channels=("https://twitter.com/BigBrand",))
    result = audit(brand, AuditOptions(as_of=AS_OF, fetch=TEST_FETCH, credentials={"X_BEARER_TOKEN": "t"}))
    activity = next(a for a in result.activities if a.channel_url == "https://x.com/bigbrand")
    assert activity.status is Status.OK
    assert activity.last_activity == datetime(2026, 11, 20, 16, 5, 11, tzinfo=timezone.utc)
    assert activity.last_activity_source.url == "https://x.com/bigbrand/status/1859000000000000002"
    assert len(activity.items) == 2 and activity.title == "BigBrand"
    requested = [(r.host, r.target) for r in fixture_internet.log if r.host == "api.x.com"]
    assert ("api.x.com", "/2/users/1500000000000000001/tweets?max_results=5&tweet.fields=created_at") in requested


def test_junk_from_the_x_api_is_an_error_not_an_exception():
    import asyncio

    import httpx

    def handler(request):
        return httpx.Response(200, text="<html>maintenance</html>")

    async def run():
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            fetcher = Fetcher(client, TEST_FETCH.__class__(respect_robots=False, retries=0, min_gap=0.0))
            context = Context(fetcher=fetcher, as_of=AS_OF, credentials={"X_BEARER_TOKEN": "t"})
            return await X.collect(X.recognise("https://x.com/bigbrand"), context)

    activity = asyncio.run(run())
    assert activity.status is Status.ERROR and "did not answer JSON" in activity.reason
