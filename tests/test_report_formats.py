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
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

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


BROWSER_CHECK = """(() => {
  const root = document.documentElement;
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const hrefs = [...document.querySelectorAll('[href]')].map(e => e.getAttribute('href'));
  const loads = [...document.querySelectorAll('[src], link[href], use[href], image[href]')].map(e => e.outerHTML.slice(0, 80));
  const wide = [...document.body.querySelectorAll('*')].filter(e => !e.closest('.scroll')
      && e.getBoundingClientRect().right > root.clientWidth + 0.5).slice(0, 5).map(e => e.tagName + '.' + e.className);
  return {scrollWidth: root.scrollWidth, viewport: window.innerWidth, ids, hrefs, loads, wide,
          title: document.title, text: document.body.innerText.slice(0, 200)};
})()"""


def check_in_browser(browser, page: Path, width: int, shot: Path | None = None) -> dict:
    """``page`` opened at ``width`` CSS pixels: the checks every HTML report must pass, and what the page showed."""
    visit = browser.visit(page.as_uri(), BROWSER_CHECK, width=width, shot=shot)
    seen = visit.value
    where = f"{page.name} at {width} px"
    assert seen["scrollWidth"] <= width, f"{where} overflows: {seen['scrollWidth']} px wide, by {seen['wide']}"
    assert seen["viewport"] == width, f"{where}: the browser zoomed out to {seen['viewport']} px to show it all"
    assert visit.requests == (page.as_uri(),), f"{where} asked for more than itself: {visit.requests}"
    assert not visit.errors and not seen["loads"], where
    assert len(seen["ids"]) == len(set(seen["ids"])), f"{where} repeats an id"
    for href in seen["hrefs"]:
        if href.startswith("#"):
            assert href[1:] in seen["ids"], f"{where}: {href} points at no element"
        elif not href.startswith(("http://", "https://")):
            assert (page.parent / unquote(href)).is_file(), f"{where}: {href} is not a file beside it"
    return seen


BATCH_NAMES = ("Acme Europe", "Big Brand (UK)", "Ölfabrik GmbH", "a/b shop", "index", "Old Corner Café",
               "FINISHED", "Down & Out", "Seed Blog 2")


@pytest.fixture(scope="module")
def portfolio(fixture_internet, tmp_path_factory):
    """A 20-brand batch on the fixture internet written as one HTML file per brand and the portfolio page:
    the demo brands, and more brands (with names no file may be called) sharing their homepages."""
    from typer.testing import CliRunner

    from auditor.demo import demo_brands
    from cli import app

    root = tmp_path_factory.mktemp("portfolio")
    urls = demo_brands()
    rows = [(url.split("/")[2], url) for url in urls]
    rows += [(name, urls[n % len(urls)]) for n, name in enumerate(BATCH_NAMES)]
    assert len(rows) == 20
    brands = root / "brands.csv"
    with brands.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([("name", "url"), *rows])
    out = root / "out"
    result = CliRunner().invoke(app, ["audit", "--brands", str(brands), "--as-of", "2026-11-22", "--timeout", "5",
                                      "--no-history", "--format", "html", "--output-dir", str(out)])
    assert result.exit_code in (0, 1), result.output
    return out


def test_the_portfolio_page_lists_every_brand_worst_first_linking_to_its_file(portfolio):
    page = (portfolio / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<td data-label="brand"><a href="([^"]+)">([^<]+)</a>', page)
    assert len(links) == 20 and len({href for href, _ in links}) == 20
    assert all((portfolio / unquote(href)).is_file() for href, _ in links)
    assert "index.html" not in {href for href, _ in links}  # the brand called "index" has a file of its own
    heads = re.findall(r'<th class="num">([^<]+)</th>', page)
    assert heads[:5] == ["broken", "stale", "unanswered", "slow", "unknown"]
    names = [name for _, name in links]
    assert names[0] == "down.example"  # the only brand with an error
    assert names.index("bigbrand.example") < names.index("acme.example")  # findings before none
    for brand in portfolio.glob("*.html"):
        if brand.name != "index.html":
            assert '<p class="back"><a href="index.html">' in brand.read_text(encoding="utf-8")


