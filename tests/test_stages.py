"""The library's shape: four stage functions whose composition is the audit, and the exit status on the Audit."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

from conftest import AS_OF, TEST_FETCH, utc

from auditor import (
    Audit,
    AuditOptions,
    Brand,
    Evidence,
    ExitStatus,
    FetchStats,
    Finding,
    Severity,
    Fetcher,
    assemble,
    audit,
    audit_async,
    collect,
    collect_async,
    discover,
    discover_async,
    judge,
    make_client,
    prepare,
    report,
)
from auditor.plugin import load_registry

OPTIONS = AuditOptions(as_of=AS_OF, fetch=TEST_FETCH, credentials={})


def without_stats(result: Audit) -> Audit:
    """The audit without its fetch statistics: timings vary, and stages run apart each read robots.txt."""
    return replace(result, stats=FetchStats())


def test_the_four_stages_by_hand_give_the_audit(fixture_internet):
    brand = Brand(name="bigbrand", homepages=("https://bigbrand.example/",))
    found = discover(brand, options=OPTIONS)
    collection = collect(found, options=OPTIONS)
    judgement = judge(collection, OPTIONS.rules)
    by_hand = assemble(collection, judgement)

    whole = audit(brand, OPTIONS)

    assert without_stats(by_hand) == without_stats(whole)
    assert by_hand.findings, "the fixture brand has findings, so the comparison means something"
    text = report(by_hand, "json")
    assert json.loads(text)["brand"]["name"] == "bigbrand"


def test_collect_reuses_what_discovery_fetched(fixture_internet):
    async def run() -> list[str]:
        async with make_client(TEST_FETCH) as client:
            fetcher = Fetcher(client, TEST_FETCH)
            found = await discover_async("https://acme.example/", options=OPTIONS, fetcher=fetcher)
            collection = await collect_async(found, options=OPTIONS, fetcher=fetcher)
            return [record.url for record in collection.requests]

    urls = asyncio.run(run())
    assert "https://acme.example/" in urls and "https://acme.example/feed/" in urls
    assert len(urls) == len(set(urls)), "no URL is fetched twice in one audit"


def test_an_audit_fetches_no_url_twice(fixture_internet):
    for homepage in ("https://bigbrand.example/", "https://seedblog.example/", "https://probed.example/"):
        async def run() -> list[str]:
            async with make_client(TEST_FETCH) as client:
                fetcher = Fetcher(client, TEST_FETCH)
                brand = Brand(name="b", homepages=(homepage,), handles=("probed",))
                await audit_async(brand, replace(OPTIONS, probe_handles=True), fetcher=fetcher)
                return [record.url for record in fetcher.records]

        urls = asyncio.run(run())
        assert len(urls) == len(set(urls)), sorted(u for u in urls if urls.count(u) > 1)


def test_the_configuration_is_checked_once_into_rules_the_stages_share():
    rules = prepare(OPTIONS.rules, load_registry())
    assert rules.options_for("STALE001").threshold is not None
    assert {rule.CODE for rule in rules.enabled} >= {"STALE001", "BROKEN001"}


def finding(severity: Severity, baseline: str = "") -> Finding:
    return Finding(code="X001", category="stale", severity=severity, channel_url="https://a.example/",
                   platform="web", message="m", evidence=(Evidence("https://a.example/", "f"),), baseline=baseline)


def audit_with(*findings: Finding) -> Audit:
    return Audit(brand=Brand("a", ("https://a.example/",)), as_of=utc(2026, 1, 1), channels=(), activities=(),
                 findings=findings, stats=FetchStats())


def test_exit_status_is_findings_at_or_above_the_threshold():
    one_warning = audit_with(finding(Severity.WARNING))
    assert one_warning.exit_status(Severity.WARNING) is ExitStatus.FINDINGS
    assert one_warning.exit_status(Severity.INFO) is ExitStatus.FINDINGS
    assert one_warning.exit_status(Severity.ERROR) is ExitStatus.CLEAN
    assert one_warning.exit_status(None) is ExitStatus.CLEAN


def test_exit_status_with_only_new_ignores_unchanged_findings():
    assert audit_with(finding(Severity.ERROR, "unchanged")).exit_status(Severity.INFO, only_new=True) \
        is ExitStatus.CLEAN
    assert audit_with(finding(Severity.ERROR, "new")).exit_status(Severity.INFO, only_new=True) \
        is ExitStatus.FINDINGS


def test_an_audit_parses_each_page_once(fixture_internet, monkeypatch):
    import auditor.parse.htmldepth as htmldepth

    parsed: list[str] = []
    real = htmldepth.LexborHTMLParser

    def counting(html: str) -> object:
        parsed.append(html)
        return real(html)

    monkeypatch.setattr(htmldepth, "LexborHTMLParser", counting)
    for homepage in ("https://nodate.example/", "https://seedblog.example/", "https://bigbrand.example/"):
        parsed.clear()
        audit(homepage, OPTIONS)
        assert parsed, "the homepage at least is parsed"
        assert len(parsed) == len(set(parsed)), f"{homepage}: a page was parsed twice"
