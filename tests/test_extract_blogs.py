"""Blogs without feeds (the htmlblog plugin) and `auditor inspect`, end to end."""

from __future__ import annotations

import json

from conftest import AS_OF, TEST_FETCH, utc
from typer.testing import CliRunner

from auditor import AuditOptions, Status, audit
from auditor.collect.signals import response_signals
from cli import app

OPTIONS = AuditOptions(as_of=AS_OF, fetch=TEST_FETCH)
runner = CliRunner()


def test_a_feedless_2008_blog_is_dated_from_its_newest_post(fixture_internet):
    result = audit("https://seedblog.example/", OPTIONS)
    channel = next(c for c in result.channels if c.platform == "htmlblog")
    assert (channel.url, channel.title, channel.confidence.value) == ("https://seedblog.example/blog/",
                                                                      "Garden diary", "medium")
    blog = next(a for a in result.activities if a.channel_url == channel.url)
    assert blog.status is Status.OK
    assert blog.last_activity == utc(2008, 8, 25)
    assert blog.last_activity_source.url == "https://seedblog.example/blog/2008/08/25/first-seedlings.html"
    assert len(blog.items) == 3
    signals = response_signals(blog.interactions, AS_OF, window_days=20 * 365)
    assert (signals.total, signals.answered, signals.median_first_reply) == (5, 0, None)
    assert [f.code for f in result.findings if f.channel_url == channel.url] == ["STALE001"]


def test_a_blog_whose_pages_only_show_a_copyright_year_has_no_activity_date(fixture_internet):
    result = audit("https://nodate.example/", OPTIONS)
    blog = next(a for a in result.activities if a.channel_url == "https://nodate.example/news/")
    assert blog.status is Status.OK and blog.last_activity is None
    assert "copyright notice '© 2024'" in blog.reason
    # unknown, never stale: the rule says activity cannot be seen
    assert [f.code for f in result.findings if f.channel_url == blog.channel_url] == ["UNKNOWN001"]


def test_a_homepage_with_a_feed_gets_no_html_blog_channel(fixture_internet):
    result = audit("https://acme.example/", OPTIONS)
    assert "htmlblog" not in [c.platform for c in result.channels]


def test_inspect_prints_candidates_choice_and_comments(fixture_internet):
    out = runner.invoke(app, ["inspect", "https://pages.example/kommentare.html", "--as-of", "2026-11-22"])
    assert out.exit_code == 0, out.output
    assert "published: 2009-03-03T08:30:00+00:00" in out.output
    assert "copyright notice" in out.output and "footer" in out.output
    assert "comments (3, 1 by the owner):" in out.output
    assert "yes (name matches the post's author)  answers comment-11" in out.output


def test_inspect_json_for_a_copyright_only_page(fixture_internet):
    out = runner.invoke(app, ["inspect", "https://pages.example/copyright.html", "--as-of", "2026-11-22",
                              "--format", "json"])
    assert out.exit_code == 0, out.output
    document = json.loads(out.output)
    assert document["kind"] == "html" and document["page"]["published"] is None
    assert document["page"]["note"].startswith("no publication date: the only date on the page is the copyright")
    assert [c["source"] for c in document["page"]["candidates"]] == ["copyright notice"]


def test_inspect_reads_a_feed(fixture_internet):
    out = runner.invoke(app, ["inspect", "https://acme.example/feed/", "--as-of", "2026-11-22", "-f", "json"])
    document = json.loads(out.output)
    assert document["kind"] == "feed" and document["last_activity"] == "2026-11-15T09:30:00+00:00"


def test_inspect_user_errors_are_one_line_and_exit_2():
    for args in (["inspect", "ftp://example.com/"], ["inspect", "https://x.example/", "--as-of", "someday"]):
        out = runner.invoke(app, args)
        assert out.exit_code == 2
        assert out.output.count("\n") == 1 and out.output.startswith("auditor: error:")


def test_inspect_a_missing_page_exits_3(fixture_internet):
    out = runner.invoke(app, ["inspect", "https://pages.example/nope.html", "--timeout", "5"])
    assert out.exit_code == 3 and "404" in out.output
