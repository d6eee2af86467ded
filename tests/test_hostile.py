"""Hostile sites through the fixture internet: each misbehaviour fails only its own channel, with a reason,
quickly and in bounded memory, and never steers the auditor anywhere it must not go."""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc
import zlib
from datetime import datetime, timezone

import httpx
import pytest
from conftest import AS_OF, FIXTURE_WEB, utc

from auditor import AuditOptions, Status, audit
from auditor.parse.feeds import parse_date, parse_feed
from auditor.fetch.client import Fetcher, FetchSettings, refusal
from auditor.fixtures.fixtureweb import resolve

MB = 1024 * 1024
# Short timeouts for the tests about time; roomy ones elsewhere, so that a busy machine never turns a
# healthy feed next to a hostile one into a timeout (what those tests bound is counted, not timed).
FAST = FetchSettings(total_timeout=1.0, read_timeout=0.5, connect_timeout=0.5, retries=0, backoff=0.01, min_gap=0.0)
ROOMY = FetchSettings(total_timeout=30.0, read_timeout=15.0, connect_timeout=15.0, retries=0, backoff=0.01,
                      min_gap=0.0)
OPTIONS = AuditOptions(as_of=AS_OF, fetch=ROOMY)
TIMED = AuditOptions(as_of=AS_OF, fetch=FAST)
HEALTHY_DATE = datetime(2026, 11, 12, 10, tzinfo=timezone.utc)  # every hostile host's /feed.xml


def run(target: str, options: AuditOptions = OPTIONS, *, measure_memory: bool = False):
    """The audit and (when asked) the peak of traced memory in this process (proxy included)."""
    if measure_memory:
        tracemalloc.start()
    try:
        result = audit(target, options)
        peak = tracemalloc.get_traced_memory()[1] if measure_memory else 0
    finally:
        if measure_memory:
            tracemalloc.stop()
    return result, peak


def asked(web, since: int, host: str, path: str) -> int:
    """How many times the proxy was asked for ``path`` on ``host`` since log entry ``since``: the work a
    hostile answer cost, counted (a retry storm or a re-fetch shows here; the wall clock is left to benchmarks)."""
    return sum(1 for entry in web.log[since:] if entry.host == host and entry.target == path)


def by_url(result):
    return {a.channel_url: a for a in result.activities}


def findings(result):
    return {(f.code, f.channel_url) for f in result.findings}


def assert_healthy_feed_unaffected(result, host: str) -> None:
    activities = by_url(result)
    assert activities[f"https://{host}/"].status is Status.OK
    feed = activities[f"https://{host}/feed.xml"]
    assert (feed.status, feed.last_activity, len(feed.items)) == (Status.OK, HEALTHY_DATE, 2)


# -- XML bombs (hostile.example) -----------------------------------------------------------------
def test_billion_laughs_and_external_entities_are_refused_while_the_other_feeds_still_read(fixture_internet):
    since = len(fixture_internet.log)
    result, peak = run("https://hostile.example/", measure_memory=True)
    activities = by_url(result)
    for path in ("/laughs.xml", "/xxe.xml"):
        activity = activities[f"https://hostile.example{path}"]
        assert activity.status is Status.ERROR and "refused unsafe XML" in activity.reason
        assert ("BROKEN003", f"https://hostile.example{path}") in findings(result)
    assert activities["https://hostile.example/latin1.xml"].last_activity == utc(2026, 11, 10, 7)
    assert activities["https://hostile.example/dates.xml"].last_activity == utc(2026, 6, 1, 12)
    assert not any("root:" in (a.title or "") for a in result.activities)  # /etc/passwd never read in
    assert peak < 32 * MB
    assert all(asked(fixture_internet, since, "hostile.example", p) == 1 for p in ("/laughs.xml", "/xxe.xml"))


# -- a gigabyte (bigbody.example) ---------------------------------------------------------------
def test_a_gigabyte_body_declared_up_front_is_refused_without_being_read(fixture_internet):
    since = len(fixture_internet.log)
    result, _ = run("https://bigbody.example/")
    archive = by_url(result)["https://bigbody.example/archive.xml"]
    assert archive.status is Status.ERROR
    assert archive.reason == ("https://bigbody.example/archive.xml declares 1,000,000,000 bytes; "
                              "the cap is 5,242,880")
    assert_healthy_feed_unaffected(result, "bigbody.example")
    assert asked(fixture_internet, since, "bigbody.example", "/archive.xml") == 1  # refused once, not retried


