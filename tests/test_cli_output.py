"""What the terminal shows: tables that fit 80 columns and a pipe, URLs shortened in the middle, findings
by urgency, the concise form, colours by --color and NO_COLOR, -q, progress cleared before each report,
several formats in one run, and the demo served on loopback."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import urllib.request

from typer.testing import CliRunner

from cli import app

from auditor.report.output import use_color
from auditor.report.progress import CLEAR, BatchProgress
from auditor.report.table import shorten

runner = CliRunner()
FAST = ["--as-of", "2026-11-22", "--timeout", "5", "--max-retries", "0"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
RANK = {"error": 0, "warning": 1, "info": 2}


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def invoke(*args: str, **kwargs):
    return runner.invoke(app, list(args), catch_exceptions=False, **kwargs)


def test_urls_are_shortened_in_the_middle():
    url = "www.linkedin.com/company/bigbrand-international-holdings/"
    short = shorten(url, 30)
    assert len(short) == 30 and short.startswith("www.linkedin.co") and short.endswith("holdings/")
    assert "…" in short and shorten("a.example/", 30) == "a.example/"


def test_at_80_columns_no_row_is_wider_and_no_url_is_wrapped(fixture_internet):
    result = invoke("audit", "bigbrand.example", *FAST, "-v", env={"COLUMNS": "80"})
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    channels = json.loads(invoke("audit", "bigbrand.example", *FAST, "-f", "json").stdout)["channels"]
    table = [line.split("  ")[0] for line in lines]  # the channel column comes first at this width
    for channel in channels:
        url = channel["url"].removeprefix("https://")
        assert any(cell == url or ("…" in cell and url.startswith(cell.split("…")[0])
                                   and url.endswith(cell.split("…")[1])) for cell in table), url


def test_through_a_pipe_the_table_is_laid_out_for_80_columns(fixture_internet):
    environment = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    done = subprocess.run([sys.executable, "-m", "auditor", "audit", "bigbrand.example", *FAST, "-v"],
                          capture_output=True, text=True, env=environment, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Audit of bigbrand.example" in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
    assert "\x1b[" not in done.stdout  # --color auto: no colour into a pipe


def test_findings_go_error_then_warning_then_info_then_by_channel(fixture_internet, tmp_path):
    brands = tmp_path / "brands.csv"
    brands.write_text("name,url\nbig,https://bigbrand.example/\ndown,https://down.example/\n")
    table = invoke("audit", "--brands", str(brands), *FAST).stdout
    assert re.search(r"^error ", table, re.M) and re.search(r"^info ", table, re.M)
    for text in table.split("Audit of ")[1:]:
        found = [(RANK[line.split()[0]], line.split()[2]) for line in text.splitlines()
                 if re.match(r"^(error|warning|info) +[A-Z]+\d{3} ", line)]
        assert found == sorted(found)


def test_concise_is_one_grepable_line_per_finding(fixture_internet):
    result = invoke("audit", "bigbrand.example", *FAST, "-f", "concise")
    lines = result.stdout.splitlines()
    findings = [line for line in lines if re.match(r"^https?://\S+: [A-Z]+\d{3} \[(error|warning|info)\] ", line)]
    document = json.loads(invoke("audit", "bigbrand.example", *FAST, "-f", "json").stdout)
    assert len(findings) == len(document["findings"]) and findings
    assert lines[-1].startswith("bigbrand.example: ") and len(lines) == len(findings) + 1
    ranks = [RANK[re.search(r"\[(\w+)\]", line).group(1)] for line in findings]
    assert ranks == sorted(ranks)
    assert "https://bigbrand.tumblr.com/: STALE001 [warning] No activity for" in result.stdout


def test_color_always_colours_a_pipe_and_never_or_auto_do_not(fixture_internet):
    always = invoke("audit", "oldcorner.example", *FAST, "--color", "always").stdout
    assert ANSI.search(always)
    for choice in ("auto", "never"):
        assert not ANSI.search(invoke("audit", "oldcorner.example", *FAST, "--color", choice).stdout)
    concise = invoke("audit", "oldcorner.example", *FAST, "--color", "always", "-f", "concise").stdout
    assert ANSI.search(concise) and "STALE001" in ANSI.sub("", concise)


def test_no_color_turns_auto_off_on_a_terminal_but_not_always():
    assert use_color("auto", Terminal(), {}) is True
    assert use_color("auto", Terminal(), {"NO_COLOR": "1"}) is False
    assert use_color("auto", Terminal(), {"NO_COLOR": ""}) is True  # set but empty does not count
    assert use_color("always", Terminal(), {"NO_COLOR": "1"}) is True
    assert use_color("auto", None, {}) is False  # a file


def test_quiet_keeps_the_report_and_drops_progress_and_chatter(fixture_internet, tmp_path):
    brands = tmp_path / "brands.csv"
    brands.write_text("name,url\nacme,https://acme.example/\nold,https://oldcorner.example/\n")
    out = tmp_path / "audit.jsonl"
    loud = invoke("audit", "--brands", str(brands), *FAST, "-f", "json", "-o", str(out))
    assert "[2/2]" in loud.stderr and "wrote" in loud.stderr
    quiet = invoke("audit", "--brands", str(brands), *FAST, "-f", "json", "-o", str(out), "-q")
    assert quiet.exit_code == 1 and quiet.stderr == ""
    assert len(out.read_text().splitlines()) == 2


def test_the_progress_line_fits_the_terminal_and_is_cleared(fixture_internet):
    from auditor import AuditOptions, audit
    from conftest import AS_OF, TEST_FETCH

    result = audit("https://oldcorner.example/", AuditOptions(as_of=AS_OF, fetch=TEST_FETCH))
    screen = Terminal()
    progress = BatchProgress(3, stream=screen, width=40)
    progress.done(result)
    assert all(len(part) <= 39 for part in screen.getvalue().split(CLEAR))
    assert "1/3" in screen.getvalue()
    progress.clear()
    assert screen.getvalue().endswith(CLEAR)


def test_each_report_starts_on_a_cleared_line_when_progress_shares_the_terminal(fixture_internet, tmp_path):
    from auditor.batch import BrandSpec
    from auditor.discover.brand import brand_from
    from auditor.options import AuditOptions
    from auditor.plugin import load_registry
    from auditor.report import ReportOptions
    from auditor.report.output import StreamSink
    from auditor.run import run_and_report
    from conftest import AS_OF, TEST_FETCH

    screen = Terminal()
    sink = StreamSink("table", ReportOptions(width=80), screen, many=True)
    specs = [BrandSpec(brand_from(url)) for url in ("acme.example", "oldcorner.example", "finished.example")]
    status = run_and_report(specs, AuditOptions(as_of=AS_OF, fetch=TEST_FETCH), load_registry(), sink,
                            say=lambda line: None, progress=BatchProgress(3, stream=screen, width=80))
    assert status == 1
    text = screen.getvalue()
    assert text.count("Audit of ") == 3
    starts = [m.start() for m in re.finditer("Audit of ", text)]
    assert all(text[:start].endswith(CLEAR) for start in starts)  # never glued to the bar


def test_several_formats_in_one_run(fixture_internet, tmp_path):
    out = tmp_path / "out"
    result = invoke("audit", "oldcorner.example", *FAST, "--format", "json,html,concise", "-o", str(out))
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json", "report.log"]
    assert json.loads((out / "report.json").read_text())["brand"]["name"] == "oldcorner.example"
    assert "<html" in (out / "report.html").read_text().lower()
    brands = tmp_path / "brands.csv"
    brands.write_text("name,url\nacme,https://acme.example/\nold,https://oldcorner.example/\n")
    invoke("audit", "--brands", str(brands), *FAST, "-f", "json,markdown", "-o", str(tmp_path / "many"))
    assert len((tmp_path / "many" / "report.jsonl").read_text().splitlines()) == 2
    invoke("audit", "--brands", str(brands), *FAST, "-f", "json,markdown", "--output-dir", str(tmp_path / "each"))
    assert sorted(p.name for p in (tmp_path / "each").iterdir() if not p.name.startswith(".")) == [
        "acme.json", "acme.md", "old.json", "old.md"]


def test_demo_serve_answers_the_html_report_on_loopback():
    environment = {**os.environ, "AUDITOR_NO_BROWSER": "1"}
    process = subprocess.Popen([sys.executable, "-m", "auditor", "demo", "--serve"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=environment)
    try:
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, line + process.stderr.read()
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(match.group(0), timeout=30) as response:
            page = response.read().decode()
        assert response.headers["Content-Type"].startswith("text/html")
        assert "oldcorner.example" in page and "<html" in page.lower()
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
    assert process.returncode == 0
