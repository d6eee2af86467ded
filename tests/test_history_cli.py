"""The history from the command line, end to end through a fixture internet that changes
between three runs at three --as-of dates."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from conftest import FIXTURE_WEB
from typer.testing import CliRunner

from auditor.demo import demo_brands
from auditor.fixtures.fixtureweb import FixtureInternet
from cli import app

runner = CliRunner()
FAST = ["--as-of", "2026-11-22", "--timeout", "5"]
DATES = ("2026-11-22", "2027-01-10", "2027-07-01")
NEW_POST = """<item>
<title>Back at the ovens</title>
<link>https://oldcorner.example/2026/12/20/back/</link>
<pubDate>Sun, 20 Dec 2026 09:00:00 +0000</pubDate>
<guid>https://oldcorner.example/2026/12/20/back/</guid>
</item>
<item>"""


def invoke(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory):
    """The demo brands audited on three dates into one history, the fixtures changing between runs:
    oldcorner posts again after the first run; finished.example drops its "expired" flag after the second.
    down.example is left out: an unreachable host only costs retries here."""
    root = tmp_path_factory.mktemp("web")
    web_root = root / "web"
    shutil.copytree(FIXTURE_WEB, web_root)
    brands = root / "brands.csv"
    brands.write_text("url\n" + "\n".join(u for u in demo_brands() if "down.example" not in u) + "\n")
    history = root / "history.sqlite3"
    reports = {}
    with FixtureInternet(web_root) as web:
        for index, as_of in enumerate(DATES):
            if index == 1:
                rss = web_root / "oldcorner.example" / "rss.xml"
                rss.write_text(rss.read_text().replace("<item>", NEW_POST, 1))
            if index == 2:
                feed = web_root / "finished.example" / "feed.json"
                feed.write_text(feed.read_text().replace('"expired": true', '"expired": false'))
            target = root / f"{as_of}.jsonl"
            result = invoke("audit", "--brands", str(brands), "--as-of", as_of, "--timeout", "5", "--concurrency", "10",
                            "--history", str(history), "-f", "json", "-o", str(target), env=web.env())
            assert result.exit_code == 1, result.output
            reports[as_of] = {d["brand"]["name"]: d for d in map(json.loads, target.read_text().splitlines())}
    return history, reports


def findings(report: dict) -> dict[str, dict]:
    return {f"{f['code']} {f['channel_url']}": f for f in report["findings"]}


def test_reports_carry_first_seen_and_stale_since_from_the_first_run_that_saw_it(three_runs):
    _, reports = three_runs
    first, _, last = (reports[d] for d in DATES)
    persisting = findings(last["finished.example"])["STALE001 https://finished.example/feed.json"]
    assert persisting["first_seen"] == persisting["stale_since"] == "2026-11-22T00:00:00+00:00"
    assert "STALE001 https://oldcorner.example/rss.xml" in findings(first["oldcorner.example"])
    assert findings(reports["2027-01-10"]["oldcorner.example"]) == {}  # the new post resolved it
    again = findings(last["oldcorner.example"])["STALE001 https://oldcorner.example/rss.xml"]
    assert again["first_seen"] == "2026-11-22T00:00:00+00:00"  # first seen in run 1 ...
    assert again["stale_since"] == "2027-07-01T00:00:00+00:00"  # ... but stale again only since run 3
    assert [p["as_of"][:10] for p in last["acme.example"]["trend"]] == list(DATES)


def test_history_brand_shows_stale_since_and_what_appeared_and_resolved(three_runs):
    history, _ = three_runs
    text = invoke("history", "oldcorner.example", "--history", str(history)).output
    assert "History of oldcorner.example: 3 runs, 2026-11-22 to 2027-07-01" in text
    assert "2026-11-22  + STALE001   https://oldcorner.example/rss.xml" in text
    assert "2027-01-10  - STALE001   https://oldcorner.example/rss.xml" in text
    assert "2027-07-01  + STALE001   https://oldcorner.example/rss.xml" in text
    assert "STALE001   https://oldcorner.example/rss.xml  first seen 2026-11-22, stale since 2027-07-01" in text
    finished = invoke("history", "finished.example", "--history", str(history)).output
    assert "2027-07-01  - STALE003   https://finished.example/feed.json" in finished
    assert "STALE001   https://finished.example/feed.json  first seen 2026-11-22, stale since 2026-11-22" in finished
    runs = json.loads(invoke("history", "finished.example", "--history", str(history), "-f", "json").output)["runs"]
    assert [len(r["resolved"]) for r in runs] == [0, 0, 1]


def test_history_portfolio_shows_every_brand_and_its_trend(three_runs):
    history, reports = three_runs
    standings = {s["brand"]: s for s in json.loads(
        invoke("history", "--portfolio", "--history", str(history), "-f", "json").output)}
    assert set(standings) == set(reports["2027-07-01"])
    assert all(s["runs"] == 3 for s in standings.values())
    assert standings["acme.example"]["trend"] == "worse"  # its feed went quiet between runs 2 and 3
    assert standings["finished.example"]["trend"] == "better"  # no longer declared finished
    text = invoke("history", "--portfolio", "--history", str(history)).output
    assert f"Portfolio: {len(standings)} brands in the history" in text


def test_baseline_previous_and_prune_from_the_command_line(fixture_internet, tmp_path):
    history = str(tmp_path / "h.sqlite3")
    first = invoke("audit", "oldcorner.example", *FAST, "--history", history, "--baseline", "previous", "--fail-on-new")
    assert first.exit_code == 1 and "NEW" in first.output  # no earlier run: the finding is new
    again = invoke("audit", "oldcorner.example", *FAST, "--history", history, "--baseline", "previous", "--fail-on-new")
    assert again.exit_code == 0 and "NEW" not in again.output
    pruned = invoke("history", "prune", "--keep", "1", "--history", history)
    assert pruned.exit_code == 0 and "pruned 1 runs" in pruned.output
    assert "1 run, 2026-11-22" in invoke("history", "oldcorner.example", "--history", history).output


def test_the_default_history_lives_under_xdg_data_home_and_no_history_writes_none(fixture_internet, tmp_path,
                                                                                  monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert invoke("audit", "oldcorner.example", *FAST, "--no-history").exit_code == 1
    assert not (tmp_path / "data").exists()
    assert invoke("audit", "oldcorner.example", *FAST).exit_code == 1
    path = tmp_path / "data" / "presence-auditor" / "history.sqlite3"
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
    assert "History of oldcorner.example: 1 run" in invoke("history", "oldcorner.example").output


@pytest.mark.parametrize("args, message", [
    (["history"], "give a BRAND, --portfolio, or prune --keep N"),
    (["history", "prune"], "prune needs --keep N"),
    (["history", "nobody.example"], "no history at"),
    (["audit", "acme.example", "--baseline", "previous", "--no-history"], "drop --no-history"),
])
def test_history_mistakes_are_one_line_and_exit_2(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_a_corrupt_history_stops_the_audit_before_any_request_with_exit_2(fixture_internet, tmp_path):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"not a database\n" * 100)
    requests = len(fixture_internet.log)
    result = runner.invoke(app, ["audit", "oldcorner.example", *FAST, "--history", str(path)])
    assert result.exit_code == 2
    assert result.output.startswith("auditor: error: history ") and "damaged" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert path.read_bytes() == b"not a database\n" * 100
    assert len(fixture_internet.log) == requests
    assert runner.invoke(app, ["history", "--portfolio", "--history", str(path)]).exit_code == 2


def test_an_unknown_brand_names_those_the_history_has(fixture_internet, tmp_path):
    history = str(tmp_path / "h.sqlite3")
    invoke("audit", "oldcorner.example", *FAST, "--history", history)
    result = runner.invoke(app, ["history", "acme.example", "--history", history])
    assert result.exit_code == 2 and "it has: oldcorner.example" in result.output
