"""CPU and time bounds on what a hostile site can send: each bound is checked by what can be counted
(attributes kept, elements parsed, links looked at, attempts made), never by the wall clock."""

from __future__ import annotations

import asyncio

import httpx

from auditor.fetch.client import Fetched, Fetcher, FetchSettings
from auditor.parse import htmldepth
from auditor.parse.htmldepth import MAX_ATTRIBUTES, MAX_ELEMENTS, flatten_deep_nesting, parse_html
from auditor.plugin import Page
from plugins import discourse
from plugins.wordpress import api_link


# -- HTML ------------------------------------------------------------------------------------------
def test_an_element_keeps_its_first_attributes_and_the_page_around_it_is_untouched():
    attributes = " ".join(f"a{i}=x" for i in range(600_000))
    html = (f'<head><link rel="alternate" href="/feed.xml"></head><body><div id="first" {attributes} class="z">'
            "text</div><a href='https://x.com/brand'>X</a></body>")
    tree = parse_html(html)
    div = tree.css_first("div")
    assert len(div.attributes) == MAX_ATTRIBUTES and div.attributes["id"] == "first" and "class" not in div.attributes
    assert div.text() == "text"
    assert tree.css_first("a").attributes == {"href": "https://x.com/brand"}
    assert tree.css_first("link").attributes == {"rel": "alternate", "href": "/feed.xml"}


def test_elements_with_few_attributes_and_small_pages_are_left_alone():
    usual = '<img src="a.png" alt="A" width="1" height="1" loading="lazy" decoding="async" class="x"/>' * 3
    assert flatten_deep_nesting(usual) is usual
    exactly = "<div " + " ".join(f"a{i}" for i in range(MAX_ATTRIBUTES)) + " />" + "<p>x</p>" * 600
    assert flatten_deep_nesting(exactly) == exactly


def test_attribute_trimming_never_keeps_a_start_tag_nested_too_deep():
    attributes = " ".join(f"a{i}" for i in range(MAX_ATTRIBUTES + 10))
    html = f"<div {attributes}>" * 1000 + "deep"
    flattened = flatten_deep_nesting(html)
    assert flattened.count("<div") == 512 and flattened.endswith("deep")
    assert len(parse_html(html).css_first("div").attributes) == MAX_ATTRIBUTES


def test_a_tag_hidden_in_a_comment_or_script_is_capped_only_when_a_parser_would_see_it():
    attributes = " ".join(f"a{i}" for i in range(MAX_ATTRIBUTES + 10))
    in_script = f"<script>for (i = 0; i<n {attributes}; i++) {{}}</script><p>x</p>" * 3
    assert flatten_deep_nesting(in_script) is in_script  # script text, left as it is
    after_comment = f"<!-- <script> --><div {attributes}>text</div>"
    assert len(parse_html(after_comment).css_first("div").attributes) == MAX_ATTRIBUTES  # the comment hides no div


def test_a_script_with_tag_like_text_is_one_token_and_the_page_is_scanned_once(token_scans, monkeypatch):
    """A script's text is skipped whole, whatever it holds; a page within the caps is read by one scan
    (of the Python model's: where the C scanner is built, it reads the same tokens, tests/test_htmlscan.py)."""
    monkeypatch.setattr(htmldepth, "_htmlscan", None)
    script = "<script>if (a<b) { " + " ".join(f"x{i} = '<div>';" for i in range(400)) + " }</script>"
    parse_html("<html><body>" + "<div><p>text</p></div>" * 300 + script + "</body></html>")
    assert token_scans == {"findall": 1, "finditer": 0, "tokens": 2 + 300 * 4 + 1 + 3}


def test_a_page_is_read_up_to_its_element_cap(monkeypatch):
    assert MAX_ELEMENTS >= 100_000  # far above real pages; a smaller cap keeps this test quick
    monkeypatch.setattr(htmldepth, "MAX_ELEMENTS", 2_000)
    html = "<p>x</p>" * 2_500 + "<a href='https://x.com/late'>late</a>"
    tree = parse_html(html)
    assert len(tree.css("p")) == 2_000 and tree.css_first("a") is None


