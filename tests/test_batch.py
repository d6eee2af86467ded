"""Many brands: brands files, streaming JSON Lines, per-brand files, interrupt and resume, the HTTP cache."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.batch import read_brands
from auditor.discover.brand import InvalidInput
from auditor.report.output import file_key
from auditor.fixtures.fixtureweb import FixtureInternet
from cli import app

runner = CliRunner()
FAST = ["--as-of", "2026-11-22", "--timeout", "5"]


def make_brands(root: Path, count: int, *, delay: float = 0.0) -> Path:
    """``count`` synthetic brands on a fixture tree: every third one stale, each with a homepage and a feed."""
    lines = ["name,url"]
    for n in range(count):
        host = root / f"brand{n:03d}.example"
        host.mkdir(parents=True)
        year = 2019 if n % 3 == 0 else 2026
        (host / "index.html").write_text(
            f'<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>'
            f"<body>Brand {n}</body></html>")
        feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Brand {n}</title>'
                f"<item><link>https://brand{n:03d}.example/p</link>"
                f"<pubDate>Mon, 02 Nov {year} 10:00:00 +0000</pubDate></item></channel></rss>")
        if delay:
            (host / "feed.xml.http").write_text(
                f"HTTP/1.1 200 OK\nContent-Type: application/rss+xml\nX-Fixture-Delay: {delay}\n\n{feed}")
        else:
            (host / "feed.xml").write_text(feed)
        lines.append(f"Brand {n:03d},https://brand{n:03d}.example/")
    brands = root.parent / "brands.csv"
    brands.write_text("\n".join(lines) + "\n")
    return brands


@pytest.fixture
def synthetic(tmp_path, monkeypatch):
    def start(count: int, delay: float = 0.0):
        brands = make_brands(tmp_path / "web", count, delay=delay)
        web = FixtureInternet(tmp_path / "web").start()
        for key, value in web.env().items():
            monkeypatch.setenv(key, value)
        started.append(web)
        return brands, web

    started: list[FixtureInternet] = []
    yield start
    for web in started:
        web.stop()


def test_two_hundred_brands_stream_to_json_lines(synthetic, tmp_path):
    brands, web = synthetic(200)
    out = tmp_path / "audit.jsonl"
    result = runner.invoke(app, ["audit", "--brands", str(brands), *FAST, "-f", "json", "-o", str(out),
                                 "--concurrency", "16"])
    assert result.exit_code == 1, result.output  # a third of them are stale
    documents = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(d["brand"]["name"] for d in documents) == [f"Brand {n:03d}" for n in range(200)]
    stale = {d["brand"]["name"] for d in documents if any(f["code"] == "STALE001" for f in d["findings"])}
    assert stale == {f"Brand {n:03d}" for n in range(0, 200, 3)}
    # per brand: robots.txt, homepage, feed, and the two default sitemaps discovery tries for a
    # homepage that links no about/contact pages
    assert all(d["stats"]["requests"] == 5 for d in documents)
    assert "[200/200]" in result.output  # plain progress lines when not on a terminal


def test_one_file_per_brand_and_a_cross_brand_summary(synthetic, tmp_path):
    brands, _ = synthetic(6)
    reports = tmp_path / "reports"
    result = runner.invoke(app, ["audit", "--brands", str(brands), *FAST, "-f", "markdown", "--output-dir",
                                 str(reports)])
    assert result.exit_code == 1
    # and a hidden ledger of what each brand found, for --resume
    visible = [p for p in reports.iterdir() if not p.name.startswith(".")]
    assert sorted(p.name for p in visible) == sorted(f"{file_key(f'Brand {n:03d}')}.md" for n in range(6))
    assert all(p.name.startswith("Brand_0") for p in visible)
    table = runner.invoke(app, ["audit", "--brands", str(brands), *FAST])
    assert "Summary of 6 brands" in table.output


def test_an_interrupted_batch_leaves_valid_lines_and_resume_finishes_it(synthetic, tmp_path):
    brands, web = synthetic(12, delay=0.3)
    out = tmp_path / "audit.jsonl"
    env = {**os.environ, **web.env()}
    command = [sys.executable, "-m", "auditor", "audit", "--brands", str(brands), *FAST, "-f", "json", "-o",
               str(out), "--concurrency", "1"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not out.exists() or len(out.read_text().splitlines()) < 3):
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "--resume" in stderr
    first = [json.loads(line) for line in out.read_text().splitlines()]  # every line is a whole report
    assert 3 <= len(first) < 12
    done = subprocess.run([*command, "--resume"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert f"skipped {len(first)} brands already done" in done.stderr
    names = [json.loads(line)["brand"]["name"] for line in out.read_text().splitlines()]
    assert sorted(names) == [f"Brand {n:03d}" for n in range(12)]


def test_a_torn_last_line_is_dropped_on_resume(synthetic, tmp_path):
    brands, _ = synthetic(3)
    out = tmp_path / "audit.jsonl"
    runner.invoke(app, ["audit", "--brands", str(brands), *FAST, "-f", "json", "-o", str(out)])
    whole = out.read_text().splitlines(keepends=True)
    out.write_text(whole[0] + whole[1][: len(whole[1]) // 2])  # crash in the middle of the second line
    result = runner.invoke(app, ["audit", "--brands", str(brands), *FAST, "-f", "json", "-o", str(out), "--resume"])
    assert "skipped 1 brands already done" in result.output
    assert len([json.loads(line) for line in out.read_text().splitlines()]) == 3


def test_the_http_cache_makes_a_second_run_free(fixture_internet, tmp_path):
    cache = ["--cache-dir", str(tmp_path / "cache")]
    first = runner.invoke(app, ["audit", "https://acme.example/", *FAST, *cache])
    assert first.exit_code == 0
    before = len(fixture_internet.log)
    second = runner.invoke(app, ["audit", "https://acme.example/", *FAST, *cache, "-f", "json"])
    assert second.exit_code == 0
    again = fixture_internet.log[before:]
    # robots.txt, homepage and feed came from the cache; only failures (the 404 about/contact pages) are asked again
    assert again and all(entry.status == 404 for entry in again)
    assert json.loads(second.output)["activities"][1]["last_activity"] == "2026-11-15T09:30:00+00:00"
    before = len(fixture_internet.log)
    runner.invoke(app, ["audit", "https://acme.example/", *FAST, *cache, "--no-cache"])
    # robots.txt, homepage, feed and comments feed are fetched again
    assert [e.status for e in fixture_internet.log[before:]].count(200) == 4


@pytest.mark.parametrize(
    "content, suffix, message",
    [
        ("name,url\nA,not a url\n", ".csv", "brands.csv:2: not a URL"),
        ("name,site\nA,https://a.example\n", ".csv", "needs a header with a url"),
        ("name,url\nA,https://a.example\nA,https://b.example\n", ".csv", "repeated: A"),
        ("name,url\n", ".csv", "lists no brands"),
        ("[[brand]]\nname = 'A'\n", ".toml", "#1: no url"),
        ("[[brand]]\nurl = 'https://a.example'\ncolour = 'red'\n", ".toml", "unknown field(s) colour"),
        ("[[brand\n", ".toml", "not valid TOML"),
    ],
)
def test_bad_brands_files_name_the_line(tmp_path, content, suffix, message):
    path = tmp_path / f"brands{suffix}"
    path.write_text(content)
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_brands(path)


def test_brands_files_carry_channels_handles_and_config(tmp_path):
    (tmp_path / "strict.toml").write_text("[rules.STALE001]\ndays = { blog = 30 }\n")
    path = tmp_path / "brands.toml"
    path.write_text("[[brand]]\nname = 'Acme'\nurl = 'acme.example'\nchannels = ['https://acme.example/feed/']\n"
                    "handles = ['acme']\nconfig = 'strict.toml'\n")
    (spec,) = read_brands(path)
    assert spec.brand.homepages == ("https://acme.example/",) and spec.brand.handles == ("acme",)
    assert spec.rules.options == {"STALE001": {"days": {"blog": 30}}}
    csv_path = tmp_path / "brands.csv"
    csv_path.write_text("name,homepage,channels\nAcme,acme.example,https://a.example/feed https://b.example/rss\n")
    (spec,) = read_brands(csv_path)
    assert spec.brand.channels == ("https://a.example/feed", "https://b.example/rss")


def test_url_and_brands_are_exclusive():
    assert runner.invoke(app, ["audit"]).exit_code == 2
    result = runner.invoke(app, ["audit", "acme.example", "--brands", "x.csv"])
    assert result.exit_code == 2 and "give one brand URL or --brands FILE" in result.output
    result = runner.invoke(app, ["audit", "acme.example", "--resume"])
    assert result.exit_code == 2 and "--resume needs --output" in result.output
