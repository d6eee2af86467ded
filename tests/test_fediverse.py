"""Fediverse servers that are not Mastodon, end to end through the fixture internet.

notes.example runs Misskey (no Mastodon API: its lookup answers Misskey's own error), gts.example
GoToSocial with authorized fetch (the API and the outbox answer 401), tube.example PeerTube
(named by the user as /a/acme). Each is found out through NodeInfo, the account through
WebFinger, its activity through the ActivityPub actor and outbox.
"""

from __future__ import annotations

import pytest
from auditor.plugins.fediverse import FediversePlatform
from conftest import AS_OF, TEST_FETCH, audit_profile, utc

from auditor import AuditOptions, Status

OPTIONS = AuditOptions(as_of=AS_OF, fetch=TEST_FETCH, credentials={})


def codes(result, url: str) -> list[str]:
    return sorted(f.code for f in result.findings if f.channel_url == url)


def test_a_misskey_account_is_read_through_nodeinfo_webfinger_and_its_outbox(fixture_internet):
    result, channel, activity = audit_profile("https://notes.example/@acme", "mastodon", options=OPTIONS)
    assert activity.status is Status.OK
    assert "misskey" in activity.reason and "no Mastodon API" in activity.reason
    fields = {(e.field, e.value) for e in activity.evidence}
    assert ("NodeInfo software", "misskey 2024.11.0") in fields  # the 2.1 document, the newest schema offered
    assert ("links[rel=self]", "https://notes.example/users/9ud7x1zq2a") in fields
    # every public act counts: the newest is a boost (Announce), dated when the account boosted
    assert activity.last_activity == utc(2026, 11, 15, 18, 20)
    assert activity.last_activity_kind == "repost"
    assert sorted(i.kind for i in activity.items) == ["post", "reply", "repost"]
    assert activity.title == "Acme Knitwear"
    assert codes(result, channel.url) == []
    paths = [e.target for e in fixture_internet.log if e.host == "notes.example"]
    assert "/nodeinfo/2.1" in paths and "/nodeinfo/2.0" not in paths


def test_a_moved_misskey_account_is_one_move_finding_and_the_new_account_is_audited(fixture_internet):
    result, old, activity = audit_profile("https://notes.example/@oldacme", "mastodon", options=OPTIONS)
    assert activity.status is Status.OK
    assert activity.moved_to == "https://fosstodon.org/users/acme"
    assert activity.last_activity == utc(2025, 1, 5, 12)  # old, but the owner posts elsewhere now
    assert codes(result, old.url) == ["BROKEN002"]
    (new,) = [c for c in result.channels if c.found_through == old.url]
    assert (new.platform, new.url) == ("mastodon", "https://fosstodon.org/@acme")
    assert result.activity_for(new).status is Status.OK


def test_an_authorized_fetch_server_is_unknown_with_the_reason_never_broken(fixture_internet):
    result, channel, activity = audit_profile("https://gts.example/@acme", "mastodon", options=OPTIONS)
    assert activity.status is Status.LOGIN_WALL
    assert "gotosocial" in activity.reason and "authorized fetch" in activity.reason
    assert "the outbox of acme@gts.example" in activity.reason
    assert activity.exists is True and activity.last_activity is None
    assert codes(result, channel.url) == ["UNKNOWN001"]


def test_a_peertube_account_named_by_the_user_is_read_from_its_outbox_pages(fixture_internet):
    result, channel, activity = audit_profile("https://tube.example/a/acme", "fediverse", options=OPTIONS)
    assert (channel.url, channel.handle) == ("https://tube.example/a/acme", "@acme@tube.example")
    assert activity.status is Status.OK
    assert activity.last_activity == utc(2026, 9, 30, 15)
    assert activity.last_activity_source.url == "https://tube.example/w/aB3dE5fG7hJ9kL1mN3pQ5r"
    assert "peertube" in activity.reason
    assert codes(result, channel.url) == []


def test_a_host_without_nodeinfo_is_no_fediverse_account(fixture_internet):
    _, _, activity = audit_profile("https://nofeed.example/u/someone", "fediverse", options=OPTIONS)
    assert activity.status is Status.ERROR
    assert "does not say it is a fediverse server" in activity.reason


@pytest.mark.parametrize(("url", "canonical"), [
    ("https://tube.example/a/acme", "https://tube.example/a/acme"),
    ("https://lemmy.example/u/acme/", "https://lemmy.example/u/acme"),
    ("http://tube.example/accounts/acme", "https://tube.example/accounts/acme"),
    ("https://friendica.example/profile/acme", "https://friendica.example/profile/acme"),
])
def test_recognises_the_other_softwares_profile_forms(url, canonical):
    channel = FediversePlatform().recognise(url)
    assert channel is not None and channel.url == canonical


@pytest.mark.parametrize("url", [
    "https://www.youtube.com/c/acme", "https://www.reddit.com/u/acme", "https://tube.example/a/acme/videos",
    "https://tube.example/@acme", "https://tube.example/search?q=acme", "https://tube.example/a/acme?x=1",
])
def test_leaves_other_forms_alone(url):
    assert FediversePlatform().recognise(url) is None


def test_recognition_is_a_guess_used_only_for_urls_users_name():
    assert FediversePlatform.speculative is True
