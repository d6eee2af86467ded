"""Bluesky: recognising profile URLs, and auditing accounts through the fixture internet."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditor.plugins.bluesky import BlueskyPlatform
from conftest import AS_OF, TEST_FETCH, audit_profile, utc

from auditor import AuditOptions, Status
from auditor.collect.signals import response_signals

OPTIONS = AuditOptions(as_of=AS_OF, fetch=TEST_FETCH, credentials={})
PLATFORM = BlueskyPlatform()
MISSING_DID = "did:plc:missingh7zj2rhy45swswzyu"


def collect(url: str):
    result, _, activity = audit_profile(url, "bluesky", options=OPTIONS)
    return result, activity


@pytest.mark.parametrize(("url", "canonical", "handle"), [
    ("https://bsky.app/profile/acme.bsky.social", "https://bsky.app/profile/acme.bsky.social", "acme.bsky.social"),
    ("https://bsky.app/profile/Acme.BSKY.social/", "https://bsky.app/profile/acme.bsky.social", "acme.bsky.social"),
    ("https://www.bsky.app/profile/shopfront.example?ref=footer", "https://bsky.app/profile/shopfront.example",
     "shopfront.example"),
    (f"https://bsky.app/profile/{MISSING_DID}", f"https://bsky.app/profile/{MISSING_DID}", MISSING_DID),
    ("https://bsky.app/profile/did:web:acme.example", "https://bsky.app/profile/did:web:acme.example",
     "did:web:acme.example"),
])
def test_recognises_profile_urls_by_handle_or_did(url, canonical, handle):
    channel = PLATFORM.recognise(url)
    assert channel is not None
    assert (channel.platform, channel.url, channel.handle, channel.kind) == ("bluesky", canonical, handle, "social")


@pytest.mark.parametrize("url", [
    "https://bsky.app/intent/compose?text=Look%20at%20this",
    "https://bsky.app/profile/acme.bsky.social/post/3lmw4wxfogo6m",
    "https://bsky.app/profile/acme.bsky.social/lists/3kx",
    "https://bsky.app/",
    "https://bsky.app/profile/not_a_handle",
    "https://bsky.app/profile/did:plc:short",
    "https://bsky.social/profile/acme.bsky.social",
    "https://mastodon.social/@acme",
])
def test_rejects_compose_links_single_posts_and_other_hosts(url):
    assert PLATFORM.recognise(url) is None


def test_an_active_account_counts_its_repost_and_answers_most_replies(fixture_internet):
    _, activity = collect("https://bsky.app/profile/acme.bsky.social")
    assert activity.status is Status.OK
    assert activity.title == "Acme Outdoor"
    # its newest post is 10:00 on the 20th and its reply to alice 14:00; its repost at 19:00 on the 21st is newer
    assert (activity.last_activity, activity.last_activity_kind) == (utc(2026, 11, 21, 19), "repost")
    assert activity.last_activity_source.field == "newest repost reasonRepost.indexedAt"
    assert [(i.published, i.kind) for i in activity.items if i.kind == "post"] == [
        (utc(2026, 11, 20, 10), "post"), (utc(2026, 11, 15, 8, 30), "post"), (utc(2026, 10, 1, 9), "post")]
    assert [(i.author, i.at, i.owner_replied_at) for i in activity.interactions] == [
        ("dave.bsky.social", utc(2026, 10, 1, 10), utc(2026, 10, 3, 10)),
        ("alice.bsky.social", utc(2026, 11, 20, 12), utc(2026, 11, 20, 14)),
        ("bob.example", utc(2026, 11, 21, 9), None),  # carol answered alice, not acme: not an interaction
    ]
    signals = response_signals(activity.interactions, AS_OF)
    assert (signals.total, signals.answered) == (3, 2)
    assert signals.median_first_reply == timedelta(hours=25)  # median of 2 h and 48 h
    assert [i.author for i in signals.unanswered] == ["bob.example"]


def test_a_custom_domain_handle_that_never_answers(fixture_internet):
    _, activity = collect("https://bsky.app/profile/shopfront.example")
    assert activity.status is Status.OK
    assert activity.last_activity == utc(2026, 11, 10, 12)
    signals = response_signals(activity.interactions, AS_OF)
    assert (signals.total, signals.answered, signals.median_first_reply) == (2, 0, None)
    assert [i.author for i in signals.unanswered] == ["alice.bsky.social", "dave.bsky.social"]
    assert all(i.parent.startswith("https://bsky.app/profile/shopfront.example/post/") for i in signals.unanswered)


def test_a_stale_account_is_dated_and_flagged(fixture_internet):
    result, activity = collect("https://bsky.app/profile/oldbrand.bsky.social")
    assert activity.status is Status.OK
    assert activity.last_activity == utc(2025, 2, 14, 16, 45)
    assert activity.last_activity_source.field == "newest own post record.createdAt"
    assert activity.interactions == ()
    assert [f.code for f in result.findings if f.channel_url == activity.channel_url] == ["STALE001"]


def test_a_backdated_post_is_dated_by_when_the_server_saw_it(fixture_internet):
    _, activity = collect("https://bsky.app/profile/backdated.bsky.social")
    assert activity.status is Status.OK
    assert activity.last_activity == utc(2026, 11, 5, 7, 12, 30)  # indexedAt, not the 2019 createdAt
    assert activity.last_activity_source.field == "newest own post indexedAt (record.createdAt is over a day off)"
    (note,) = [e for e in activity.evidence if e.field == "indexedAt used"]
    assert "2019-05-01" in note.value


@pytest.mark.parametrize(("url", "status", "words"), [
    ("https://bsky.app/profile/nobody.bsky.social", Status.NOT_FOUND, "Unable to resolve handle"),
    (f"https://bsky.app/profile/{MISSING_DID}", Status.NOT_FOUND, "Profile not found"),
    ("https://bsky.app/profile/spammer.bsky.social", Status.GONE, "taken down (suspended)"),
    ("https://bsky.app/profile/closedshop.bsky.social", Status.GONE, "deactivated by its owner"),
    ("https://bsky.app/profile/junk.bsky.social", Status.ERROR, "did not answer JSON"),
])
def test_missing_suspended_deactivated_and_junk_accounts_are_told_apart(fixture_internet, url, status, words):
    _, activity = collect(url)
    assert activity.status is status
    assert words in activity.reason
    assert activity.last_activity is None
