"""Platforms as they really behave (issue 16): moves, boosts and reposts, pins, paging, through the fixture internet.

Each case is audited end to end, the way a user would, and judged by its verdict: the
findings the brand gets and the activity recorded for the channel.
"""

from __future__ import annotations

import pytest
from conftest import AS_OF, TEST_FETCH, audit_profile, utc

from auditor import AuditOptions, Status, audit

OPTIONS = AuditOptions(as_of=AS_OF, fetch=TEST_FETCH, credentials={})


def codes(result, url: str) -> list[str]:
    return sorted(f.code for f in result.findings if f.channel_url == url)


# -- moves ------------------------------------------------------------------------------------

def test_a_moved_mastodon_account_is_one_move_finding_and_its_new_account_is_audited(fixture_internet):
    result, old, activity = audit_profile("https://mastodon.social/@acme_old", "mastodon", options=OPTIONS)
    assert activity.moved_to == "https://fosstodon.org/@acme"
    assert codes(result, old.url) == ["BROKEN002"]  # its last status is from March: no STALE on the old account
    (move,) = [f for f in result.findings if f.code == "BROKEN002"]
    assert "https://fosstodon.org/@acme" in move.message
    (new,) = [c for c in result.channels if c.url == "https://fosstodon.org/@acme"]
    assert new.found_through == old.url
    assert [(e.url, e.field, e.value) for e in new.found_by] == [(old.url, "moved to", "https://fosstodon.org/@acme")]
    moved = result.activity_for(new)
    assert moved.status is Status.OK and moved.last_activity == utc(2026, 11, 20, 16)
    assert codes(result, new.url) == []


# -- every public act counts ------------------------------------------------------------------

def test_an_account_that_only_boosts_is_active_and_its_last_act_is_a_boost(fixture_internet):
    result, channel, activity = audit_profile("https://mastodon.social/@boostsonly", "mastodon", options=OPTIONS)
    assert activity.last_activity == utc(2026, 11, 19, 8)
    assert activity.last_activity_kind == "repost"
    assert activity.last_activity_source.field == "newest boost created_at"
    assert [i.kind for i in activity.items] == ["repost", "repost", "repost", "post"]
    assert "boosts" in activity.reason
    assert not [c for c in codes(result, channel.url) if c in ("STALE001", "STALE002")]


def test_an_account_that_has_only_boosted_for_months_gets_the_softer_reposts_only_finding(fixture_internet):
    result, channel, activity = audit_profile("https://mastodon.social/@echoonly", "mastodon", options=OPTIONS)
    assert activity.last_activity_kind == "repost"
    assert codes(result, channel.url) == ["STALE004"]
    (finding,) = [f for f in result.findings if f.code == "STALE004"]
    assert finding.severity.value == "info"
    assert "2025-03-01" in finding.message


def test_an_account_that_only_replies_to_others_is_active(fixture_internet):
    result, channel, activity = audit_profile("https://mastodon.social/@helpdesk", "mastodon", options=OPTIONS)
    assert (activity.last_activity, activity.last_activity_kind) == (utc(2026, 11, 21, 15), "reply")
    assert codes(result, channel.url) == []


# -- pins and paging --------------------------------------------------------------------------

def test_pinned_statuses_are_never_the_newest_and_a_page_of_pins_sends_the_reader_to_the_next(fixture_internet):
    result, channel, activity = audit_profile("https://mastodon.social/@pinnedtop", "mastodon", options=OPTIONS)
    assert activity.last_activity == utc(2026, 11, 1, 10)
    assert [(i.published.year, i.pinned) for i in activity.items] == [(2024, True), (2023, True),
                                                                      (2026, False), (2026, False)]
    (paged,) = [e for e in activity.evidence if e.field == "pages of statuses read"]
    assert paged.value.startswith("2 ")
    assert not [c for c in codes(result, channel.url) if c.startswith("STALE")]


