"""Reading one page of the brand's site, and its sitemaps: every declaration form, bounded on bad input."""

from __future__ import annotations

import dataclasses
import gzip

import httpx
import pytest

from auditor.discover.candidates import MAX_ANCHORS, read_page
from auditor.plugin import Page
from auditor.fetch.client import Fetched
from auditor.parse.sitemaps import MAX_LOCS, parse_sitemap, pick_children, sitemap_lines


def page(html: str | bytes, url: str = "https://brand.example/", content_type: str = "text/html"):
    body = html.encode("utf-8") if isinstance(html, str) else html
    return Page.parse(Fetched(url, url, 200, httpx.Headers({"content-type": content_type}), body))


def found(html, **kwargs):
    return [(c.url, c.confidence.value, c.evidence.field) for c in read_page(page(html), **kwargs).candidates]


def test_json_ld_same_as_as_a_string_an_array_in_a_graph_and_nested():
    html = """<script type="application/ld+json">{"@type":"Person","name":"Jo","sameAs":"https://x.com/jo"}</script>
    <script type="application/ld+json">[{"@type":["Thing","Organization"],"sameAs":["https://www.instagram.com/jo/"]}]
    </script>
    <script type="application/ld+json">{"@graph":[{"@type":"WebPage","publisher":{"@type":"NewsMediaOrganization",
      "sameAs":["https://www.linkedin.com/company/jo/"]}},{"@type":"Article","sameAs":"https://not.example/"}]}</script>
    <script type="application/ld+json">{ this is not json </script>"""
    reading = read_page(page(html))
    assert [(c.url, c.evidence.field) for c in reading.candidates] == [
        ("https://x.com/jo", "JSON-LD sameAs"),
        ("https://www.instagram.com/jo/", "JSON-LD sameAs"),
        ("https://www.linkedin.com/company/jo/", "JSON-LD sameAs"),
    ]
    assert all(c.confidence.value == "high" for c in reading.candidates)
    assert any("not valid JSON" in note for note in reading.notes)


def test_meta_tags_and_rel_me_are_high_confidence():
    html = """<head><meta name="twitter:creator" content="@Jo_Writes">
    <meta name="twitter:site" content="https://twitter.com/brand">
    <meta property="article:publisher" content="https://www.facebook.com/brand">
    <meta name="fediverse:creator" content="@jo@mastodon.social">
    <link rel="me" href="https://mastodon.social/@brand"></head>
    <body><p><a rel="me noopener" href="https://bsky.app/profile/brand.example">Bluesky</a></p></body>"""
    assert found(html) == [
        ("https://x.com/Jo_Writes", "high", "meta twitter:creator"),
        ("https://twitter.com/brand", "high", "meta twitter:site"),
        ("https://www.facebook.com/brand", "high", "meta article:publisher"),
        ("https://mastodon.social/@jo", "high", "meta fediverse:creator"),
        ("https://mastodon.social/@brand", "high", "link[rel=me]"),
        ("https://bsky.app/profile/brand.example", "high", "a[rel=me]"),
        ("https://bsky.app/profile/brand.example", "medium", "body a[href]"),
    ]


def test_link_confidence_follows_where_the_link_sits_and_which_page_it_is_on():
    html = """<div id="footer"><a href="https://x.com/a">a</a></div>
    <div role="contentinfo"><a href="https://x.com/b">b</a></div>
    <aside class="widget-area"><a href="https://x.com/c">c</a></aside>
    <article><header class="entry-header"><a href="https://x.com/d">d</a></header></article>
    <div class="entry-content"><a href="https://x.com/e">e</a></div>
    <main><a href="https://x.com/f">f</a></main>"""
    assert [(u, c, f) for u, c, f in found(html, role="blog")] == [
        ("https://x.com/a", "medium", "footer a[href]"),
        ("https://x.com/b", "medium", "footer a[href]"),
        ("https://x.com/c", "medium", "aside a[href]"),
        ("https://x.com/d", "low", "article a[href]"),
        ("https://x.com/e", "low", "article a[href]"),
        ("https://x.com/f", "low", "body a[href]"),  # a blog page's body: low
    ]
    assert ("https://x.com/f", "medium", "body a[href]") in found(html, role="about")