def test_html_renders_in_headless_chromium(audits, portfolio, tmp_path):
    """In a real browser, at a phone's 360 px and a desktop's 1280 px: no page is wider than the window,
    every link resolves (anchors to elements of the file, relative links to files beside it) and no page
    asks for anything but itself. Covers one brand, four brands in one file, and a 20-brand folder."""
    from browser import Chromium, chromium

    binary = chromium()
    if binary is None:
        pytest.skip("Chromium is not installed (.ci/run installs Debian's chromium when it can)")
    single = tmp_path / "one.html"
    single.write_text(reporter("html").render(audits[0]), encoding="utf-8")
    several = tmp_path / "four.html"
    several.write_text(render_all(audits, "html"), encoding="utf-8")
    long = tmp_path / "long.html"
    long.write_text(render_all([long_words_audit(), audits[0]], "html"), encoding="utf-8")
    pages = [single, several, long, portfolio / "index.html", *sorted(portfolio.glob("*.html"))]
    shots = Path(os.environ.get("AUDITOR_TEST_ARTIFACTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with Chromium(binary, tmp_path / "profile") as browser:
        for width in (360, 1280):
            seen = {page: check_in_browser(browser, page, width, shots / f"{page.stem}-{width}.png"
                                           if page.parent == tmp_path else None) for page in pages}
            assert "portfolio" in seen[several]["ids"] and "20 brands" in seen[portfolio / "index.html"]["text"]
    assert (shots / "four-360.png").stat().st_size > 10_000


def long_words_audit():
    """A brand whose name, channel title and URLs are single words far wider than a phone."""
    from auditor.models import Activity, Audit, Brand, Channel, Evidence, Finding, Item, Status

    url = "https://long.example/" + "segment-without-a-break" * 14 + "?q=" + "x" * 80
    channel = Channel(platform="feed", url=url, kind="blog", title="Title" + "W" * 150)
    when = AS_OF.replace(year=2025)
    activity = Activity(channel_url=url, status=Status.OK, last_activity=when,
                        items=(Item(url=url, title="T" * 120, published=when),))
    finding = Finding(code="STALE001", category="stale", severity=Severity.WARNING, channel_url=url, platform="feed",
                      message="No activity for " + "m" * 90, evidence=(Evidence(url, "pubDate" * 20, "v" * 120),))
    return Audit(brand=Brand(name="Brand" + "N" * 120, homepages=(url,)), as_of=AS_OF, channels=(channel,),
                 activities=(activity,), findings=(finding,))


def test_a_wide_page_fails_the_browser_check(tmp_path):
    """The browser check can fail: a table wider than a phone is caught, and so is a dangling anchor."""
    from browser import Chromium, chromium

    binary = chromium()
    if binary is None:
        pytest.skip("Chromium is not installed")
    wide = tmp_path / "wide.html"
    wide.write_text('<!DOCTYPE html><meta name="viewport" content="width=device-width">'
                    '<table><tr><td style="white-space:nowrap">' + "x" * 100 + "</td></tr></table>")
    dangling = tmp_path / "dangling.html"
    dangling.write_text('<!DOCTYPE html><meta name="viewport" content="width=device-width"><a href="#nowhere">x</a>')
    with Chromium(binary, tmp_path / "profile") as browser:
        with pytest.raises(AssertionError, match="overflows"):
            check_in_browser(browser, wide, 360)
        check_in_browser(browser, wide, 1280)
        with pytest.raises(AssertionError, match="points at no element"):
            check_in_browser(browser, dangling, 360)


def test_html_timeline_puts_every_channel_on_one_axis_with_the_as_of_line_across(portfolio):
    page = (portfolio / "bigbrand.example.html").read_text(encoding="utf-8")
    (svg,) = re.findall(r'<svg class="tl".*?</svg>', page)
    start, end = re.search(r'data-start="([^"]+)" data-end="([^"]+)"', svg).groups()
    rows = re.findall(r'<g class="row" data-start="([^"]+)" data-end="([^"]+)">', svg)
    assert len(rows) == 15 and set(rows) == {(start, end)}
    assert (start, end) == ("2019-01-01", "2026-11-22")  # back to the oldest last activity (tumblr, March 2019)
    assert re.findall(r'<text class="year"[^>]*>(\d+)</text>', svg) == [str(y) for y in range(2019, 2027)]
    height = int(re.search(r'viewBox="0 0 \d+ (\d+)"', svg).group(1))
    x1, y1, x2, y2 = map(float, re.search(r'<line class="as-of" x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" '
                                          r'y2="([\d.]+)"', svg).groups())
    assert x1 == x2 and y1 <= 22 and y2 >= height - 22  # one vertical line through every row
    assert svg.count('class="stale-limit"') == 15 and svg.count('class="last"') == 6
    legend = re.search(r'<figcaption><ul class="legend">(.*?)</ul></figcaption>', page).group(1)
    for meaning in ("post", "last activity", "answered comment", "unanswered comment", "stale limit", "as of"):
        assert f"</svg>{meaning}" in legend


def test_shared_axis_reaches_the_oldest_last_activity_and_the_longest_stale_limit():
    from datetime import datetime, timezone

    from auditor.report.timeline import Row, shared_axis

    as_of = datetime(2026, 11, 22, tzinfo=timezone.utc)
    recent = Row("a", "#a", 30, last_activity=datetime(2026, 10, 1, tzinfo=timezone.utc))
    assert shared_axis(as_of, [recent]).start == datetime(2024, 1, 1, tzinfo=timezone.utc)  # two years at least
    axis = shared_axis(as_of, [recent, Row("b", "#b", 180, last_activity=datetime(2015, 6, 1, tzinfo=timezone.utc)),
                               Row("c", "#c", 365 * 13)])
    assert (axis.start, axis.end) == (datetime(2013, 1, 1, tzinfo=timezone.utc), as_of)
    assert [t.label for t in axis.ticks if t.major] == [str(year) for year in range(2013, 2027)]
    assert axis.x(axis.start) == 8.0 and axis.x(as_of) == 712.0
    short = shared_axis(as_of, [recent])
    assert [t.label for t in short.ticks if t.label][:5] == ["2024", "Apr", "Jul", "Oct", "2025"]


def test_a_resumed_folder_keeps_every_brand_in_its_portfolio_page(audits, tmp_path):
    from auditor.report.output import DirectorySink, file_key

    first = DirectorySink("html", ReportOptions(), tmp_path, resume=False)
    first.write(audits[0])
    assert "index.html" in first.close(completed=False)
    again = DirectorySink("html", ReportOptions(), tmp_path, resume=True)
    assert set(again.done) == {"oldcorner.example"}
    again.write(audits[2])
    again.close(completed=True)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<td data-label="brand"><a href="([^"]+)">', page) == [
        "down.example.html", "oldcorner.example.html"]  # the error first
    assert file_key("index") != "index" and file_key("index.example") == "index.example"