def test_a_gigabyte_body_streamed_without_a_length_is_cut_at_the_cap_in_bounded_memory(fixture_internet):
    result, peak = run("https://bigbody.example/", measure_memory=True)
    everything = by_url(result)["https://bigbody.example/everything.xml"]
    assert everything.status is Status.ERROR
    assert everything.reason == ("https://bigbody.example/everything.xml sent more than 5,242,880 bytes "
                                 "(the cap); stopped reading")
    assert ("BROKEN003", "https://bigbody.example/everything.xml") in findings(result)
    assert_healthy_feed_unaffected(result, "bigbody.example")
    assert peak < 64 * MB  # the client holds at most the cap; the proxy generates as it goes
    served = [e for e in fixture_internet.log if e.host == "bigbody.example" and e.target == "/everything.xml"]
    assert served and not any(e.completed for e in served)  # the proxy stopped when the client did


# -- a gzip bomb (bomb.example) ---------------------------------------------------------------------
def test_a_gzip_bomb_is_inflated_only_up_to_the_cap(fixture_internet):
    since = len(fixture_internet.log)
    result, peak = run("https://bomb.example/", measure_memory=True)
    activities = by_url(result)
    bomb = activities["https://bomb.example/recipes.xml"]
    assert bomb.status is Status.ERROR and "(the cap); stopped reading" in bomb.reason
    honest = activities["https://bomb.example/menu.xml"]  # gzip itself works: a stored gzipped feed reads
    assert (honest.status, honest.last_activity) == (Status.OK, utc(2026, 11, 18, 7, 45))
    assert_healthy_feed_unaffected(result, "bomb.example")
    assert peak < 40 * MB  # 400 MB inflated on the other side; each 64 KiB read alone would be 64 MB
    assert asked(fixture_internet, since, "bomb.example", "/recipes.xml") == 1