def test_unsafe_and_non_web_links_never_become_candidates():
    html = """<a href="javascript:alert(1)">x</a><a href="file:///etc/passwd">f</a><a href="mailto:a@b.c">m</a>
    <a href="http://10.0.0.1/">lan</a><a href="http://[::1]/">v6</a><a href="http://localhost:8000/">l</a>
    <a href="data:text/html,hi">d</a><a href="#top">t</a><a href="https://x.com/ok">ok</a>"""
    assert [u for u, _, _ in found(html)] == ["https://x.com/ok"]


class CountingTree:
    """A parsed page that counts the whole-document queries made of it."""

    def __init__(self, tree) -> None:
        self.tree, self.queries = tree, 0

    def __getattr__(self, name):
        found = getattr(self.tree, name)
        if name in ("css", "css_first", "select", "tags", "traverse", "text", "html"):
            self.queries += 1
        return found


def queries_to_read(links: int) -> tuple[int, object]:
    anchors = "".join(f'<a href="https://brand.example/p/{i}">{i}</a>' for i in range(links))
    parsed = page(f"<main>{anchors}</main><footer><a href='https://x.com/brand'>X</a></footer>")
    counting = CountingTree(parsed.tree)
    reading = read_page(dataclasses.replace(parsed, tree=counting))
    return counting.queries, reading


def test_ten_thousand_links_are_read_bounded_and_in_linear_time():
    """Each link costs a fixed amount of work: no query of the whole page per link (the page's base
    URL once looked for a <base> element per anchor, so 10,000 links walked the page 10,000 times)."""
    few, _ = queries_to_read(100)
    many, reading = queries_to_read(10_000)
    assert many == few <= 10  # the same handful of whole-page queries, however many links
    assert len(reading.candidates) == MAX_ANCHORS
    assert any(f"more than {MAX_ANCHORS:,} distinct links" in note for note in reading.notes)


def test_links_resolve_against_a_relative_base_element():
    reading = read_page(page('<base href="/blog/"><a href="https://x.com/brand">X</a><a href="post">P</a>'))
    assert {link.url for link in reading.links} == {"https://x.com/brand", "https://brand.example/blog/post"}


def test_pages_in_odd_encodings_are_decoded():
    utf16 = '<html><head><title>Café</title></head><body><a href="https://x.com/cafe">Café</a></body></html>'
    assert read_page(page(utf16.encode("utf-16"))).candidates[0].url == "https://x.com/cafe"
    latin = '<meta charset="windows-1252"><title>Caf\xe9</title><a href="https://x.com/latin">\xe9</a>'.encode("cp1252")
    parsed = page(latin)
    assert parsed.tree.css_first("title").text() == "Café"
    sjis = '<meta http-equiv="Content-Type" content="text/html; charset=shift_jis"><a href="https://x.com/jp">日本</a>'
    assert page(sjis.encode("shift_jis")).tree.css_first("a").text() == "日本"
    unknown = b'<meta charset="x-no-such-charset"><a href="https://x.com/z">\xff\xfe</a>'
    assert read_page(page(unknown)).candidates[0].url == "https://x.com/z"


def test_robots_sitemap_lines():
    text = "User-agent: *\nDisallow: /x\nSitemap: https://a.example/s1.xml # main\nsitemap:https://a.example/s2.xml\n" \
           "Sitemap: /relative.xml\n"
    assert sitemap_lines(text) == ["https://a.example/s1.xml", "https://a.example/s2.xml"]


def test_sitemaps_and_indexes_are_parsed():
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://a.example/post-sitemap.xml</loc></sitemap>
      <sitemap><loc> https://a.example/page-sitemap.xml </loc></sitemap></sitemapindex>"""
    parsed = parse_sitemap(index, "index")
    assert parsed.children == ("https://a.example/post-sitemap.xml", "https://a.example/page-sitemap.xml")
    assert pick_children(parsed.children)[0] == "https://a.example/page-sitemap.xml"
    urlset = gzip.compress(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                           b"<url><loc>https://a.example/about/</loc><lastmod>2026-01-01</lastmod></url></urlset>")
    assert parse_sitemap(urlset, "gz").pages == ("https://a.example/about/",)


def test_a_sitemap_of_fifty_thousand_urls_and_more_is_capped_quickly():
    rows = b"".join(b"<url><loc>https://a.example/p/%d</loc></url>" % i for i in range(MAX_LOCS + 10))
    parsed = parse_sitemap(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + rows + b"</urlset>", "big")
    assert len(parsed.pages) == MAX_LOCS
    assert "more than 50,000 entries" in parsed.notes[0]