# -- links -------------------------------------------------------------------------------------------
def test_the_forum_link_scan_looks_at_a_bounded_number_of_links(monkeypatch):
    assert discourse.LINKS_SCANNED <= 10_000
    monkeypatch.setattr(discourse, "LINKS_SCANNED", 500)
    decoys = "".join(f'<a href="https://brand.example/p/{i}">{i}</a>' for i in range(1_000))
    forum = '<a href="https://forum.brand.example/">Forum</a>'
    parsed = Page.parse(Fetched("https://brand.example/", "https://brand.example/", 200,
                                httpx.Headers({"content-type": "text/html"}), (decoys + forum).encode()))
    platform = discourse.DiscoursePlatform()
    assert platform._forum_links(parsed, 3) == []  # the forum link is past the links looked at
    early = Page.parse(Fetched("https://brand.example/", "https://brand.example/", 200,
                               httpx.Headers({"content-type": "text/html"}), (forum + decoys).encode()))
    assert platform._forum_links(early, 3) == ["https://forum.brand.example/"]


def test_the_wordpress_api_link_is_read_from_a_link_header_by_a_parser():
    headers = httpx.Headers({"link": '<https://a.example/?p=1>; rel=shortlink, '
                                     '<https://a.example/wp-json/>; rel="https://api.w.org/"'})
    assert api_link(headers) == "https://a.example/wp-json/"
    hostile = httpx.Headers({"link": "<" * 99_000 + ' ; rel="https://api.w.org/"'})  # took a regex 22 s
    assert api_link(hostile) == ""
    assert api_link(httpx.Headers()) == ""


# -- time --------------------------------------------------------------------------------------------
def fetch_counting(handler, settings: FetchSettings, url: str = "https://slow.example/feed.xml"):
    calls: list[str] = []

    async def counted(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return await handler(request)

    async def go():
        async with httpx.AsyncClient(transport=httpx.MockTransport(counted)) as client:
            return await Fetcher(client, settings).get(url)

    return asyncio.run(go()), calls


def test_a_trickling_server_gets_one_attempt_however_many_retries_are_allowed():
    """Each byte beats the read timeout and the whole answer never comes: the attempt ends at the total
    timeout, and no retry starts after it (three retries held one URL for about four timeouts)."""

    async def trickle():
        while True:
            await asyncio.sleep(0.02)
            yield b"x"

    async def handler(request):
        return httpx.Response(200, stream=TrickleStream(trickle()))

    settings = FetchSettings(total_timeout=0.3, read_timeout=5, retries=3, backoff=0.01, min_gap=0.0,
                             respect_robots=False)
    fetched, calls = fetch_counting(handler, settings)
    assert fetched.error_kind == "timeout" and "within 0.3 s" in fetched.error
    assert len(calls) == 1


def test_quick_failures_are_still_retried_within_the_time_limit():
    async def handler(request):
        raise httpx.ConnectError("refused")

    settings = FetchSettings(total_timeout=30, retries=3, backoff=0.001, backoff_max=0.002, min_gap=0.0,
                             respect_robots=False)
    fetched, calls = fetch_counting(handler, settings)
    assert fetched.error_kind == "connect" and len(calls) == 4


def test_a_slow_redirect_chain_is_not_followed_past_the_time_limit():
    async def handler(request):
        await asyncio.sleep(0.1)
        hop = int(request.url.path.strip("/") or 0)
        return httpx.Response(302, headers={"Location": f"/{hop + 1}"})

    settings = FetchSettings(total_timeout=0.25, retries=0, min_gap=0.0, respect_robots=False)
    fetched, calls = fetch_counting(handler, settings, "https://slow.example/0")
    assert fetched.error_kind == "timeout" and "redirects" in fetched.error
    assert len(calls) <= 4 < settings.max_redirects


class TrickleStream(httpx.AsyncByteStream):
    def __init__(self, chunks) -> None:
        self.chunks = chunks

    async def __aiter__(self):
        async for chunk in self.chunks:
            yield chunk


def test_a_slow_redirect_chain_ends_within_two_timeouts_of_the_first_request():
    """Each hop answers within --timeout, but the chain as a whole may not outlast two of them."""
    import asyncio
    from dataclasses import replace as with_

    import httpx
    from conftest import TEST_FETCH

    from auditor.fetch.client import Fetcher

    hops: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        hops.append(str(request.url))
        await asyncio.sleep(0.15)  # under the 0.2 s timeout of one request
        n = len(hops)
        return httpx.Response(301, headers={"location": f"https://slow.example/hop{n}"})

    async def run():
        settings = with_(TEST_FETCH, total_timeout=0.2, read_timeout=0.2, respect_robots=False, max_redirects=20)
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await Fetcher(client, settings).get("https://slow.example/")

    fetched = asyncio.run(run())
    assert fetched.error_kind == "timeout" and fetched.status is None
    assert 2 <= len(hops) <= 3, hops  # past 0.2 s no hop starts, and none runs past 0.4 s: never the twentieth
