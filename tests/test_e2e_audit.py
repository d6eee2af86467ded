"""End to end: `audit()` against the fixture internet, through a real proxy and real TLS."""

from __future__ import annotations

import pytest
from conftest import AS_OF, TEST_FETCH, utc

from auditor import AuditOptions, Status, audit
from auditor.fetch.client import FetchSettings

OPTIONS = AuditOptions(as_of=AS_OF, fetch=TEST_FETCH)


def by_url(result):
    return {a.channel_url: a for a in result.activities}


def test_an_active_wordpress_blog_is_found_dated_and_not_flagged(fixture_internet):
    result = audit("https://acme.example/", OPTIONS)
    assert [(c.platform, c.url, c.confidence.value) for c in result.channels] == [
        ("web", "https://acme.example/", "given"),
        # the api.w.org link makes it a WordPress site; its declared /feed/ is read by that channel,
        # so it is not a channel of its own (the comments feed never is)
        ("wordpress", "https://acme.example/wp-json/", "high"),
    ]
    wordpress = result.channels[1]
    assert "https://acme.example/feed/" in [e.value for e in wordpress.found_by]
    blog = by_url(result)["https://acme.example/wp-json/"]
    assert blog.status is Status.OK
    assert blog.last_activity == utc(2026, 11, 15, 9, 30)
    assert blog.last_activity_source.url == "https://acme.example/2026/11/15/winter-catalogue/"
    assert len(blog.items) == 3
    assert result.findings == ()
    # robots.txt, homepage, the /about/ and /contact/ pages its nav links (404); the WordPress channel:
    # two REST routes (404), feed, comments feed, three post pages (404)
    assert result.stats.requests == 11


def test_a_blog_silent_since_2019_is_stale(fixture_internet):
    result = audit("oldcorner.example", OPTIONS)
    feed = by_url(result)["https://oldcorner.example/rss.xml"]
    assert feed.last_activity == utc(2019, 3, 2, 10, 15)
    (finding,) = result.findings
    assert (finding.code, finding.severity.value, finding.channel_url) == (
        "STALE001", "warning", "https://oldcorner.example/rss.xml")
    assert "2,821 days" in finding.message and "2019-03-02" in finding.message
    assert finding.evidence[0].url == "https://oldcorner.example/2019/03/02/spring-sourdough/"


def test_an_atom_only_site(fixture_internet):
    result = audit("https://atomonly.example/", OPTIONS)
    feed = by_url(result)["https://atomonly.example/atom.xml"]
    assert feed.last_activity == utc(2026, 10, 1, 8)
    assert feed.title == "Atom & Co. notes"
    assert result.findings == ()


def test_an_expired_json_feed_is_noted_and_stale(fixture_internet):
    result = audit("https://finished.example/", OPTIONS)
    feed = by_url(result)["https://finished.example/feed.json"]
    assert feed.expired is True
    assert feed.last_activity == utc(2025, 12, 31, 12)
    assert [f.code for f in result.findings] == ["STALE001", "STALE003"]


def test_a_site_without_declared_feeds_is_probed_at_the_usual_paths(fixture_internet):
    result = audit("https://probed.example/", OPTIONS)
    (web, feed) = result.channels
    assert (feed.url, feed.confidence.value) == ("https://probed.example/index.xml", "medium")
    assert by_url(result)[feed.url].last_activity == utc(2026, 11, 20, 10)


def test_a_homepage_with_no_feed_at_all(fixture_internet):
    result = audit("https://nofeed.example/", OPTIONS)
    assert [c.url for c in result.channels] == ["https://nofeed.example/"]
    assert result.activities[0].status is Status.OK
    assert result.findings == ()


def test_a_host_that_is_down_is_an_error_not_a_crash(fixture_internet):
    result = audit("https://down.example/", OPTIONS)
    (activity,) = result.activities
    assert activity.status is Status.ERROR
    assert "cannot reach down.example" in activity.reason
    assert [(f.code, f.severity.value) for f in result.findings] == [("BROKEN003", "error")]


