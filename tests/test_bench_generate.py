"""benchmarks/generate.py: the synthetic brands are audited as the plugins audit real ones.

A few generated brands that between them have every trait are audited through the fixture
internet serving the generated tree: each platform's channel is found and dated, the walled
ones are unknown with a reason, the dead blog is broken. Generation is deterministic."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import pytest
from conftest import AS_OF, TEST_FETCH

from auditor import AuditOptions, Status
from auditor.audit import audit_async
from auditor.fetch.client import Fetcher, make_client
from auditor.fixtures.fixtureweb import FixtureInternet
from auditor.plugins import bluesky, youtube
from auditor.plugin import load_registry

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate as gen  # noqa: E402

COUNT = 60
DATED = ("feed", "wordpress", "youtube", "bluesky", "mastodon", "discourse", "github")  # status ok, a date
WALLED = ("x", "linkedin", "facebook")  # unknown, with a reason
# What the audited brands must cover between them (Mastodon both on mastodon.social and elsewhere).
NEEDED = (*DATED, *WALLED, "dead_blog", "mastodon_home", "mastodon_other")
OPTIONS = AuditOptions(as_of=AS_OF, fetch=TEST_FETCH, credentials={})


def _has(traits: dict, need: str) -> bool:
    if need == "mastodon_home":
        return traits.get("mastodon_host") == gen.MASTODON_HOME
    if need == "mastodon_other":
        return traits["mastodon"] and traits.get("mastodon_host") != gen.MASTODON_HOME
    if need == "feed":  # a plain feed: WordPress brands' feeds are read through the REST API channel
        return traits["feed"] and not traits["wordpress"]
    return bool(traits[need])


def _pick(drawn: list[dict]) -> list[int] | None:
    """Brands covering NEEDED (greedy), none with a feed that always answers 429 (slow retries)."""
    usable = [i for i, t in enumerate(drawn) if not t["rate_limited"]]
    missing, chosen = set(NEEDED), []
    while missing:
        best = max(usable, key=lambda i: sum(_has(drawn[i], n) for n in missing))
        gained = {n for n in missing if _has(drawn[best], n)}
        if not gained:
            return None
        chosen.append(best)
        missing -= gained
    return sorted(chosen)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The first seed whose COUNT brands cover every trait: (dest, seed, drawn, chosen brands)."""
    templates = gen.load_templates()
    for seed in range(1, 50):
        dest = tmp_path_factory.mktemp(f"gen{seed}")
        drawn: list[dict] = []
        gen.generate(COUNT, dest, seed=seed, templates=templates, drawn=drawn)
        chosen = _pick(drawn)
        if chosen is not None:
            return dest, seed, drawn, chosen
    pytest.fail(f"no seed in 1..49 gives {COUNT} brands covering {NEEDED}")


@pytest.fixture(scope="module")
def audited(generated):
    """{brand index: (audit, proxy log entries of that audit)} for the chosen brands."""
    dest, _, _, chosen = generated
    web = FixtureInternet(dest / "web").start()
    patch = pytest.MonkeyPatch()
    for key, value in web.env().items():
        patch.setenv(key, value)

    async def run() -> dict:
        results = {}
        async with make_client(OPTIONS.fetch) as client:
            registry = load_registry()
            for index in chosen:
                fetcher = Fetcher(client, OPTIONS.fetch)  # a fresh one: each brand fetches its robots.txt
                before = len(web.log)
                result = await audit_async(f"https://b{index:05d}.example/", OPTIONS, fetcher=fetcher,
                                           registry=registry)
                results[index] = (result, list(web.log[before:]))
        return results

    try:
        return asyncio.run(run())
    finally:
        patch.undo()
        web.stop()


def _activities(result, platform: str):
    return [(c, result.activity_for(c)) for c in result.channels if c.platform == platform]


def test_every_platform_channel_is_found_and_dated(generated, audited):
    _, _, drawn, _ = generated
    seen = set()
    for index, (result, _) in audited.items():
        for platform in DATED:
            if not _has(drawn[index], platform):
                continue
            found = _activities(result, platform)
            assert len(found) == 1, (index, platform, [c.url for c in result.channels])
            channel, activity = found[0]
            assert activity.status is Status.OK, (index, platform, activity.reason)
            assert activity.last_activity is not None and activity.last_activity <= AS_OF, (index, platform)
            assert activity.last_activity_source is not None
            seen.add(platform)
    assert seen == set(DATED)


def test_walled_links_are_unknown_with_a_reason_and_the_dead_blog_is_broken(generated, audited):
    _, _, drawn, _ = generated
    seen = set()
    for index, (result, _) in audited.items():
        categories = {(f.channel_url, f.category) for f in result.findings}
        for platform in WALLED:
            if not drawn[index][platform]:
                continue
            ((channel, activity),) = _activities(result, platform)
            assert activity.status in (Status.LOGIN_WALL, Status.BLOCKED), (index, platform, activity.status)
            assert activity.last_activity is None and activity.reason
            assert (channel.url, "unknown") in categories
            seen.add(platform)
        if drawn[index]["dead_blog"]:
            dead = f"https://blog.b{index:05d}.example/"
            assert (dead, "broken") in categories, sorted(categories)
            seen.add("dead_blog")
    assert seen == {*WALLED, "dead_blog"}


