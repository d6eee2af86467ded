"""Reports state the limits the audit applied: thresholds, windows and severities come from its configuration."""

from __future__ import annotations

import csv
import io
import json

from conftest import utc

from auditor import (Activity, Audit, Brand, Channel, Evidence, FetchStats, Finding, Interaction, ReportOptions,
                     RuleConfig, Severity, Status, prepare, report)
from auditor.plugin import load_registry

BLOG = Channel(platform="feed", url="https://acme.example/feed/", kind="blog")
AS_OF = utc(2026, 11, 22)


def an_audit() -> Audit:
    asked = tuple(Interaction(url=f"https://acme.example/c/{n}", author="v", at=utc(2026, 11, 1 + n),
                              owner_replied_at=utc(2026, 11, 2 + n) if n % 2 else None) for n in range(4))
    old = Interaction(url="https://acme.example/c/old", author="v", at=utc(2026, 3, 1))
    activity = Activity(channel_url=BLOG.url, status=Status.OK, last_activity=utc(2026, 8, 1),
                        interactions=(*asked, old))
    finding = Finding(code="STALE001", category="stale", severity=Severity.ERROR, channel_url=BLOG.url,
                      platform="feed", message="silent", evidence=(Evidence(BLOG.url, "f"),), fingerprint="x")
    return Audit(brand=Brand("acme", ("https://acme.example/",)), as_of=AS_OF, channels=(BLOG,),
                 activities=(activity,), findings=(finding,), stats=FetchStats())


def configured(**config: object) -> ReportOptions:
    return ReportOptions(rules=prepare(RuleConfig(**config), load_registry()))  # type: ignore[arg-type]


def test_the_html_timeline_marks_the_configured_stale_limit():
    default = report(an_audit(), "html")
    assert "stale after 180 days" in default
    shorter = report(an_audit(), "html", configured(options={"STALE001": {"days": {"blog": 60}}}))
    assert "stale after 60 days" in shorter and "stale after 180 days" not in shorter


def test_sarif_gives_each_rule_the_severity_the_run_configured():
    default = json.loads(report(an_audit(), "sarif"))
    assert default["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] == "warning"
    raised = json.loads(report(an_audit(), "sarif", configured(severity={"STALE001": Severity.ERROR})))
    assert raised["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] == "error"


def test_csv_counts_interactions_in_the_configured_response_window():
    def interactions(options: ReportOptions) -> str:
        (row,) = list(csv.DictReader(io.StringIO(report(an_audit(), "csv", options))))
        return row["interactions"]

    assert interactions(ReportOptions()) == "4"  # the March comment is outside the 90-day default
    assert interactions(configured(options={"SLOW002": {"window_days": 365}})) == "5"