def test_hostile_feeds_each_fail_alone_with_a_reason(fixture_internet):
    result = audit("https://hostile.example/", OPTIONS)
    got = {url.removeprefix("https://hostile.example"): (a.status.value, a.reason) for url, a in by_url(result).items()}
    assert got["/laughs.xml"][0] == "error" and "unsafe XML" in got["/laughs.xml"][1]
    assert got["/xxe.xml"][0] == "error" and "unsafe XML" in got["/xxe.xml"][1]
    assert got["/broken.xml"][0] == "error" and "malformed XML" in got["/broken.xml"][1]
    assert got["/loop/feed"][0] == "error" and "redirect loop" in got["/loop/feed"][1]
    assert got["/gone.xml"] == ("gone", "https://hostile.example/gone.xml answered 410 Gone")
    assert got["/page.xml"][0] == "error" and "not a feed" in got["/page.xml"][1]
    assert got["/badutf8.xml"][0] == "ok"  # declared UTF-8 but is not: read as windows-1252, not failed
    assert got["/latin1.xml"][0] == "ok"
    closed = by_url(result)["https://closed.example/feed.xml"]
    assert closed.status is Status.BLOCKED and "robots.txt disallows" in closed.reason
    # Links to the metadata address and to file:// are never channels, so never fetched.
    assert not any("169.254" in c.url or c.url.startswith("file:") for c in result.channels)
    assert fixture_internet.log, "the proxy logged the audit's requests, so the checks below look at something"
    assert not any("169.254" in log.host or "169.254" in log.target for log in fixture_internet.log)
    assert not any(tunnel.host.startswith("169.254") for tunnel in fixture_internet.tunnels)
    findings = {(f.code, f.channel_url.removeprefix("https://hostile.example")) for f in result.findings}
    assert findings == {
        ("BROKEN001", "/gone.xml"),
        *(("BROKEN003", path) for path in ("/laughs.xml", "/xxe.xml", "/broken.xml", "/loop/feed", "/page.xml")),
        ("UNKNOWN001", "https://closed.example/feed.xml"),  # blocked by robots.txt: unknown, not broken
    }  # dates.xml's last real date, 2026-06-01, is 174 days old: not stale


def test_impossible_and_future_dates_do_not_count_as_activity(fixture_internet):
    result = audit("https://hostile.example/", OPTIONS)
    dates = by_url(result)["https://hostile.example/dates.xml"]
    assert dates.status is Status.OK
    assert dates.last_activity == utc(2026, 6, 1, 12)  # not 9999, not next month, not 1970
    assert len(dates.items) == 6


def test_latin1_feeds_are_decoded_by_their_declaration(fixture_internet):
    result = audit("https://hostile.example/", OPTIONS)
    latin = by_url(result)["https://hostile.example/latin1.xml"]
    assert latin.title == "Café crème"
    assert latin.last_activity == utc(2026, 11, 10, 7)


def test_a_body_over_the_cap_fails_only_that_channel(fixture_internet):
    small = AuditOptions(as_of=AS_OF, fetch=FetchSettings(max_bytes=1000, retries=0, min_gap=0.0))
    result = audit("https://atomonly.example/", small)  # a 403-byte homepage, a 1,014-byte feed
    activities = by_url(result)
    assert activities["https://atomonly.example/"].status is Status.OK
    feed = activities["https://atomonly.example/atom.xml"]
    assert feed.status is Status.ERROR and "cap" in feed.reason


def test_ignoring_robots_opens_closed_sites(fixture_internet):
    options = AuditOptions(as_of=AS_OF, fetch=FetchSettings(respect_robots=False, retries=0, min_gap=0.0))
    result = audit("https://hostile.example/", options)
    assert by_url(result)["https://closed.example/feed.xml"].status is Status.OK


def test_user_named_channels_join_the_audit(fixture_internet):
    from auditor import Brand

    brand = Brand(name="Acme", homepages=("https://acme.example/",),
                  channels=("https://oldcorner.example/rss.xml",))
    result = audit(brand, OPTIONS)
    given = next(c for c in result.channels if c.url == "https://oldcorner.example/rss.xml")
    assert (given.platform, given.confidence.value) == ("feed", "given")
    assert [f.channel_url for f in result.findings] == ["https://oldcorner.example/rss.xml"]


@pytest.mark.parametrize("as_of, stale", [(utc(2019, 8, 29, 10, 15), False), (utc(2019, 8, 30, 10, 15), True)])
def test_staleness_depends_only_on_the_injected_as_of(fixture_internet, as_of, stale):
    # 2019-03-02 10:15 + 180 days = 2019-08-29 10:15: exactly at the limit is not stale.
    result = audit("oldcorner.example", AuditOptions(as_of=as_of, fetch=TEST_FETCH))
    assert bool(result.findings) is stale