def bomb_bytes(inflated: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * MB
    parts = [compressor.compress(block) for _ in range(inflated // MB)]
    return b"".join(parts) + compressor.flush()


def fetch_one(transport: httpx.MockTransport, url: str, settings: FetchSettings) -> object:
    async def go():
        async with httpx.AsyncClient(transport=transport) as client:
            return await Fetcher(client, settings).get(url)

    return asyncio.run(go())


def test_the_fetcher_inflates_a_bomb_no_further_than_the_cap_even_within_one_read():
    bomb = bomb_bytes(64 * MB)  # about 64 KiB: one network read
    transport = httpx.MockTransport(lambda request: httpx.Response(
        200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(bomb)))
    settings = FetchSettings(max_bytes=1 * MB, retries=0, respect_robots=False, min_gap=0.0)
    tracemalloc.start()
    try:
        fetched = fetch_one(transport, "https://bomb.example/x", settings)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert fetched.error_kind == "too_large" and "more than 1,048,576 bytes" in fetched.error
    assert peak < 8 * MB


@pytest.mark.parametrize("encoding, wbits", [("gzip", 31), ("deflate", 15), ("deflate", -15)])
def test_gzip_and_both_kinds_of_deflate_bodies_are_decoded(encoding, wbits):
    text = b"<rss version='2.0'><channel><title>ok</title></channel></rss>" * 20
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    body = compressor.compress(text) + compressor.flush()
    transport = httpx.MockTransport(lambda request: httpx.Response(
        200, headers={"Content-Encoding": encoding}, stream=httpx.ByteStream(body)))
    fetched = fetch_one(transport, "https://z.example/feed", FetchSettings(respect_robots=False, min_gap=0.0))
    assert fetched.ok and fetched.body == text


def test_a_body_that_claims_gzip_but_is_not_fails_with_a_reason():
    transport = httpx.MockTransport(lambda request: httpx.Response(
        200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(b"this was never compressed")))
    fetched = fetch_one(transport, "https://z.example/feed", FetchSettings(respect_robots=False, min_gap=0.0,
                                                                           retries=0))
    assert fetched.error_kind == "protocol" and "does not decompress" in fetched.error


# -- redirects ---------------------------------------------------------------------------------------
def test_endless_redirects_fail_with_a_reason_whether_they_loop_or_go_on(fixture_internet):
    looped, _ = run("https://hostile.example/")
    loop = by_url(looped)["https://hostile.example/loop/feed"]
    assert loop.status is Status.ERROR and loop.reason.startswith("redirect loop: https://hostile.example/loop/feed")
    since = len(fixture_internet.log)
    result, _ = run("https://redirects.example/")
    chain = by_url(result)["https://redirects.example/chain/1"]
    assert (chain.status, chain.reason) == (Status.ERROR, "more than 10 redirects from https://redirects.example/chain/1")
    assert_healthy_feed_unaffected(result, "redirects.example")
    hops = [e for e in fixture_internet.log[since:] if e.host == "redirects.example" and e.target.startswith("/chain/")]
    assert len(hops) == 11  # the first request and ten redirects, then it stops


def test_redirects_into_private_addresses_are_refused_and_never_requested(fixture_internet):
    result, _ = run("https://redirects.example/")
    activities = by_url(result)
    expected = {
        "/to-metadata.xml": "169.254.169.254 is a private, loopback or reserved address",
        "/to-loopback.xml": "127.0.0.1 is a private, loopback or reserved address",
        "/to-decimal.xml": "2130706433 (127.0.0.1) is a private, loopback or reserved address",
    }
    for path, reason in expected.items():
        activity = activities[f"https://redirects.example{path}"]
        assert activity.status is Status.BLOCKED and activity.reason.startswith(reason)
        assert ("UNKNOWN001", f"https://redirects.example{path}") in findings(result)
    assert_healthy_feed_unaffected(result, "redirects.example")
    reached = {e.host for e in fixture_internet.log} | {t.host for t in fixture_internet.tunnels}
    assert not reached & {"169.254.169.254", "127.0.0.1", "2130706433"}


# -- time: trickle, silence, rate limits -------------------------------------------------------------
def test_a_server_sending_one_byte_at_a_time_is_cut_off_by_the_total_timeout(fixture_internet):
    since = len(fixture_internet.log)
    result, _ = run("https://slow.example/", TIMED)
    trickle = by_url(result)["https://slow.example/trickle.xml"]
    assert (trickle.status, trickle.reason) == (
        Status.ERROR, "no complete answer from https://slow.example/trickle.xml within 1 s")
    assert_healthy_feed_unaffected(result, "slow.example")  # same host: it did not queue behind the trickle
    assert asked(fixture_internet, since, "slow.example", "/trickle.xml") == 1  # ended by the total timeout, once


def test_servers_that_never_answer_time_out_alone(fixture_internet):
    since = len(fixture_internet.log)
    result, _ = run("https://hang.example/", TIMED)
    activities = by_url(result)
    silent_path = activities["https://hang.example/silent.xml"]  # request read, never answered
    assert (silent_path.status, silent_path.reason) == (
        Status.ERROR, "timed out talking to https://hang.example/silent.xml (ReadTimeout)")
    silent_host = activities["https://silent.example/feed.xml"]  # tunnel accepted, TLS never started
    assert (silent_host.status, silent_host.reason) == (
        Status.ERROR, "timed out talking to https://silent.example/feed.xml (ConnectTimeout)")
    assert {("BROKEN003", "https://hang.example/silent.xml"), ("BROKEN003", "https://silent.example/feed.xml")} \
        <= findings(result)
    assert_healthy_feed_unaffected(result, "hang.example")
    assert asked(fixture_internet, since, "hang.example", "/silent.xml") <= FAST.retries + 1


def test_a_429_storm_with_a_day_long_retry_after_is_reported_not_waited_for(fixture_internet):
    before = len(fixture_internet.log)
    result, _ = run("https://storm.example/", AuditOptions(as_of=AS_OF, fetch=FetchSettings(
        total_timeout=1.0, read_timeout=0.5, connect_timeout=0.5, retries=1, backoff=0.01, min_gap=0.0)))
    limited = by_url(result)["https://storm.example/limited.xml"]
    assert limited.status is Status.ERROR and "HTTP 429" in limited.reason and "rate-limiting" in limited.reason
    assert ("BROKEN003", "https://storm.example/limited.xml") in findings(result)
    assert_healthy_feed_unaffected(result, "storm.example")  # even though robots.txt said 429 too
    asked = [e.target for e in fixture_internet.log[before:] if e.host == "storm.example"]
    assert asked.count("/limited.xml") == 1 and asked.count("/robots.txt") == 1  # no retry after "tomorrow"


# -- TLS ------------------------------------------------------------------------------------------
def test_certificates_for_another_host_or_from_an_unknown_issuer_are_refused(fixture_internet):
    result, _ = run("https://certs.example/")
    activities = by_url(result)
    wrong = activities["https://wronghost.example/feed.xml"]
    assert wrong.status is Status.ERROR and wrong.reason.startswith("TLS failure for wronghost.example")
    assert "certificate" in wrong.reason and "Hostname mismatch" in wrong.reason
    unknown = activities["https://selfsigned.example/feed.xml"]
    assert unknown.status is Status.ERROR and unknown.reason.startswith("TLS failure for selfsigned.example")
    assert "certificate verify failed" in unknown.reason
    assert {("BROKEN003", "https://wronghost.example/feed.xml"), ("BROKEN003", "https://selfsigned.example/feed.xml")} \
        <= findings(result)
    assert not any(e.host in ("wronghost.example", "selfsigned.example") for e in fixture_internet.log)
    assert_healthy_feed_unaffected(result, "certs.example")


# -- bytes and charsets (charset.example) ------------------------------------------------------------
def test_a_page_labelled_utf8_but_sent_as_latin1_still_declares_its_feeds(fixture_internet):
    result, _ = run("https://charset.example/")
    feed_channel = next(c for c in result.channels if c.url == "https://charset.example/feed.xml")
    assert feed_channel.title == "Nouvelles du caf\ufffd"  # the header wins; bad bytes become U+FFFD
    assert by_url(result)["https://charset.example/"].status is Status.OK
    feed = by_url(result)["https://charset.example/feed.xml"]
    # The feed's header says utf-8 too, but its XML declaration says ISO-8859-1: the XML wins.
    assert (feed.status, feed.title, feed.last_activity) == (Status.OK, "Café crème", utc(2026, 11, 17, 7))


def test_a_windows_1252_meta_declaration_is_honoured_when_the_header_names_no_charset(fixture_internet):
    result, _ = run("https://charset.example/cp1252/")
    feed_channel = next(c for c in result.channels if c.url == "https://charset.example/feed.xml")
    assert feed_channel.title == "Nouvelles du café – édition d’hiver"  # 0x96 and 0x92 are cp1252, not latin-1
    assert by_url(result)["https://charset.example/feed.xml"].last_activity == utc(2026, 11, 17, 7)


# -- structure: deep HTML, JSON that is not -----------------------------------------------------------
def test_a_homepage_nested_over_100000_deep_parses_quickly_and_still_declares_its_feed(fixture_internet):
    page = resolve(FIXTURE_WEB, "deep.example", "/")
    body = b"".join(page.body_chunks())
    assert body.count(b"<div>") + body.count(b"<span>") > 120_000 and b"</div>" not in body  # each inside the last
    result, _ = run("https://deep.example/")
    assert [c.url for c in result.channels] == ["https://deep.example/", "https://deep.example/feed.xml"]
    assert_healthy_feed_unaffected(result, "deep.example")  # its nesting was capped: tests/test_htmldepth.py


def test_json_endpoints_that_answer_html_errors_junk_or_wrong_types_fail_alone(fixture_internet):
    result, _ = run("https://notjson.example/")
    activities = by_url(result)
    assert (activities["https://notjson.example/feed.json"].status,
            activities["https://notjson.example/feed.json"].reason) == (
        Status.ERROR, "https://notjson.example/feed.json: not a feed: got an HTML page")
    assert activities["https://notjson.example/api/feed.json"].reason.endswith(
        "not a feed: JSON without a jsonfeed.org version")
    deep = activities["https://notjson.example/deep.json"]
    assert deep.status is Status.ERROR and "malformed JSON" in deep.reason
    typed = activities["https://notjson.example/typed.json"]
    assert (typed.status, typed.reason, typed.last_activity) == (Status.OK, "2 items, none with a readable date", None)
    assert typed.title == "JSON Feed (wrong types)"  # the feed's title was an object: the declared title stands
    assert [item.url for item in typed.items] == ["", "2"]  # a list where a URL belongs is no URL
    assert_healthy_feed_unaffected(result, "notjson.example")


# -- dates --------------------------------------------------------------------------------------------
def test_dates_past_the_calendar_or_in_the_future_never_count_and_never_break_the_feed(fixture_internet):
    result, _ = run("https://dates.example/")
    feed = by_url(result)["https://dates.example/feed.xml"]
    assert feed.status is Status.OK and len(feed.items) == 7
    assert feed.last_activity == utc(2026, 10, 5, 16, 20)  # not 9999, not 2027, not 1970
    assert feed.last_activity_source.url == "https://dates.example/real/"
    hostile, _ = run("https://hostile.example/")
    assert by_url(hostile)["https://hostile.example/dates.xml"].last_activity == utc(2026, 6, 1, 12)


@pytest.mark.parametrize("value", ["Fri, 31 Dec 9999 23:59:59 -0100", "9999-12-31T23:59:59-01:00",
                                   "0001-01-01T00:00:00+01:00", "+275760-09-13T00:00:00.000Z"])
def test_dates_beyond_the_representable_range_are_unreadable_not_errors(value):
    assert parse_date(value) is None


def test_a_json_feed_with_objects_where_strings_belong_keeps_no_reprs():
    feed = parse_feed(b'{"version": "https://jsonfeed.org/version/1.1", "title": {"en": "T"}, '
                      b'"home_page_url": 5, "items": [{"id": "7", "url": ["https://x.example/a"], "title": 3}]}')
    assert (feed.title, feed.home_url) == ("", "")
    assert (feed.items[0].url, feed.items[0].title) == ("7", "")


# -- links to places a crawler must never go (private-links.example) -----------------------------
PRIVATE_HOSTS = {"127.0.0.1", "169.254.169.254", "2130706433", "0x7f.1", "017700000001", "::1",
                 "::ffff:169.254.169.254", "localhost", "10.0.0.5", "0", "etc", ""}


def test_links_to_private_addresses_files_and_scripts_are_never_channels_and_never_fetched(fixture_internet):
    result, _ = run("https://private-links.example/")
    assert [c.url for c in result.channels] == ["https://private-links.example/",
                                                "https://private-links.example/feed.xml"]
    assert_healthy_feed_unaffected(result, "private-links.example")
    assert result.findings == ()
    reached = {e.host for e in fixture_internet.log} | {t.host for t in fixture_internet.tunnels}
    assert not reached & PRIVATE_HOSTS


@pytest.mark.parametrize("url", [
    "http://2130706433/", "http://0x7f000001/", "http://0x7f.1/", "http://127.1/", "http://017700000001/",
    "http://0177.0.0.1/", "http://0/", "http://169.254.169.254./", "http://[::ffff:169.254.169.254]/",
    "http://[::1]:8080/", "http://10.1/", "https://LOCALHOST/",
])
def test_every_spelling_of_a_private_address_is_refused(url):
    assert "private" in refusal(url) or "this machine" in refusal(url)


@pytest.mark.parametrize("url", ["https://1e100.example/", "https://0x.example/", "https://8.8.8.8/",
                                 "https://134744072/", "https://a.b.c.d.example/"])
def test_public_names_and_public_addresses_are_not_refused(url):
    assert refusal(url) == ""


def test_the_private_links_fixture_really_links_to_each_private_host():
    page = resolve(FIXTURE_WEB, "private-links.example", "/").body.decode()
    for needle in ("127.0.0.1:2375", "169.254.169.254", "2130706433", "0x7f.1", "017700000001", "[::1]",
                   "localhost:8080", "10.0.0.5", "file:///etc/passwd", "javascript:", "data:"):
        assert page.count(needle) >= 2, needle  # as a declared feed and as a plain link


def test_gzip_fixture_files_stay_binary_exact():
    menu = resolve(FIXTURE_WEB, "bomb.example", "/menu.xml")
    assert gzip.decompress(menu.body).startswith(b'<?xml version="1.0"')


def test_page_text_follows_the_header_then_the_meta_declaration_then_utf8():
    from auditor.fetch.client import Fetched

    def text(content_type: str, body: bytes) -> str:
        headers = httpx.Headers({"Content-Type": content_type} if content_type else {})
        return Fetched("https://t.example/", "https://t.example/", 200, headers, body).text()

    cp1252 = '<meta charset="windows-1252"><p>caf\xe9 \x96 \x93quoted\x94</p>'.encode("latin-1")
    assert text("text/html", cp1252).endswith("café – “quoted”</p>")
    assert text("", cp1252).endswith("café – “quoted”</p>")
    assert "caf\ufffd" in text("text/html; charset=utf-8", cp1252)  # the header wins
    latin = b"<meta charset=ISO-8859-1><p>\x93x\x94</p>"  # the web reads latin-1 labels as windows-1252
    assert text("text/html", latin).endswith("“x”</p>")
    assert text("text/html", b"<meta charset=utf-16><p>\xc3\xa9</p>").endswith("é</p>")
    assert text("text/html", b"<meta charset=no-such-charset><p>\xc3\xa9</p>").endswith("é</p>")
    assert text("application/json", b'<meta charset="windows-1252">\xc3\xa9').endswith("é")  # HTML only
