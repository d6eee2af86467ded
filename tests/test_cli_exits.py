"""Exit codes as the README's table says, in every combination that used to lie, and bad arguments
rejected before any request reaches the network (the fixture internet's log stays as it was)."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from test_batch import make_brands

from auditor.fixtures.fixtureweb import FixtureInternet

runner = CliRunner()
FAST = ["--as-of", "2026-11-22", "--timeout", "5", "--max-retries", "0"]


def invoke(*args: str, **kwargs):
    return runner.invoke(app, list(args), catch_exceptions=False, **kwargs)


def bad_arguments(tmp_path: Path) -> list[tuple[list[str], str]]:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    negative = tmp_path / "negative.toml"
    negative.write_text("[rules.STALE001]\ndays = { blog = -30 }\n")
    (tmp_path / "existing-dir").mkdir()
    return [
        (["--fail-on-new"], "--fail-on-new needs --baseline"),
        (["--timeout", "-1"], "--timeout"),
        (["--timeout", "0"], "--timeout"),
        (["--concurrency", "0"], "--concurrency"),
        (["--concurrency", "-4"], "--concurrency"),
        (["--max-age", "-1"], "--max-age"),
        (["--max-retries", "-1"], "--max-retries"),
        (["--brand-timeout", "-5"], "--brand-timeout"),
        (["--config", str(negative)], "must not be negative"),
        (["-o", str(tmp_path / "existing-dir")], "it is a directory"),
        (["-o", str(a_file / "report.json")], "is a file, not a directory"),
        (["--output-dir", str(a_file)], "is a file, not a directory"),
        (["--cache-dir", str(a_file)], "HTTP cache"),
        (["--format", "xml"], "unknown format 'xml'"),
        (["--format", "json,json"], "names a format twice"),
        (["--format", "json,html"], "several formats need -o DIR"),
        (["--format", "json,html", "-o", str(a_file)], "-o names a directory"),
        (["--resume"], "--resume needs --output"),
        (["--baseline", str(tmp_path / "missing.json")], "cannot read baseline"),
        (["--as-of", "someday"], "is not a date"),
        (["--ignore", "STAEL"], "matches no rule"),
    ]


def test_bad_arguments_exit_2_with_one_line_and_no_request(fixture_internet, tmp_path):
    before = len(fixture_internet.log)
    for args, message in bad_arguments(tmp_path):
        result = runner.invoke(app, ["audit", "oldcorner.example", *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output
        assert result.stdout == "", args  # nothing that looks like a report
    assert len(fixture_internet.log) == before, "a request was made although the arguments were bad"


def test_an_existing_directory_as_output_fails_before_the_audit_not_after(fixture_internet, tmp_path):
    before = len(fixture_internet.log)
    result = runner.invoke(app, ["audit", "--brands", str(make_brands(tmp_path / "web", 2)), *FAST, "-o",
                                 str(tmp_path)])
    assert result.exit_code == 2 and "is a directory" in result.stderr
    assert len(fixture_internet.log) == before


@pytest.mark.parametrize("args, status", [
    ([], 1),
    (["--fail-on", "never"], 0),
    (["--fail-on", "error"], 0),
    (["--fail-on", "info"], 1),
    (["--select", "BROKEN"], 0),
])
def test_fail_on_and_selection(fixture_internet, args, status):
    assert invoke("audit", "oldcorner.example", *FAST, *args).exit_code == status


def test_fail_on_new_counts_only_new_findings_at_or_above_fail_on(fixture_internet, tmp_path):
    same, empty = tmp_path / "same.json", tmp_path / "empty.json"
    invoke("audit", "oldcorner.example", *FAST, "-f", "json", "-o", str(same))
    invoke("audit", "acme.example", *FAST, "-f", "json", "-o", str(empty))
    assert invoke("audit", "oldcorner.example", *FAST, "--baseline", str(same), "--fail-on-new").exit_code == 0
    assert invoke("audit", "oldcorner.example", *FAST, "--baseline", str(same)).exit_code == 1
    assert invoke("audit", "oldcorner.example", *FAST, "--baseline", str(empty), "--fail-on-new").exit_code == 1
    assert invoke("audit", "oldcorner.example", *FAST, "--baseline", str(empty), "--fail-on-new",
                  "--fail-on", "error").exit_code == 0  # the new finding is a warning


def test_an_unreachable_homepage_is_a_finding_and_nothing_read_at_all_is_3(fixture_internet):
    down = invoke("audit", "down.example", *FAST)
    assert down.exit_code == 3, down.output
    assert "BROKEN003 https://down.example/" in down.stdout  # the report still says what happened
    assert "nothing could be audited" in down.stderr
    hidden = invoke("audit", "down.example", *FAST, "--select", "STALE")  # no rule reports it: still not 0
    assert hidden.exit_code == 3 and "No findings." in hidden.stdout
    assert invoke("audit", "down.example", *FAST, "--fail-on", "never").exit_code == 3


def test_one_unreachable_brand_among_readable_ones_is_a_finding(fixture_internet, tmp_path):
    brands = tmp_path / "brands.csv"
    brands.write_text("name,url\nacme,https://acme.example/\ndown,https://down.example/\n")
    result = invoke("audit", "--brands", str(brands), *FAST, "-f", "concise")
    assert result.exit_code == 1, result.output
    assert "https://down.example/: BROKEN003 [error]" in result.stdout
    assert "nothing could be audited" not in result.stderr
    assert invoke("audit", "--brands", str(brands), *FAST, "--fail-on", "never").exit_code == 0


@pytest.fixture
def web(tmp_path, monkeypatch):
    brands = make_brands(tmp_path / "web", 4)  # brand 0 is stale, 1-3 are fresh
    internet = FixtureInternet(tmp_path / "web").start()
    for key, value in internet.env().items():
        monkeypatch.setenv(key, value)
    yield brands, internet
    internet.stop()


@pytest.mark.parametrize("destination", ["-o", "--output-dir"])
def test_resuming_a_finished_batch_exits_as_the_original_run(web, tmp_path, destination):
    brands, internet = web
    target = str(tmp_path / ("audit.jsonl" if destination == "-o" else "reports"))
    args = ["audit", "--brands", str(brands), *FAST, "-f", "json", destination, target]
    assert invoke(*args).exit_code == 1
    before = len(internet.log)
    again = invoke(*args, "--resume")
    assert again.exit_code == 1, again.output  # brand 0's stale finding, from the earlier run
    assert "skipped 4 brands already done" in again.stderr
    assert len(internet.log) == before  # nothing audited again
    assert invoke(*args, "--resume", "--fail-on", "never").exit_code == 0
    assert invoke(*args, "--resume", "--fail-on", "error").exit_code == 0


def test_resume_after_a_partial_run_counts_both_parts(web, tmp_path):
    brands, _ = web
    out = tmp_path / "audit.jsonl"
    args = ["audit", "--brands", str(brands), *FAST, "-f", "json", "-o", str(out)]
    invoke(*args)
    lines = out.read_text().splitlines(keepends=True)
    stale = [line for line in lines if json.loads(line)["brand"]["name"] == "Brand 000"]
    out.write_text("".join(stale))  # only the stale brand finished before the interruption
    result = invoke(*args, "--resume")
    assert result.exit_code == 1 and "skipped 1 brands already done" in result.stderr
    assert len(out.read_text().splitlines()) == 4


def test_a_dead_proxy_is_one_line_naming_it_and_exit_3(tmp_path, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proxy = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("HTTPS_PROXY", proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    brands = tmp_path / "brands.csv"
    brands.write_text("name,url\n" + "".join(f"b{n},https://b{n}.example/\n" for n in range(5)))
    for target in (["acme.example"], ["--brands", str(brands)]):
        result = runner.invoke(app, ["audit", *target, *FAST])
        assert result.exit_code == 3, result.output
        assert result.stdout == ""
        (line,) = result.stderr.splitlines()
        assert proxy in line and "HTTPS_PROXY" in line and "not reachable" in line


def test_no_proxy_hosts_skip_the_proxy_check(monkeypatch):
    from auditor.fetch.proxy import proxy_for

    environ = {"HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "internal.example"}
    assert proxy_for("https://acme.example/", environ).port == 3128
    assert proxy_for("https://internal.example/", environ) is None
    assert proxy_for("https://acme.example/", {}) is None


def test_a_brand_past_its_time_budget_fails_and_the_others_go_on(tmp_path, monkeypatch):
    brands = make_brands(tmp_path / "web", 2)
    slow = tmp_path / "web" / "brand001.example" / "feed.xml"
    feed = slow.read_text()
    slow.unlink()
    (slow.parent / "feed.xml.http").write_text(
        f"HTTP/1.1 200 OK\nContent-Type: application/rss+xml\nX-Fixture-Delay: 4\n\n{feed}")
    with FixtureInternet(tmp_path / "web") as internet:
        for key, value in internet.env().items():
            monkeypatch.setenv(key, value)
        out = tmp_path / "audit.jsonl"
        result = invoke("audit", "--brands", str(brands), *FAST, "-f", "json", "-o", str(out),
                        "--brand-timeout", "1")
    assert result.exit_code == 3, result.output
    assert "Brand 001: the audit failed" in result.stderr and "--brand-timeout" in result.stderr
    assert [json.loads(line)["brand"]["name"] for line in out.read_text().splitlines()] == ["Brand 000"]


def test_max_retries_bounds_the_attempts_per_url(fixture_internet):
    # busy.example answers 503 to its homepage, every time; its robots.txt is a plain 404 (not retried).
    for retries in (0, 2):
        result = invoke("audit", "busy.example", "--as-of", "2026-11-22", "--timeout", "5", "--no-history",
                        "--max-retries", str(retries), "-f", "json")
        stats = json.loads(result.stdout)["stats"]
        assert stats["requests"] == 2 and stats["attempts"] == 2 + retries, (retries, stats)


def test_config_found_by_walking_up_from_the_working_directory(fixture_internet, tmp_path, monkeypatch):
    (tmp_path / "auditor.toml").write_text('ignore = ["STALE"]\n')
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "pyproject.toml").write_text("[tool.other]\nx = 1\n")  # not ours: passed over
    deep = tmp_path / "a" / "b"
    deep.mkdir()
    monkeypatch.chdir(deep)
    assert invoke("audit", "oldcorner.example", *FAST).exit_code == 0
    shown = invoke("config", "--extend-select", "SLOW001").stdout
    assert f"# configuration file: {tmp_path / 'auditor.toml'}" in shown
    assert f'ignore = ["STALE"]' in shown and f"# {tmp_path / 'auditor.toml'}" in shown
    assert 'extend-select = ["SLOW001"]' in shown and "# --extend-select" in shown
    assert "STALE001" not in shown.split("# rules that run:")[1].splitlines()[0]
    (tmp_path / "a" / "pyproject.toml").write_text("[tool.auditor]\nfail-on = 'error'\n")  # nearer: it wins
    shown = invoke("config").stdout
    assert f"{tmp_path / 'a' / 'pyproject.toml'} [tool.auditor]" in shown and 'ignore = []' in shown
    assert invoke("audit", "oldcorner.example", *FAST).exit_code == 0  # the stale warning is below error


def test_config_command_shows_defaults_and_rejects_mistakes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shown = invoke("config", "--fail-on", "error").stdout
    assert "configuration file: none found" in shown
    assert 'fail-on = "error"' in shown and "# --fail-on" in shown
    assert "[rules.STALE001]" in shown and "default_days = 180" in shown
    (tmp_path / "auditor.toml").write_text("[rules.STALE001]\ndefault_days = 30\n")
    shown = invoke("config").stdout
    assert any(line.startswith("default_days = 30") and "auditor.toml" in line for line in shown.splitlines())
    (tmp_path / "auditor.toml").write_text("colour = 1\n")
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 2 and "unknown key 'colour'" in result.stderr


def test_help_lists_every_option_with_h_too():
    text = invoke("audit", "-h").stdout
    for option in ("--quiet", "--color", "--max-retries", "--brand-timeout", "--format", "--fail-on-new",
                   "--resume", "--baseline", "--output-dir", "--cache-dir", "--timeout", "--concurrency"):
        assert option in text, option
    assert "--format json,html -o out/" in text and "--brand-timeout 300" in text
    assert "auditor demo --serve" in invoke("demo", "--help").stdout
    assert "auditor config" in invoke("config", "-h").stdout


def test_shell_completion_is_offered_and_completes_formats():
    from cli import complete_formats

    assert "--show-completion" in invoke("--help").stdout
    assert "complete" in invoke("--show-completion", "bash").stdout
    assert complete_formats("js") == ["json"]
    assert complete_formats("json,h") == ["json,html"]
    assert "json,json" not in complete_formats("json,")


def test_umask_decides_the_mode_of_every_file_written(fixture_internet, tmp_path):
    old = os.umask(0o027)
    try:
        invoke("audit", "acme.example", *FAST, "-f", "json", "-o", str(tmp_path / "one.json"))
        invoke("audit", "acme.example", *FAST, "--output-dir", str(tmp_path / "dir"), "-f", "markdown")
        invoke("audit", "acme.example", *FAST, "-f", "json,html", "-o", str(tmp_path / "both"))
    finally:
        os.umask(old)
    written = [tmp_path / "one.json", *(tmp_path / "dir").iterdir(), *(tmp_path / "both").iterdir()]
    assert len(written) >= 4
    assert {oct(path.stat().st_mode & 0o777) for path in written} == {oct(0o640)}


def test_every_audit_option_is_in_help_and_in_the_readme():
    import typer.main

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    command = typer.main.get_command(app).commands["audit"]  # type: ignore[attr-defined]
    help_text = invoke("audit", "--help").stdout
    names = [name for param in command.params for name in param.opts if name.startswith("--")]
    assert len(names) > 30
    for name in names:
        assert name in help_text, name
        assert f"`{name}" in readme or f", {name}" in readme or f"{name}`" in readme, name
    top = readme.split("```")[1].strip().splitlines()
    assert len(top) == 2  # the README's two commands stay two
