"""Every report format, from the same audits: golden files (volatile fields masked) and
structural checks a consumer of each format relies on.

Regenerate the golden files after an intended change with ``UPDATE_GOLDEN=1 python -m pytest
tests/test_report_formats.py`` and review the diff.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import AS_OF, TEST_FETCH

from auditor import AuditOptions, audit
from auditor.models import Severity
from auditor.report import FORMATS, ReportOptions, reporter

GOLDEN = Path(__file__).resolve().parent / "golden"
BRANDS = ("https://oldcorner.example/", "https://finished.example/", "https://down.example/",
          "https://acme.example/")


@pytest.fixture(scope="module")
def audits(fixture_internet):
    return [audit(url, AuditOptions(as_of=AS_OF, fetch=TEST_FETCH)) for url in BRANDS]


def render_all(audits, format: str, **options) -> str:
    report = reporter(format, ReportOptions(width=120, **options), lines=True)
    return report.start() + "".join(report.add(a) for a in audits) + report.end()


def mask(text: str) -> str:
    text = re.sub(r'"seconds": ?[0-9.]+', '"seconds": 0', text)
    return text


@pytest.mark.parametrize("format", FORMATS)
def test_golden_report(audits, format):
    text = mask(render_all(audits, format))
    path = GOLDEN / f"four-brands.{reporter(format).extension}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8")


def test_json_lines_give_one_audit_per_line(audits):
    lines = render_all(audits, "json").splitlines()
    assert [json.loads(line)["brand"]["name"] for line in lines] == [
        "oldcorner.example", "finished.example", "down.example", "acme.example"]


def test_csv_has_one_header_and_one_row_per_channel(audits):
    rows = list(csv.DictReader(io.StringIO(render_all(audits, "csv"))))
    assert len(rows) == sum(len(a.channels) for a in audits)
    stale = next(r for r in rows if r["channel_url"] == "https://oldcorner.example/rss.xml")
    assert (stale["days_since"], stale["findings"], stale["worst_severity"]) == ("2821", "STALE001", "warning")


def test_junit_fails_channels_at_or_above_fail_on(audits):
    root = ET.fromstring(render_all(audits, "junit"))
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert suites["oldcorner.example"].get("failures") == "1"
    assert suites["acme.example"].get("failures") == "0"
    assert suites["down.example"].find("testcase/failure").get("type") == "BROKEN003"
    only_errors = ET.fromstring(render_all(audits, "junit", fail_on=Severity.ERROR))
    failing = {s.get("name") for s in only_errors.iter("testsuite") if s.get("failures") != "0"}
    assert failing == {"down.example"}  # stale findings are warnings


def test_sarif_lists_only_fired_rules_with_fingerprints(audits):
    document = json.loads(render_all(audits, "sarif"))
    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    fired = {r["ruleId"] for r in run["results"]}
    assert fired == {"STALE001", "STALE003", "BROKEN003"}
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == fired
    result = next(r for r in run["results"] if r["ruleId"] == "BROKEN003")
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "https://down.example/"
    assert len(result["partialFingerprints"]["presenceAuditor/v1"]) == 16


def test_sarif_of_a_clean_run_is_valid_json(audits):
    clean = [a for a in audits if not a.findings]
    assert json.loads(render_all(clean, "sarif"))["runs"][0]["results"] == []


def test_markdown_sorts_channels_by_urgency_and_escapes_pipes(audits):
    text = render_all(audits, "markdown")
    section = text.split("## finished.example")[1].split("## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| https://")]
    assert rows[0].startswith("| https://finished.example/feed.json")  # the channel with findings first
    assert "## Summary" in text


def test_html_is_self_contained(audits):
    text = render_all(audits, "html")
    assert text.startswith("<!DOCTYPE html>")
    for external in ("<script", "<link ", "@import", "url(", "src="):
        assert external not in text
    assert text.count("<svg") >= 3 and "stale after 180 days" in text


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_html_renders_in_headless_chromium(audits, tmp_path):
    browser = chromium()
    if browser is None:
        pytest.skip("Chromium is not installed (.ci/run installs Debian's chromium when it can)")
    page = tmp_path / "report.html"
    page.write_text(render_all(audits, "html"), encoding="utf-8")
    shot = Path(os.environ.get("AUDITOR_TEST_ARTIFACTS", tmp_path)) / "report.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0"]
    done = subprocess.run([browser, *flags, "--window-size=1200,1800", f"--screenshot={shot}", page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000, done.stderr[-2000:]
    assert "Uncaught" not in done.stderr and "Refused to" not in done.stderr
    dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert "Online presence audit" in dom.stdout and "oldcorner.example" in dom.stdout