def test_mastodon_accounts_live_on_their_instance(generated, audited):
    _, _, drawn, _ = generated
    hosts = set()
    for index, (result, log) in audited.items():
        host = drawn[index].get("mastodon_host")
        if not host:
            continue
        ((channel, activity),) = _activities(result, "mastodon")
        assert channel.url == f"https://{host}/@b{index:05d}" and activity.status is Status.OK
        asked = [e.target for e in log if e.host == host and e.target != "/robots.txt"]
        # the account lookup, its statuses, the two threads with replies
        assert len(asked) == 4 and asked[0] == f"/api/v1/accounts/lookup?acct=b{index:05d}", asked
        hosts.add(host == gen.MASTODON_HOME)
    assert hosts == {True, False}


def test_shared_hosts_are_asked_only_what_the_channel_needs(audited):
    """YouTube: the uploads feed alone (the link names the channel id); Bluesky: no handle lookup."""
    checked = set()
    for result, log in audited.values():
        for platform, host in (("youtube", "www.youtube.com"), ("bluesky", "public.api.bsky.app")):
            if not _activities(result, platform):
                continue
            asked = [e.target for e in log if e.host == host and e.target != "/robots.txt"]
            if platform == "youtube":
                assert len(asked) == 1 and asked[0].startswith("/feeds/videos.xml?channel_id=UC"), asked
            else:
                assert not any("resolveHandle" in t for t in asked)
                assert len(asked) == 4, asked  # profile, author feed, two threads with replies
            checked.add(platform)
    assert checked == {"youtube", "bluesky"}


def test_platform_ids_are_valid_and_unique():
    youtube_ids = [gen.youtube_channel_id(i) for i in range(20_000)]
    dids = [gen.bluesky_did(i) for i in range(20_000)]
    accounts = [gen.mastodon_account_id(i) for i in range(20_000)]
    assert all(youtube.CHANNEL_ID.match(v) for v in youtube_ids)
    assert all(bluesky.DID.match(v) for v in dids)
    assert all(re.fullmatch(r"\d{18}", v) for v in accounts)
    assert len(set(youtube_ids)) == len(set(dids)) == len(set(accounts)) == 20_000


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_same_seed_writes_the_same_bytes(generated, tmp_path):
    dest, seed, _, _ = generated
    gen.generate(COUNT, tmp_path / "again", seed=seed)
    first, again = _tree(dest), _tree(tmp_path / "again")
    assert first.keys() == again.keys()
    assert first == again  # every file, byte for byte (homepages, feeds, copied accounts, brands.csv)
    gen.generate(COUNT, tmp_path / "other", seed=seed + 1000)
    assert _tree(tmp_path / "other") != first


def test_real_size_pages_are_inert_and_cost_the_audit_no_other_request(generated, tmp_path):
    """--mix real: the homepage carries a page's markup, and the audit asks exactly what it asks of the
    plain homepage (the page's links, meta tags, feeds and JSON-LD are gone; its text stays)."""
    page = tmp_path / "real.html"
    page.write_text(
        '<!DOCTYPE html><html><head><title>Real</title><meta name="twitter:site" content="@realbrand">'
        '<link rel="alternate" type="application/rss+xml" href="https://elsewhere.example/feed">'
        '<script type="application/ld+json">{"@type": "Organization", "sameAs": ["https://x.com/realbrand"]}'
        '</script></head><body><nav><a href="https://www.facebook.com/realbrand">Facebook</a>'
        '<a href="/about/">About</a></nav><article><p>Real words, published 3 March 2021.</p></article>'
        + "<div><span>filler</span></div>" * 2000 + "</body></html>", "utf-8")
    _, seed, _, chosen = generated
    index = chosen[0]
    fetched = {}
    for name, pages in (("plain", None), ("real", [page])):
        dest = tmp_path / name
        gen.generate(index + 1, dest, seed=seed, pages=pages)
        web = FixtureInternet(dest / "web").start()
        patch = pytest.MonkeyPatch()
        for key, value in web.env().items():
            patch.setenv(key, value)

        async def run() -> None:
            async with make_client(OPTIONS.fetch) as client:
                await audit_async(f"https://b{index:05d}.example/", OPTIONS, fetcher=Fetcher(client, OPTIONS.fetch))

        try:
            asyncio.run(run())
            fetched[name] = sorted((e.host, e.target) for e in web.log)
        finally:
            patch.undo()
            web.stop()
    home = (tmp_path / "real" / "web" / f"b{index:05d}.example" / "index.html").read_text("utf-8")
    assert "Real words, published 3 March 2021." in home and len(home) > 40_000
    main = home.split("<main>")[1].split("</main>")[0]
    assert not re.search(r"\shref=|twitter:site|ld\+json|elsewhere|<title>", main) and 'data-href="/about/"' in main
    assert fetched["real"] == fetched["plain"]
