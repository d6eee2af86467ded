"""Discovery: the bigbrand fixture set yields exactly the brand's channels, with evidence and confidence."""

from __future__ import annotations

import json

import pytest
from auditor.plugins import (
    facebook,
    feed,
    ghost,
    instagram,
    linkedin,
    medium,
    substack,
    threads,
    tiktok,
    tumblr,
    web,
    x,
)
from conftest import AS_OF, TEST_FETCH
from typer.testing import CliRunner

from auditor import Brand
from auditor.discover import Discovery, discover
from auditor.options import AuditOptions
from auditor.plugin import load_registry
from cli import app

MINE = [web, feed, x, facebook, instagram, linkedin, tiktok, threads, substack, medium, tumblr, ghost]
OPTIONS = AuditOptions(as_of=AS_OF, fetch=TEST_FETCH, credentials={})


def run(brand: Brand, options: AuditOptions = OPTIONS) -> Discovery:
    # Only this branch's plugins, so the exact channel set does not depend on what else is installed.
    return discover(brand, options=options, registry=load_registry(plugins=MINE))


def bigbrand(**extra) -> Brand:
    return Brand(name="BigBrand", homepages=("https://bigbrand.example/",), **extra)


def test_the_brand_set_gives_exactly_the_brands_channels_with_their_confidence(fixture_internet):
    found = run(bigbrand())
    got = {(c.platform, c.url, c.handle, c.confidence.value) for c in found.channels}
    assert got == {
        ("web", "https://bigbrand.example/", "", "given"),
        ("feed", "https://bigbrand.example/feed/", "", "high"),  # declared; the comments feed is not a channel
        ("x", "https://x.com/bigbrand", "bigbrand", "high"),  # twitter:site, JSON-LD, footer variants: one channel
        ("facebook", "https://www.facebook.com/bigbrand", "bigbrand", "high"),  # article:publisher + m. footer link
        ("instagram", "https://www.instagram.com/bigbrand/", "bigbrand", "high"),  # JSON-LD + ?utm_ footer link
        ("linkedin", "https://www.linkedin.com/company/bigbrand/", "bigbrand", "high"),  # JSON-LD only
        ("threads", "https://www.threads.com/@bigbrand", "bigbrand", "high"),  # <link rel=me> to threads.net
        ("web", "https://blog.bigbrand.example/", "", "medium"),  # the nav's link to the blog subdomain
        ("feed", "https://blog.bigbrand.example/rss/", "", "medium"),  # Ghost's path, probed on the subdomain
        ("tumblr", "https://bigbrand.tumblr.com/", "bigbrand", "medium"),  # the blog subdomain's footer
        ("tiktok", "https://www.tiktok.com/@bigbrand", "bigbrand", "medium"),  # only on /about/
        ("medium", "https://medium.com/@bigbrand", "bigbrand", "medium"),  # only on /about/
        ("substack", "https://bigbrand.substack.com/", "bigbrand", "medium"),  # only on /contact/
        ("x", "https://x.com/someoneelse", "someoneelse", "low"),  # a third party thanked inside one post
    }
    assert found.channels[0].url == "https://bigbrand.example/"


def test_share_buttons_theme_demos_embeds_and_private_links_are_not_channels(fixture_internet):
    urls = " ".join(c.url for c in run(bigbrand()).channels)
    for absent in ("intent", "sharer", "share-offsite", "wordpress", "groups", "events", "connect.facebook",
                   "/tr", "/p/", "embeddedrider", "127.0.0.1", "169.254", "file:", "javascript", "mailto"):
        assert absent not in urls.lower()
    requested = {(log.host, log.target) for log in fixture_internet.log}
    assert not any(host in ("127.0.0.1", "169.254.169.254") for host, _ in requested)


def test_every_channel_says_where_it_was_found(fixture_internet):
    channels = {c.url: c for c in run(bigbrand()).channels}
    x_evidence = [(e.url, e.field, e.value) for e in channels["https://x.com/bigbrand"].found_by]
    assert ("https://bigbrand.example/", "meta twitter:site", "@BigBrand") in x_evidence
    assert ("https://bigbrand.example/", "JSON-LD sameAs", "https://twitter.com/bigbrand") in x_evidence
    assert ("https://bigbrand.example/", "footer a[href]", "https://twitter.com/BigBrand?ref_src=twsrc%5Etfw") \
        in x_evidence
    assert ("https://bigbrand.example/about/", "footer a[href]", "https://twitter.com/bigbrand/") in x_evidence
    threads_ = channels["https://www.threads.com/@bigbrand"].found_by
    assert [(e.field, e.value) for e in threads_] == [("link[rel=me]", "https://www.threads.net/@bigbrand")]
    tiktok_ = channels["https://www.tiktok.com/@bigbrand"].found_by
    assert [(e.url, e.field) for e in tiktok_] == [("https://bigbrand.example/about/", "body a[href]")]
    third = channels["https://x.com/someoneelse"].found_by
    assert [(e.url, e.field) for e in third] == [("https://bigbrand.example/", "article a[href]")]
    assert "Ghost" in channels["https://blog.bigbrand.example/rss/"].found_by[0].field