def test_a_bluesky_did_whose_handle_now_points_at_another_account_has_moved_there(fixture_internet):
    url = "https://bsky.app/profile/did:plc:oldacmeabcdefghijklmnopq"
    result, old, activity = audit_profile(url, "bluesky", options=OPTIONS)
    assert activity.moved_to == "https://bsky.app/profile/acmetrails.example"
    assert codes(result, old.url) == ["BROKEN002"]  # its last post is from 2025: not stale, it moved
    (new,) = [c for c in result.channels if c.found_through == old.url]
    assert new.url == "https://bsky.app/profile/acmetrails.example"
    assert result.activity_for(new).last_activity == utc(2026, 11, 19, 15)
    assert codes(result, new.url) == []


def test_a_bluesky_account_that_reposts_and_replies_is_active_and_its_pinned_post_is_not_the_newest(fixture_internet):
    result, channel, activity = audit_profile("https://bsky.app/profile/reposter.bsky.social", "bluesky",
                                              options=OPTIONS)
    assert (activity.last_activity, activity.last_activity_kind) == (utc(2026, 11, 18, 9, 30), "repost")
    assert [(i.kind, i.pinned) for i in activity.items] == [("post", True), ("repost", False), ("reply", False)]
    assert codes(result, channel.url) == []


def test_a_bluesky_first_page_holding_only_the_pin_sends_the_reader_to_the_cursor(fixture_internet):
    result, channel, activity = audit_profile("https://bsky.app/profile/pagedsky.bsky.social", "bluesky",
                                              options=OPTIONS)
    assert activity.last_activity == utc(2026, 11, 9, 12)
    (paged,) = [e for e in activity.evidence if e.field == "pages of the author feed read"]
    assert paged.value.startswith("2 ")
    assert codes(result, channel.url) == []


def test_a_blog_host_that_301s_to_a_new_domain_is_one_move_and_the_new_blog_is_audited(fixture_internet):
    result = audit("https://movedblog.example/", OPTIONS)
    old = "https://blog.movedblog.example/"
    assert codes(result, old) == ["BROKEN002"]
    (move,) = [f for f in result.findings if f.channel_url == old]
    assert "https://journal.newhome.example/" in move.message
    through = {c.url: c for c in result.channels if c.found_through == old}
    assert set(through) == {"https://journal.newhome.example/", "https://journal.newhome.example/feed.xml"}
    feed = result.activity_for(through["https://journal.newhome.example/feed.xml"])
    assert feed.status is Status.OK and feed.last_activity == utc(2026, 11, 10, 9)
    assert [f.code for f in result.findings if f.channel_url in through] == []



# -- link-in-bio hubs -------------------------------------------------------------------------

def test_the_channels_on_a_link_in_bio_hub_are_found_through_it_and_the_hub_is_no_channel(fixture_internet):
    from auditor import discover

    found = discover("https://hubbrand.example/", options=OPTIONS)
    hub = "https://linktr.ee/hubbrand"
    assert hub not in [c.url for c in found.channels]
    through = {c.url: c for c in found.channels if c.found_through == hub}
    assert set(through) == {"https://mastodon.social/@acme", "https://bsky.app/profile/acme.bsky.social"}
    assert through["https://mastodon.social/@acme"].found_by[0].url == hub
    assert "hub" in found.origins["https://mastodon.social/@acme"]
    # the hub service's own footer profiles are not the brand's; share links and hubs on hubs are refused, with why
    assert not [c for c in found.channels if "linktree" in c.url]
    reasons = {r.url: r.reason for r in found.rejected}
    assert "share or intent" in reasons["https://twitter.com/intent/tweet?text=I+love+Hub+Brand"]
    assert "single post" in reasons["https://www.youtube.com/watch?v=dQw4w9WgXcQ"]
    assert "one hop" in reasons["https://linktr.ee/hubbrand_wholesale"]


def test_a_brand_with_a_hub_is_audited_through_the_channels_on_it(fixture_internet):
    result = audit("https://hubbrand.example/", OPTIONS)
    mastodon = result.activity_for(next(c for c in result.channels if c.url == "https://mastodon.social/@acme"))
    assert mastodon.status is Status.OK
    assert not [f for f in result.findings if "linktr.ee" in f.channel_url]


