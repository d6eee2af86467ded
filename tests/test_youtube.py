"""YouTube: recognising channel URLs, and auditing channels through the fixture internet."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditor.plugins.youtube import YouTubePlatform
from conftest import AS_OF, TEST_FETCH, audit_profile, utc

from auditor import AuditOptions, Status
from auditor.collect.signals import response_signals

NO_KEY = AuditOptions(as_of=AS_OF, fetch=TEST_FETCH, credentials={})
WITH_KEY = AuditOptions(as_of=AS_OF, fetch=TEST_FETCH, credentials={"YOUTUBE_API_KEY": "test-key-not-real"})
PLATFORM = YouTubePlatform()
ACME = "UCacmeCaXyMFSb4hBqlxJJLa"


def collect(url: str, options: AuditOptions = NO_KEY):
    result, _, activity = audit_profile(url, "youtube", options=options)
    return result, activity


@pytest.mark.parametrize(("url", "canonical"), [
    ("https://www.youtube.com/@acme", "https://www.youtube.com/@acme"),
    ("https://youtube.com/@Acme/videos", "https://www.youtube.com/@acme"),
    ("https://m.youtube.com/@acme?sub_confirmation=1", "https://www.youtube.com/@acme"),
    (f"https://www.youtube.com/channel/{ACME}", f"https://www.youtube.com/channel/{ACME}"),
    (f"http://www.youtube.com/channel/{ACME}/featured?sub_confirmation=1", f"https://www.youtube.com/channel/{ACME}"),
    ("https://www.youtube.com/c/AcmeOutdoor", "https://www.youtube.com/c/AcmeOutdoor"),
    ("https://www.youtube.com/user/acmeoutdoor", "https://www.youtube.com/user/acmeoutdoor"),
    (f"https://www.youtube.com/feeds/videos.xml?channel_id={ACME}", f"https://www.youtube.com/channel/{ACME}"),
])
def test_recognises_channel_forms(url, canonical):
    channel = PLATFORM.recognise(url)
    assert channel is not None
    assert (channel.platform, channel.url, channel.kind) == ("youtube", canonical, "video")


@pytest.mark.parametrize("url", [
    "https://www.youtube.com/watch?v=6Q9RxXTndfY",
    "https://youtu.be/6Q9RxXTndfY",
    "https://www.youtube.com/shorts/6Q9RxXTndfY",
    "https://www.youtube.com/embed/6Q9RxXTndfY",
    "https://www.youtube-nocookie.com/embed/6Q9RxXTndfY",
    "https://www.youtube.com/playlist?list=PL123",
    "https://www.youtube.com/results?search_query=acme",
    "https://www.youtube.com/channel/UCshort",
    "https://www.youtube.com/",
    "https://vimeo.com/acme",
])
def test_rejects_videos_shorts_embeds_and_other_hosts(url):
    assert PLATFORM.recognise(url) is None


def test_a_handle_page_gives_the_channel_id_and_the_feed_the_last_upload(fixture_internet):
    _, activity = collect("https://www.youtube.com/@acme")
    assert activity.status is Status.OK
    assert activity.title == "Acme Outdoor"
    assert activity.last_activity == utc(2026, 11, 14, 15, 0, 12)  # published, not the later <updated>
    assert activity.last_activity_source.url == "https://www.youtube.com/watch?v=6Q9RxXTndfY"
    assert (activity.evidence[0].field, activity.evidence[0].value) == ('channel ID (link rel="canonical")', ACME)
    assert len(activity.items) == 3


def test_without_a_key_comments_are_not_read_and_the_reason_says_so(fixture_internet):
    _, activity = collect("https://www.youtube.com/@acme")
    assert activity.interactions == ()
    assert "comments not read" in activity.reason and "YOUTUBE_API_KEY" in activity.reason
    assert not any(entry.host == "www.googleapis.com" for entry in fixture_internet.log[-3:])


def test_with_a_key_owner_replies_are_matched_by_channel_id(fixture_internet):
    _, activity = collect("https://www.youtube.com/@acme", WITH_KEY)
    # the owner's own pinned comment is not an interaction; carol's answer to alice is not the owner's;
    # the owner's answer to carol is only in the full reply list (comments?parentId=)
    assert [(i.author, i.at, i.owner_replied_at) for i in activity.interactions] == [
        ("@carol", utc(2026, 9, 2, 8), utc(2026, 9, 3, 14)),
        ("@alice", utc(2026, 11, 15, 10), utc(2026, 11, 15, 13)),
        ("@bob", utc(2026, 11, 16, 8), None),
    ]
    signals = response_signals(activity.interactions, AS_OF)
    assert (signals.total, signals.answered) == (3, 2)
    assert signals.median_first_reply == timedelta(hours=16, minutes=30)  # median of 3 h and 30 h
    assert any(e.field == "comments" and e.value == "disabled on this video" for e in activity.evidence)
    assert not any("test-key-not-real" in entry.target for entry in fixture_internet.log)


def test_a_channel_that_never_answers_and_a_quota_stop_is_reported(fixture_internet):
    _, activity = collect("https://www.youtube.com/@shopfront", WITH_KEY)
    assert activity.status is Status.OK
    assert activity.last_activity == utc(2026, 11, 1, 18)
    assert activity.evidence[0].field == 'channel ID (meta itemprop="identifier")'
    signals = response_signals(activity.interactions, AS_OF)
    assert (signals.total, signals.answered, signals.median_first_reply) == (2, 0, None)
    assert [i.author for i in signals.unanswered] == ["@alice", "@dave"]
    assert "quotaExceeded" in activity.reason


def test_a_stale_channel_is_dated_and_flagged(fixture_internet):
    result, activity = collect("https://www.youtube.com/@oldbrand")
    assert activity.status is Status.OK
    assert activity.last_activity == utc(2024, 3, 10, 12)
    assert activity.evidence[0].field == 'channel ID ("externalId")'
    assert [f.code for f in result.findings if f.channel_url == activity.channel_url] == ["STALE001"]


@pytest.mark.parametrize(("url", "found_in"), [
    ("https://www.youtube.com/c/AcmeOutdoor", 'channel ID (meta itemprop="channelId")'),
    ("https://www.youtube.com/user/acmeoutdoor", 'channel ID (RSS link rel="alternate")'),
])
def test_legacy_channel_urls_find_the_same_channel(fixture_internet, url, found_in):
    _, activity = collect(url)
    assert activity.evidence[0].field == found_in and activity.evidence[0].value == ACME
    assert activity.last_activity == utc(2026, 11, 14, 15, 0, 12)


def test_an_unknown_handle_is_not_found(fixture_internet):
    _, activity = collect("https://www.youtube.com/@nobody")
    assert activity.status is Status.NOT_FOUND
    assert activity.last_activity is None


def test_a_terminated_channel_is_gone(fixture_internet):
    _, activity = collect("https://www.youtube.com/channel/UCtermLMdEUP30Jr2RaSx9q0")
    assert activity.status is Status.GONE
    assert "terminated" in activity.reason


def test_a_feed_failing_with_500_does_not_make_an_existing_channel_missing(fixture_internet):
    _, activity = collect("https://www.youtube.com/@flaky")
    assert activity.status is Status.OK
    assert activity.last_activity is None
    assert activity.reason.startswith("uploads feed unavailable (HTTP 500")
    assert "the channel page answered 200" in activity.reason
    feed_calls = [e for e in fixture_internet.log if "channel_id=UCflaky" in e.target]
    assert [e.status for e in feed_calls][-2:] == [500, 500]  # retried once by the fetcher


def test_a_feed_answering_404_is_checked_against_the_channel_page(fixture_internet):
    _, activity = collect("https://www.youtube.com/channel/UCfnfZKRf91qqLui7P5ReIhV")
    assert activity.status is Status.OK
    assert activity.last_activity is None
    assert activity.title == "Quiet Studio"
    assert "uploads feed unavailable (HTTP 404" in activity.reason


def test_only_a_missing_channel_page_makes_a_channel_not_found(fixture_internet):
    _, activity = collect("https://www.youtube.com/channel/UCvanAkueuVXJ6EzXRnwCUZ0")
    assert activity.status is Status.NOT_FOUND
    assert "the uploads feed also failed (HTTP 404)" in activity.reason


def test_a_feed_that_is_an_html_page_is_an_error(fixture_internet):
    _, activity = collect("https://www.youtube.com/@junkfeed")
    assert activity.status is Status.ERROR
    assert "not a feed" in activity.reason


def test_the_api_key_travels_in_a_header_never_in_the_url():
    """Unit test through httpx.MockTransport: the key is sent as X-Goog-Api-Key; URLs stay key-free."""
    import asyncio

    import httpx

    from auditor.fetch.client import Fetcher, FetchSettings, make_client
    from auditor.plugin import Context

    feed = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" '
            b'xmlns:yt="http://www.youtube.com/xml/schemas/2015"><title>Acme</title><entry><yt:videoId>abcdefghijk'
            b'</yt:videoId><link rel="alternate" href="https://www.youtube.com/watch?v=abcdefghijk"/>'
            b'<published>2026-11-01T10:00:00+00:00</published></entry></feed>')
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/feeds/videos.xml":
            return httpx.Response(200, content=feed)
        if request.url.path == "/youtube/v3/commentThreads":
            return httpx.Response(400, json={"error": {"code": 400, "message": "API key not valid.",
                                                       "errors": [{"reason": "keyInvalid"}]}})
        return httpx.Response(404)

    async def run():
        settings = FetchSettings(respect_robots=False, retries=0)
        async with make_client(settings, transport=httpx.MockTransport(handler)) as client:
            context = Context(fetcher=Fetcher(client, settings), as_of=AS_OF,
                              credentials={"YOUTUBE_API_KEY": "secret-key"})
            return await PLATFORM.collect(PLATFORM.recognise(f"https://www.youtube.com/channel/{ACME}"), context)

    activity = asyncio.run(run())
    api = [r for r in seen if r.url.host == "www.googleapis.com"]
    assert [r.headers.get("x-goog-api-key") for r in api] == ["secret-key"]
    assert all("secret-key" not in str(r.url) for r in seen)
    assert activity.status is Status.OK and activity.last_activity == utc(2026, 11, 1, 10)
    assert "keyInvalid" in activity.reason and activity.interactions == ()


def test_the_channel_trailer_is_never_the_newest_upload(fixture_internet):
    # A trailer uploaded this month, featured on the channel page for visitors, over two-year-old videos.
    result, activity = collect("https://www.youtube.com/@trailerbrand")
    assert activity.status is Status.OK
    assert activity.last_activity == utc(2024, 2, 11, 12)
    assert activity.last_activity_source.url == "https://www.youtube.com/watch?v=oldVid00001"
    (trailer,) = [i for i in activity.items if i.pinned]
    assert trailer.url == "https://www.youtube.com/watch?v=trlrVid0001"
    assert any(e.field == "channel trailer (never the newest)" for e in activity.evidence)
    assert "STALE001" in {f.code for f in result.findings}


def test_a_premiere_scheduled_after_the_audit_is_not_recent_activity(fixture_internet):
    result, activity = collect("https://www.youtube.com/@premierebrand")
    assert activity.status is Status.OK
    assert activity.last_activity == utc(2025, 3, 10, 16)  # the last video anyone could watch
    premiere = next(i for i in activity.items if i.url.endswith("premVid0001"))
    assert premiere.published == utc(2026, 12, 5, 17)  # dated when it airs, not when it was set up
    assert ("scheduled premiere (startDate; not yet aired)", "2026-12-05T17:00:00+00:00") in [
        (e.field, e.value) for e in activity.evidence]
    watched = [e.target for e in fixture_internet.log if e.target.startswith("/watch?v=")]
    assert "/watch?v=premVid0001" in watched and "/watch?v=lastVid0001" not in watched  # only unwatched entries
    assert "STALE001" in {f.code for f in result.findings}