def test_bigbrand_discovery_reads_a_bounded_set_of_pages(fixture_internet):
    before = len(fixture_internet.log)
    run(bigbrand())
    pages = [(log.host, log.target) for log in fixture_internet.log[before:]
             if log.host.endswith("bigbrand.example") and not log.target.startswith(("/robots.txt", "/feed", "/rss",
                                                                                   "/atom", "/index.xml"))]
    assert sorted(pages) == [("bigbrand.example", "/"), ("bigbrand.example", "/about/"),
                             ("bigbrand.example", "/contact/"), ("blog.bigbrand.example", "/")]


def test_given_channels_and_probed_handles_join_with_their_own_confidence(fixture_internet):
    brand = bigbrand(channels=("https://x.com/someoneelse/",), handles=("bigbrand",))
    found = run(brand, AuditOptions(as_of=AS_OF, fetch=TEST_FETCH, credentials={}, probe_handles=True))
    channels = {c.url: c for c in found.channels}
    assert channels["https://x.com/someoneelse"].confidence.value == "given"  # given beats the article link
    assert channels["https://bigbrand.ghost.io/"].confidence.value == "low"  # only a probed handle says so
    outcomes = {p.platform: p.outcome for p in found.probes}
    assert outcomes["linkedin"] == "unknown" and outcomes["x"] == "blocked" and outcomes["facebook"] == "found"


def test_a_sitemap_index_leads_to_the_about_page_the_homepage_does_not_link(fixture_internet):
    found = run(Brand(name="S", homepages=("https://sitemapped.example/",)))
    assert [(c.platform, c.url, c.confidence.value) for c in found.channels] == [
        ("web", "https://sitemapped.example/", "given"),
        ("instagram", "https://www.instagram.com/sitemapped.pottery/", "medium"),
    ]
    assert found.channels[1].found_by[0].url == "https://sitemapped.example/about-us/"


def test_a_gzip_bomb_sitemap_and_an_off_site_redirect_are_reported_not_fatal(fixture_internet):
    found = run(Brand(name="B", homepages=("https://bombed.example/",)))
    assert [c.url for c in found.channels] == ["https://bombed.example/"]
    assert any("gzip bomb" in note for note in found.notes)
    assert any("redirected off the brand's site to https://elsewhere.example/about/" in n for n in found.notes)


def test_audit_uses_the_same_discovery(fixture_internet):
    from auditor import AuditOptions, audit

    result = audit(bigbrand(), AuditOptions(as_of=AS_OF, fetch=TEST_FETCH, credentials={}))
    assert {"https://x.com/bigbrand", "https://bigbrand.substack.com/"} <= {c.url for c in result.channels}


runner = CliRunner()


def test_the_discover_command_prints_a_table(fixture_internet):
    result = runner.invoke(app, ["discover", "bigbrand.example", "--timeout", "5"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "x          high       bigbrand           https://x.com/bigbrand" in result.output
    assert "found by meta twitter:site = @BigBrand on https://bigbrand.example/" in result.output


def test_the_discover_command_prints_json_with_probes(fixture_internet):
    result = runner.invoke(app, ["discover", "https://bigbrand.example/", "--format", "json", "--handle", "bigbrand",
                                 "--probe-handles", "--timeout", "5"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    linked_in = next(c for c in document["channels"] if c["platform"] == "linkedin")
    assert linked_in["confidence"] == "high" and linked_in["found_by"][0]["field"] == "JSON-LD sameAs"
    assert {p["outcome"] for p in document["probes"] if p["platform"] == "tiktok"} == {"found"}


@pytest.mark.parametrize("arguments", [["discover", "not a url"], ["discover", "ftp://x.example"]])
def test_the_discover_command_rejects_bad_input_with_exit_2(arguments):
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2 and "auditor: error:" in result.output
