"""Mastodon: recognising profile URLs, and auditing accounts through the fixture internet."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditor.plugins.mastodon import MastodonPlatform
from conftest import AS_OF, TEST_FETCH, audit_profile, utc

from auditor import AuditOptions, Status, audit
from auditor.models import Brand
from auditor.collect.signals import response_signals

OPTIONS = AuditOptions(as_of=AS_OF, fetch=TEST_FETCH, credentials={})
PLATFORM = MastodonPlatform()


def collect(url: str):
    """Audit one profile as a user-given channel; its channel and activity."""
    _, channel, activity = audit_profile(url, "mastodon", options=OPTIONS)
    return channel, activity


@pytest.mark.parametrize(("url", "canonical", "handle"), [
    ("https://mastodon.social/@acme", "https://mastodon.social/@acme", "@acme@mastodon.social"),
    ("https://mastodon.social/@acme/", "https://mastodon.social/@acme", "@acme@mastodon.social"),
    ("https://Mastodon.Social/users/acme", "https://mastodon.social/@acme", "@acme@mastodon.social"),
    ("http://fosstodon.org/@acme?lang=en", "https://fosstodon.org/@acme", "@acme@fosstodon.org"),
    ("https://mastodon.social/@acme@fosstodon.org", "https://fosstodon.org/@acme", "@acme@fosstodon.org"),
    ("https://toot.example/@news@AcmeCorp.example", "https://acmecorp.example/@news", "@news@acmecorp.example"),
    ("https://mastodon.social/@acme.shop_1", "https://mastodon.social/@acme.shop_1", "@acme.shop_1@mastodon.social"),
])
def test_recognises_profile_forms_as_the_canonical_home_instance_url(url, canonical, handle):
    channel = PLATFORM.recognise(url)
    assert channel is not None
    assert (channel.platform, channel.url, channel.handle, channel.kind) == ("mastodon", canonical, handle, "social")


@pytest.mark.parametrize("url", [
    "https://mastodon.social/share?text=hello",
    "https://mastodon.social/authorize_interaction?uri=https%3A%2F%2Fx.example%2F1",
    "https://mastodon.social/@acme/109400000000000001",
    "https://mastodon.social/tags/outdoor",
    "https://mastodon.social/",
    "https://www.youtube.com/@acme",
    "https://m.youtube.com/@acme",
    "https://medium.com/@acme",
    "https://www.tiktok.com/@acme",
    "https://www.threads.net/@acme",
    "https://substack.com/@acme",
    "https://stackoverflow.com/users/12345",
    "https://mastodon.social/@",
    "https://mastodon.social/@bad name",
    "mailto:acme@mastodon.social",
])
def test_rejects_share_links_single_posts_and_other_platforms(url):
    assert PLATFORM.recognise(url) is None


@pytest.mark.parametrize("url", ["https://notyoutube.com/@acme", "https://youtube.com.social/@acme"])
def test_a_host_merely_resembling_another_platform_may_still_be_a_mastodon_server(url):
    assert PLATFORM.recognise(url) is not None


def test_an_active_account_dates_its_newest_own_status_and_answers_most_replies(fixture_internet):
    channel, activity = collect("https://mastodon.social/@acme")
    assert activity.status is Status.OK
    assert activity.last_activity == utc(2026, 11, 18, 12, 30)  # its reply to alice is its newest status
    assert activity.last_activity_source.field == "newest own status created_at"
    assert activity.title == "Acme Outdoor"
    assert len(activity.items) == 6
    # alice and bob replied to the catalogue post, dave to the repair cafe; carol answered alice, not acme
    assert [(i.author, i.at, i.owner_replied_at) for i in activity.interactions] == [
        ("dave", utc(2026, 10, 30, 18), utc(2026, 10, 31, 9)),
        ("alice", utc(2026, 11, 18, 11), utc(2026, 11, 18, 12, 30)),
        ("bob@fosstodon.org", utc(2026, 11, 19, 8), None),
    ]
    signals = response_signals(activity.interactions, AS_OF)
    assert (signals.total, signals.answered) == (3, 2)
    assert signals.median_first_reply == timedelta(hours=8, minutes=15)  # median of 15 h and 1.5 h
    assert [i.author for i in signals.unanswered] == ["bob@fosstodon.org"]


def test_an_account_that_never_answers_has_only_unanswered_replies(fixture_internet):
    _, activity = collect("https://mastodon.social/@shopfront")
    assert activity.status is Status.OK
    assert activity.last_activity == utc(2026, 11, 12, 15)
    signals = response_signals(activity.interactions, AS_OF)
    assert (signals.total, signals.answered, signals.median_first_reply) == (3, 0, None)
    assert [i.author for i in signals.unanswered] == ["carol", "alice", "dave"]
    assert signals.unanswered[0].url.startswith("https://mastodon.social/@carol/")


def test_a_stale_account_is_dated_and_flagged(fixture_internet):
    result = audit(Brand(name="old", homepages=("https://nofeed.example/",),
                         channels=("https://mastodon.social/@oldbrand",)), OPTIONS)
    activity = result.activities[-1]
    assert (activity.channel_url, activity.status) == ("https://mastodon.social/@oldbrand", Status.OK)
    assert activity.last_activity == utc(2025, 6, 2, 14, 20)
    assert activity.interactions == ()
    assert [f.code for f in result.findings if f.channel_url == activity.channel_url] == ["STALE001"]


def test_an_unknown_account_is_not_found(fixture_internet):
    _, activity = collect("https://mastodon.social/@ghost")
    assert activity.status is Status.NOT_FOUND
    assert "Record not found" in activity.reason and activity.last_activity is None


def test_a_suspended_account_is_gone(fixture_internet):
    _, activity = collect("https://mastodon.social/@spammer")
    assert activity.status is Status.GONE
    assert "suspended" in activity.reason


def test_an_account_answering_410_is_gone(fixture_internet):
    _, activity = collect("https://mastodon.social/@gonebrand")
    assert activity.status is Status.GONE
    assert "410" in activity.reason


def test_a_moved_account_is_ok_and_points_to_its_new_home(fixture_internet):
    _, activity = collect("https://mastodon.social/@acme_old")
    assert activity.status is Status.OK
    assert activity.moved_to == "https://fosstodon.org/@acme"
    assert "moved to https://fosstodon.org/@acme" in activity.reason
    assert activity.last_activity == utc(2026, 3, 1, 11)


def test_an_instance_that_hides_its_api_is_a_login_wall_not_gone(fixture_internet):
    _, activity = collect("https://toot.example/@acme")
    assert activity.status is Status.LOGIN_WALL
    assert "This API requires an authenticated user" in activity.reason
    assert activity.last_activity is None


def test_a_handle_on_its_own_domain_is_found_through_webfinger_and_dated_by_last_status_at(fixture_internet):
    channel, activity = collect("https://mastodon.social/@news@acmecorp.example")
    assert channel.url == "https://acmecorp.example/@news"
    assert activity.status is Status.OK
    assert activity.last_activity == utc(2026, 11, 2)  # no status readable: the last_status_at date
    assert "date only" in activity.last_activity_source.field
    assert "not an exact time" in activity.reason
    assert any(e.field == "links[rel=http://webfinger.net/rel/profile-page]"
               and e.value == "https://social.acmecorp.example/@news" for e in activity.evidence)
    hosts = {entry.host for entry in fixture_internet.log}
    assert "social.acmecorp.example" in hosts


@pytest.mark.parametrize(("user", "words"), [
    ("junk", "did not answer JSON"),  # an HTML page where the API answer should be
    ("listy", "not an account object"),  # JSON of the wrong shape
])
def test_junk_answers_are_errors_with_a_reason(fixture_internet, user, words):
    _, activity = collect(f"https://mastodon.social/@{user}")
    assert activity.status is Status.ERROR
    assert words in activity.reason


def test_replies_point_to_the_status_they_answer(fixture_internet):
    _, activity = collect("https://mastodon.social/@acme")
    alice = next(i for i in activity.interactions if i.author == "alice")
    assert alice.parent == "https://mastodon.social/@acme/117636857856000001"
    assert alice.url == "https://mastodon.social/@alice/117637093785600002"


def test_a_host_that_is_not_a_mastodon_server_is_an_error_not_a_missing_account(fixture_internet):
    _, activity = collect("https://nofeed.example/@someone")
    assert activity.status is Status.ERROR
    assert "does not answer as a Mastodon server" in activity.reason