def test_gzip_bombs_entity_tricks_and_junk_are_notes_not_exceptions():
    bomb = gzip.compress(b"<urlset>" + b" " * (20 * 1024 * 1024))
    assert "gzip bomb" in parse_sitemap(bomb, "bomb").notes[0]
    laughs = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><urlset>&b;</urlset>'
    assert "unsafe XML" in parse_sitemap(laughs, "laughs").notes[0]
    assert "not a readable sitemap" in parse_sitemap(b"<html><body>oops", "junk").notes[0]
    assert "not a sitemap" in parse_sitemap(b"<rss></rss>", "rss").notes[0]
    assert "broken gzip" in parse_sitemap(b"\x1f\x8b\x08\x00garbage", "broken").notes[0]


def test_copies_of_one_link_count_against_the_cap_of_links_looked_at(monkeypatch):
    """A page of 100,000 copies of one link is read no further than MAX_LINKS_READ anchors, and the
    repeated href is resolved once, not once per copy."""
    from auditor.discover import candidates

    calls = {"absolute": 0, "region": 0}
    real_absolute, real_region = candidates.absolute, candidates.region_of

    def counted(name, function):
        def wrapper(*args):
            calls[name] += 1
            return function(*args)
        return wrapper

    monkeypatch.setattr(candidates, "absolute", counted("absolute", real_absolute))
    monkeypatch.setattr(candidates, "region_of", counted("region", real_region))
    reading = read_page(page("<main>" + '<a href="https://x.com/brand">X</a>' * 100_000 + "</main>"))
    assert calls == {"absolute": 1, "region": candidates.MAX_LINKS_READ}
    assert [c.url for c in reading.candidates] == ["https://x.com/brand"]
    assert any(f"more than {candidates.MAX_LINKS_READ:,} links" in note for note in reading.notes)


@pytest.mark.parametrize("href", [
    "https://Social.example/Brand?utm_source=site&page=2#top", "HTTPS://X.EXAMPLE", "http://other.example/x;v=1?",
    "//cdn.example/x", "/about", "about/team", "?page=2", "http:///path", "https:/x.example", "http:x.example/a",
    "https://x.example:443/a", "https://x.example:8443/../a/./b", " https://x.example/\t", "https://[::1",
    "https://127.0.0.1/", "mailto:hello@brand.example", "ftp://x.example/",
])
def test_a_link_becomes_the_url_joining_it_to_the_page_gives_cleaned(href):
    """Absolute links are taken as written (nothing to join), relative ones joined to the page's base;
    either way the URL is what the standard join gives, cleaned, and refused ones are None."""
    from urllib.parse import urljoin, urlsplit

    from auditor.discover.candidates import absolute
    from auditor.fetch.client import refusal
    from auditor.urls import clean_url

    home = page("<p>", "https://brand.example/blog/post")
    try:
        joined: str | None = urljoin(home.base_url, href.strip())
        scheme = urlsplit(joined).scheme
    except ValueError:
        joined = scheme = None
    expected = clean_url(joined) if joined and scheme in ("http", "https") and not refusal(joined) else None
    assert absolute(home, href) == expected


def test_a_links_place_is_the_same_whether_its_ancestors_were_walked_before_or_not():
    """region_of remembers, per page, what each ancestor's chain says; every link of every fixture page
    is placed as a walk of its own ancestors alone places it."""
    from pathlib import Path

    from auditor.discover.candidates import region_of

    for path in sorted((Path(__file__).resolve().parent.parent / "fixtures").rglob("*.html")):
        links = page(path.read_bytes()).css("a[href]")
        shared: dict = {}
        assert [region_of(node, shared) for node in links] == [region_of(node) for node in links], path.name


def test_a_link_deep_inside_a_footer_is_in_the_footer_however_deep():
    nested = "<div>" * 200 + "<a href='https://x.com/brand'>X</a>" + "</div>" * 200
    post = "<article><div><a href='/post'>p</a></div></article>"
    parsed = page(f"<main><p>text</p></main><footer>{nested}</footer>{post}")
    from auditor.discover.candidates import region_of

    assert [region_of(node, {}) for node in parsed.css("a[href]")] == [("chrome", "footer"), ("article", "article")]