# -- interstitials ----------------------------------------------------------------------------

def test_a_youtube_handle_behind_the_consent_page_is_read_through_the_channel_id_on_the_brands_page(fixture_internet):
    result = audit("https://consentbrand.example/", OPTIONS)
    (channel,) = [c for c in result.channels if c.platform == "youtube"]
    activity = result.activity_for(channel)
    assert activity.status is Status.OK and activity.last_activity is not None
    assert any(e.field.startswith("consent page") for e in activity.evidence)
    assert not [f for f in result.findings if f.channel_url == channel.url and f.category == "broken"]


def test_a_youtube_handle_behind_the_consent_page_with_no_other_way_in_is_unknown_never_broken(fixture_internet):
    result, channel, activity = audit_profile("https://www.youtube.com/@walledonly", "youtube", options=OPTIONS)
    assert activity.status is Status.BLOCKED and activity.interstitial == "consent"
    assert "not broken, not gone" in activity.reason
    assert codes(result, channel.url) == ["UNKNOWN001"]


def test_a_feed_behind_a_cloudflare_challenge_is_unknown_never_broken(fixture_internet):
    # The challenge answers 503 "Just a moment..." in place of the feed: a wall, not a failing channel.
    result = audit("https://cfwall.example/", OPTIONS)
    (channel,) = [c for c in result.channels if c.url == "https://cfwall.example/feed.xml"]
    activity = result.activity_for(channel)
    assert activity.status is Status.BLOCKED and activity.interstitial == "robot check"
    assert "not broken, not gone" in activity.reason
    assert codes(result, channel.url) == ["UNKNOWN001"]


def test_a_cookie_wall_served_with_200_in_place_of_the_feed_is_unknown_never_broken(fixture_internet):
    result = audit("https://cookiefeed.example/", OPTIONS)
    (channel,) = [c for c in result.channels if c.url == "https://cookiefeed.example/feed.xml"]
    activity = result.activity_for(channel)
    assert activity.status is Status.BLOCKED and activity.interstitial == "cookie wall"
    assert "(HTTP 200)" in activity.reason and "not broken, not gone" in activity.reason
    assert codes(result, channel.url) == ["UNKNOWN001"]


def test_a_subreddit_behind_the_over_18_gate_is_unknown_never_broken_or_missing(fixture_internet):
    result, channel, activity = audit_profile("https://www.reddit.com/r/nsfwbrand/", "reddit", options=OPTIONS)
    assert activity.status is Status.BLOCKED and activity.interstitial == "age gate"
    assert activity.reason.startswith("https://www.reddit.com/over18?dest=")
    assert codes(result, channel.url) == ["UNKNOWN001"]


@pytest.mark.parametrize(("url", "platform"), [
    ("https://www.instagram.com/walledbrand/", "instagram"),  # its login page carries the "missing account" marker
    ("https://www.facebook.com/walledbrand", "facebook"),  # its login page has the bare <title>Facebook</title>
])
def test_a_profile_sent_to_the_login_page_is_unknown_never_missing(fixture_internet, url, platform):
    result, channel, activity = audit_profile(url, platform, options=OPTIONS)
    assert activity.status is Status.LOGIN_WALL and activity.interstitial == "login wall"
    assert activity.exists is None  # the login page says nothing about the account
    assert "whether the account exists cannot be told" in activity.reason
    assert not any(e.field == "account exists" for e in activity.evidence)
    assert codes(result, channel.url) == ["UNKNOWN001"]


def test_discover_explain_prints_every_channels_origin_and_every_rejected_link(fixture_internet):
    from typer.testing import CliRunner

    from cli import app

    out = CliRunner().invoke(app, ["discover", "https://hubbrand.example/", "--explain"])
    assert out.exit_code == 0, out.output
    assert "origin: hub through https://linktr.ee/hubbrand" in out.output
    assert "Rejected links:" in out.output
    assert "https://twitter.com/intent/tweet?text=I+love+Hub+Brand (on https://linktr.ee/hubbrand): a share" in out.output
