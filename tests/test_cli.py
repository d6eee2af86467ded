"""The command line: exit codes, formats, one-line errors, the offline demo."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cli import app

runner = CliRunner()
FAST = ["--as-of", "2026-11-22", "--timeout", "5"]


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_a_stale_brand_exits_1_and_a_healthy_one_0(fixture_internet):
    stale = invoke("audit", "oldcorner.example", *FAST)
    assert stale.exit_code == 1, stale.output
    assert "STALE001" in stale.output
    healthy = invoke("audit", "https://acme.example/", *FAST)
    assert healthy.exit_code == 0 and "No findings." in healthy.output


def test_fail_on_decides_what_fails(fixture_internet):
    assert invoke("audit", "oldcorner.example", *FAST, "--fail-on", "never").exit_code == 0
    assert invoke("audit", "oldcorner.example", *FAST, "--fail-on", "error").exit_code == 0
    assert invoke("audit", "oldcorner.example", *FAST, "--fail-on", "info").exit_code == 1


def test_json_to_a_file(fixture_internet, tmp_path):
    target = tmp_path / "out" / "report.json"
    result = invoke("audit", "https://finished.example", *FAST, "--format", "json", "-o", str(target))
    assert result.exit_code == 1
    document = json.loads(target.read_text())
    assert document["schema_version"] == "1"
    assert document["activities"][1]["expired"] is True
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]  # no temporary file left behind


def test_extra_channels_from_the_command_line(fixture_internet):
    result = invoke("audit", "acme.example", *FAST, "--channel", "https://oldcorner.example/rss.xml", "-f", "json")
    document = json.loads(result.output)
    assert "https://oldcorner.example/rss.xml" in [c["url"] for c in document["channels"]]


@pytest.mark.parametrize(
    "args, message",
    [
        (["audit", "not-a-url"], "not a URL or domain name"),
        (["audit", "ftp://acme.example/"], "not a web address"),
        (["audit", "acme.example", "--as-of", "someday"], "is not a date"),
        (["audit", "acme.example", "--channel", "::"], "not a URL"),
        (["rules", "NOPE001"], "unknown rule code"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_unknown_options_and_formats_exit_2():
    assert runner.invoke(app, ["audit", "acme.example", "--bogus"]).exit_code == 2
    assert runner.invoke(app, ["audit", "acme.example", "--format", "xml"]).exit_code == 2


def test_an_unwritable_output_is_a_user_error(fixture_internet, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["audit", "acme.example", *FAST, "-o", str(blocker / "report.json")])
    assert result.exit_code == 2 and "cannot write" in result.output


def test_rules_lists_and_explains():
    listing = invoke("rules")
    assert "STALE001" in listing.output and "stale" in listing.output
    docs = invoke("rules", "stale001")
    for section in ("What it flags", "Why it matters", "Example", "How to fix", "Options"):
        assert section in docs.output


def test_help_teaches_by_example():
    text = invoke("audit", "--help").output
    assert "auditor audit acme.example --format json -o report.json" in text
    assert "Exit status" in text


def test_the_demo_runs_offline_on_the_bundled_fixtures():
    # No fixture_internet here: the demo starts its own, from the installed package data.
    result = invoke("demo")
    assert result.exit_code == 0
    for brand in ("acme.example", "oldcorner.example", "finished.example", "down.example"):
        assert f"Audit of {brand} as of 2026-11-22" in result.output
    assert "STALE001 https://oldcorner.example/rss.xml" in result.output
    assert "STALE001 https://finished.example/feed.json" in result.output
    assert "BROKEN003 https://down.example/" in result.output
    assert "Summary of 11 brands" in result.output


def test_python_dash_m_and_version():
    done = subprocess.run([sys.executable, "-m", "auditor", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("presence-auditor ")


def test_a_config_file_and_flags_shape_the_run(fixture_internet, tmp_path):
    config = tmp_path / "auditor.toml"
    config.write_text('[[suppress]]\nchannel = "https://oldcorner.example/rss.xml"\nrule = "STALE"\n'
                      'reason = "client retired it"\n')
    quiet = invoke("audit", "oldcorner.example", *FAST, "--config", str(config))
    assert quiet.exit_code == 0 and "suppressed STALE001" in quiet.output and "client retired it" in quiet.output
    assert invoke("audit", "oldcorner.example", *FAST, "--ignore", "STALE001").exit_code == 0
    assert invoke("audit", "oldcorner.example", *FAST, "--select", "BROKEN").exit_code == 0


def test_config_errors_exit_2_with_the_file_named(tmp_path):
    config = tmp_path / "auditor.toml"
    config.write_text("[rules.STALE001]\ndays = 'long'\n")
    result = runner.invoke(app, ["audit", "acme.example", "--config", str(config)])
    assert result.exit_code == 2
    assert str(config) in result.output and "days must be a table" in result.output
    result = runner.invoke(app, ["audit", "acme.example", "--ignore", "STAEL"])
    assert result.exit_code == 2 and "--ignore: 'STAEL' matches no rule" in result.output


def test_baseline_marks_new_findings_and_fail_on_new(fixture_internet, tmp_path):
    before = tmp_path / "before.json"
    invoke("audit", "oldcorner.example", *FAST, "-f", "json", "-o", str(before))
    again = invoke("audit", "oldcorner.example", *FAST, "--baseline", str(before), "--fail-on-new")
    assert again.exit_code == 0 and "NEW" not in again.output
    empty = tmp_path / "empty.json"
    invoke("audit", "acme.example", *FAST, "-f", "json", "-o", str(empty))
    fresh = invoke("audit", "oldcorner.example", *FAST, "--baseline", str(empty), "--fail-on-new")
    assert fresh.exit_code == 1 and "NEW" in fresh.output


def test_handles_are_probed_only_when_asked(fixture_internet):
    plain = invoke("audit", "nofeed.example", *FAST, "--handle", "bigbrand", "-f", "json")
    assert [c["platform"] for c in json.loads(plain.output)["channels"]] == ["web"]
    probed = invoke("audit", "nofeed.example", *FAST, "--handle", "bigbrand", "--probe-handles", "-f", "json")
    channels = {c["platform"]: c for c in json.loads(probed.output)["channels"]}
    assert channels["tiktok"]["confidence"] == "low"  # TikTok's oEmbed confirms the account exists
    assert "linkedin" not in channels  # a 999 is never "found"
