"""Safe output in every format: a brand whose names, titles, reasons and URLs come from a hostile site
renders as text in each format, parses with that format's own standard parser, and holds no raw
control character."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

import pytest

from auditor import Activity, Audit, Brand, Channel, Evidence, Finding, Item, Severity, Status
from auditor.report import FORMATS, ReportOptions, report
from auditor.report.escape import csv_cell, markdown, markdown_url, printable, xml_legal
from conftest import AS_OF, utc

ANSI = "\x1b[2J\x1b[31m"  # clear the screen, then red
OSC_LINK = "\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07"
CONTROLS = "\x00\x01\x08\x0b\x0c\x7f\x9b\x85\u202e"
HTML = '<script>alert(1)</script><img src=x onerror="alert(2)">'
MARKDOWN = "[click](javascript:alert(3)) | ![x](https://evil.example/x.png) `code`"
EVIL_URL = "https://evil.example/a b\n<b>bold</b>?q=\x1b[31m|x"
FORMULAS = ["=HYPERLINK(\"https://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def hostile_audit(name: str) -> Audit:
    nasty = f"{ANSI}{OSC_LINK}{CONTROLS}{HTML}{MARKDOWN}"
    channel = Channel(platform="web", url=EVIL_URL, kind="website", title=f"Title {nasty}",
                      found_by=(Evidence(EVIL_URL, "link", nasty),))
    feed = Channel(platform="feed", url="https://evil.example/feed.xml", kind="blog", title=nasty)
    activities = (
        Activity(channel_url=EVIL_URL, status=Status.ERROR, reason=f"broke: {nasty}", title=nasty),
        Activity(channel_url=feed.url, status=Status.OK, last_activity=utc(2025, 1, 1), title=nasty,
                 items=(Item(url=EVIL_URL, title=nasty, published=utc(2025, 1, 1)),)),
    )
    findings = tuple(
        Finding(code=code, category=category, severity=Severity.ERROR, channel_url=url, platform=platform,
                message=f"{code}: {nasty}", evidence=(Evidence(EVIL_URL, f"field {nasty}", nasty),),
                fingerprint="f" + code)
        for code, category, url, platform in (("BROKEN003", "broken", EVIL_URL, "web"),
                                              ("STALE001", "stale", feed.url, "feed")))
    return Audit(brand=Brand(name=name, homepages=(EVIL_URL,)), as_of=AS_OF, channels=(channel, feed),
                 activities=activities, findings=findings)


RICH_MARKUP = "[/x] [link=https://phish.example]click[/link] [bold red]"  # raised MarkupError in the table
AUDITS = [hostile_audit(name) for name in [*FORMULAS, f"Brand {ANSI}{HTML}\n{MARKDOWN}", RICH_MARKUP]]


def rendered(format: str) -> str:
    out = io.StringIO()
    report(AUDITS, format, ReportOptions(color=False, verbose=True), stream=out)
    return out.getvalue()


@pytest.mark.parametrize("format", FORMATS)
def test_no_format_holds_a_raw_control_character(format):
    text = rendered(format)
    assert not RAW_CONTROLS.findall(text.replace("\n", "").replace("\t", ""))
    assert "\x1b" not in text and "\u202e" not in text


def test_the_terminal_table_shows_escape_sequences_as_nothing_but_keeps_the_words():
    text = rendered("table")
    assert "[link=https://phish.example]click[/link]" in text  # rich markup in a name is shown, never applied
    assert "click" in text and "[31m" in text.replace("\n", "")  # the visible remains, never the ESC


def test_junit_is_well_formed_xml_with_the_texts_in_it():
    root = ElementTree.fromstring(rendered("junit"))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites][:len(FORMULAS)] == [xml_legal(n) for n in FORMULAS]
    failure = suites[0].find("testcase/failure")
    assert failure is not None and "<script>" in failure.get("message")  # as text, not markup


def test_sarif_and_json_parse_and_keep_the_text():
    sarif = json.loads(rendered("sarif"))
    messages = [r["message"]["text"] for r in sarif["runs"][0]["results"]]
    assert any("<script>alert(1)</script>" in m for m in messages)
    lines = [json.loads(line) for line in rendered("json").splitlines()]
    assert [line["brand"]["name"] for line in lines][:len(FORMULAS)] == FORMULAS  # JSON keeps the data whole


def test_csv_parses_and_no_cell_starts_a_formula():
    rows = list(csv.reader(io.StringIO(rendered("csv"))))
    width = len(rows[0])
    assert all(len(row) == width for row in rows)
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert {row[0] for row in rows[1:]} >= {"'" + printable(n) for n in FORMULAS}


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.hrefs += [value for name, value in attrs if name == "href"]
        assert not [name for name, _ in attrs if name.startswith("on")]


def test_html_holds_the_hostile_markup_only_as_text():
    text = rendered("html")
    parser = Tags()
    parser.feed(text)
    assert "script" not in parser.tags and "img" not in parser.tags and "b" not in parser.tags
    assert "&lt;script&gt;" in text
    assert all(h.startswith(("#", "http://", "https://")) for h in parser.hrefs)


def test_markdown_links_only_what_the_auditor_links():
    text = rendered("markdown")
    assert not re.search(r"(?<!\\)<(script|img|b>)", text)  # markup only as escaped text
    assert not re.search(r"(?<!\\)\]\(", text)  # no link or image syntax survives unescaped
    autolinks = re.findall(r"(?<!\\)<([^<>]*)>", text)
    assert autolinks and all(re.fullmatch(r"https?://[^\s<>]+", link) for link in autolinks)
    brands, summary = text.split("## Summary")
    for part, cells in ((brands, 6), (summary, 4)):  # no cell broke out of its column
        rows = [line for line in part.splitlines() if line.startswith("| ")]
        assert rows and {len(re.split(r"(?<!\\)\|", row)) - 2 for row in rows} == {cells}


@pytest.mark.parametrize("text, expected", [
    ("a|b\nc", "a\\|b c"), ("<b>", "\\<b\\>"), ("[x](y)", "\\[x\\](y)"), ("`x`", "\\`x\\`"), ("a\\b", "a\\\\b")])
def test_markdown_escaping(text, expected):
    assert markdown(text) == expected


def test_markdown_urls_cannot_end_early_and_other_schemes_are_not_linked():
    assert markdown_url("https://e.example/a b>c<d\ne") == "<https://e.example/a%20b%3Ec%3Cd%0Ae>"
    assert markdown_url("javascript:alert(1)") == "javascript:alert(1)"
    assert markdown_url("https://e.example/?a=1&b=%20") == "<https://e.example/?a=1&b=%20>"


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\t=1", "'\t=1"), ("\r=1", "'\n=1"),
    ("\x00=1", "'=1"), ("plain", "plain"), (-3, -3), ("", "")])
def test_csv_cells_never_start_a_formula(value, expected):
    assert csv_cell(value) == expected


def test_discovery_and_progress_lines_hold_no_escape_sequence():
    from auditor.discover import Discovery
    from auditor.report.discovery import render_discovery
    from auditor.report.progress import BatchProgress

    channel = Channel(platform="web", url=EVIL_URL, kind="website", title=ANSI,
                      found_by=(Evidence(EVIL_URL, "link", OSC_LINK),))
    found = Discovery((channel,), notes=(f"note {ANSI}",))
    for format in ("table", "json"):
        assert not RAW_CONTROLS.findall(render_discovery(found, format).replace("\n", ""))
    stream = io.StringIO()
    progress = BatchProgress(2, stream=stream, live=False)
    progress.done(AUDITS[-1])
    progress.failed(f"x{ANSI}", RuntimeError(OSC_LINK))
    assert "\x1b" not in stream.getvalue() and "[2J" in stream.getvalue()
