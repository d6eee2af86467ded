"""The evidence archive end to end: `auditor audit --archive DIR` through the fixture internet writes WARC
files that warcio's own checker passes and that hold no secret, and `auditor audit --replay DIR` with no
proxy and no network gives the archived run's JSON report byte for byte."""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import jsonschema
import pytest
from typer.testing import CliRunner

pytest.importorskip("warcio", reason="the archive is written with warcio (pip install warcio)")
from warcio.archiveiterator import ArchiveIterator  # noqa: E402

from cli import app
from conftest import AS_OF

from auditor import AuditOptions, Brand, FetchSettings
from auditor.archive import brand_scope, install, load
from auditor.fetch.client import Fetcher

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
DEMO = [line.strip() for line in (ROOT / "fixtures" / "demo_brands.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")]
FAST = ["--as-of", "2026-11-22", "--timeout", "5", "--max-retries", "0", "--format", "json"]
PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "all_proxy")


def invoke(*args: str):
    return runner.invoke(app, ["audit", *args], catch_exceptions=False)


def offline(monkeypatch) -> None:
    """No proxy named anywhere: a request that tried to leave would fail, and none may be needed."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def records(directory: Path):
    for path in sorted(directory.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, check_digests=True):
                yield path, record, record.content_stream().read()


def all_bytes(directory: Path) -> bytes:
    """Every byte of every archive file, decompressed (each file is a series of gzip members)."""
    return b"".join(gzip.decompress(path.read_bytes()) for path in sorted(directory.glob("*")))


@pytest.fixture(scope="module")
def archived(fixture_internet, tmp_path_factory):
    """The demo brands audited once as a batch with --archive: (archive dir, the JSON Lines report, history)."""
    folder = tmp_path_factory.mktemp("archived")
    brands = folder / "brands.csv"
    brands.write_text("name,url\n" + "".join(f"{url.split('/')[2]},{url}\n" for url in DEMO))
    history = folder / "history.sqlite3"
    report = folder / "report.jsonl"
    result = invoke("--brands", str(brands), *FAST, "--archive", str(folder / "warc"), "--history", str(history),
                    "-o", str(report), "-q")
    assert result.exit_code == 1, result.output  # the demo brands have findings
    return folder / "warc", report, history


@pytest.mark.parametrize("proxy", ["unset", "dead"])
def test_a_replay_with_no_network_gives_the_archived_json_byte_for_byte(archived, fixture_internet, tmp_path,
                                                                      monkeypatch, proxy):
    directory, report, history = archived
    offline(monkeypatch)
    if proxy == "dead":  # a live audit would stop at the proxy check (exit 3); a replay never looks
        monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    before = len(fixture_internet.log)
    again = tmp_path / "again.jsonl"
    result = invoke("--replay", str(directory), "--as-of", "2026-11-22", "--format", "json", "--history",
                    str(history), "-o", str(again), "-q")
    assert result.exit_code == 1, result.output
    assert len(fixture_internet.log) == before, "the replay reached the network"
    assert again.read_bytes() == report.read_bytes()
    lines = report.read_text().splitlines()
    assert len(lines) == len(DEMO)
    assert all(json.loads(line)["stats"]["seconds"] > 0 for line in lines if "down.example" not in line)


def test_every_archived_brand_is_replayed_without_naming_it_and_the_as_of_is_the_archives(archived, tmp_path,
                                                                                         monkeypatch):
    directory, report, _ = archived
    offline(monkeypatch)
    again = tmp_path / "again.jsonl"
    result = invoke("--replay", str(directory), "--format", "json", "--no-history", "-o", str(again), "-q")
    assert result.exit_code == 1, result.output
    replayed = [json.loads(line) for line in again.read_text().splitlines()]
    original = [json.loads(line) for line in report.read_text().splitlines()]
    assert [r["brand"]["name"] for r in replayed] == [r["brand"]["name"] for r in original]  # the finishing order
    assert {r["as_of"] for r in replayed} == {"2026-11-22T00:00:00+00:00"}
    for mine, theirs in zip(replayed, original):  # without the history, only what the history adds differs
        theirs.pop("trend", None)
        for finding in theirs["findings"]:
            finding.pop("first_seen", None)
            finding.pop("stale_since", None)
        assert mine == theirs


def test_the_warc_files_pass_warcios_own_checker(archived):
    directory, _, _ = archived
    files = sorted(directory.glob("*.warc.gz"))
    assert {path.name.split("-2026")[0] for path in files} == {url.split("/")[2].replace(".", "-") for url in DEMO}
    assert all(path.name.endswith("-20261122T000000Z-00001.warc.gz") for path in files)
    checked = subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", *map(str, files)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "digest pass" in checked.stdout and "digest fail" not in checked.stdout
    kinds: dict[str, int] = {}
    for _, record, _ in records(directory):
        assert record.digest_checker.passed is not False, record.digest_checker.problems
        kinds[record.rec_type] = kinds.get(record.rec_type, 0) + 1
    assert kinds["warcinfo"] == len(files)
    assert kinds["request"] >= kinds["response"] > 50
    assert kinds["metadata"] > kinds["response"]  # a timing per fetch, and the failures of down.example


def test_findings_point_at_the_archived_response_they_were_read_from(archived):
    directory, report, _ = archived
    schema = json.loads((ROOT / "auditor" / "schemas" / "audit-v1.schema.json").read_text())
    responses = {record.rec_headers.get_header("WARC-Record-ID"): record.rec_headers.get_header("WARC-Target-URI")
                 for _, record, _ in records(directory) if record.rec_type == "response"}
    pointed = 0
    for line in report.read_text().splitlines():
        document = json.loads(line)
        jsonschema.validate(document, schema)
        for finding in document["findings"]:
            for evidence in finding["evidence"]:
                if "warc_record" in evidence:
                    assert responses[evidence["warc_record"]] == evidence["url"]
                    pointed += 1
    assert pointed >= 5
    oldcorner = next(json.loads(line) for line in report.read_text().splitlines() if "oldcorner" in line)
    (stale,) = oldcorner["findings"]
    assert responses[next(e["warc_record"] for e in stale["evidence"] if "warc_record" in e)] == \
        "https://oldcorner.example/rss.xml"


def test_a_url_the_archive_never_saw_is_that_channels_failure_not_a_crash(archived, tmp_path, monkeypatch):
    directory, _, _ = archived
    offline(monkeypatch)
    out = tmp_path / "one.json"
    result = invoke("oldcorner.example", "--channel", "https://neverseen.example/feed.xml", "--replay",
                    str(directory), *FAST, "--no-history", "-o", str(out))
    assert result.exit_code == 1, result.output  # the stale blog is still found: the rest of the audit ran
    document = json.loads(out.read_text())
    status = {a["channel_url"]: (a["status"], a["reason"]) for a in document["activities"]}
    assert status["https://oldcorner.example/rss.xml"][0] == "ok"
    never_status, never_reason = status["https://neverseen.example/feed.xml"]
    assert never_status == "error"
    assert "not in the archive" in never_reason and "neverseen.example/feed.xml" in never_reason
    assert [f["code"] for f in document["findings"] if f["channel_url"].startswith("https://oldcorner")] == ["STALE001"]


TOKEN = "ghp_ArchiveT0kenValue/+=42"
REDDIT_ID, REDDIT_SECRET = "reddit-client-id-1234", "reddit-client-s3cret-5678"
QUERY_SECRET = "QueryS3cretValue-9876"
ISSUED = "eyJhbGciOiJSUzI1NiJ9.fixture-token"  # what the fixture's reddit hands out for the client credentials


def spellings(secret: str) -> list[bytes]:
    return [s.encode() for s in dict.fromkeys([secret, quote(secret, safe=""), quote_plus(secret)])]


def test_no_configured_secret_and_no_secret_in_a_query_string_enters_the_archive(fixture_internet, tmp_path,
                                                                                   monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("REDDIT_CLIENT_ID", REDDIT_ID)
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", REDDIT_SECRET)
    directory, report = tmp_path / "warc", tmp_path / "report.json"
    channels = ["https://github.com/chatty-dev", "https://www.reddit.com/r/acmewidgets/",
                f"https://oldcorner.example/rss.xml?access_token={QUERY_SECRET}&page=1"]
    result = invoke("nofeed.example", *[arg for url in channels for arg in ("--channel", url)], *FAST,
                    "--no-history", "--archive", str(directory), "-o", str(report))
    assert result.exit_code in (0, 1), result.output
    document = json.loads(report.read_text())
    kept = all_bytes(directory)
    basic = base64.b64encode(f"{REDDIT_ID}:{REDDIT_SECRET}".encode())
    for secret in (TOKEN, REDDIT_ID, REDDIT_SECRET, QUERY_SECRET, ISSUED):
        for spelling in spellings(secret):
            assert spelling not in kept, spelling
    assert basic not in kept
    # what was stripped was there to strip: the exchanges are archived, with their credentials marked
    assert b"api.github.com/users/chatty-dev" in kept and b"oauth.reddit.com" in kept
    assert b"Authorization: [REDACTED]" in kept
    assert b"access_token=REDACTED&page=1" in kept
    assert b'"access_token": "REDACTED"' in kept
    assert b"credentials: GITHUB_TOKEN,REDDIT_CLIENT_ID,REDDIT_CLIENT_SECRET" in kept
    github = next(a for a in document["activities"] if a["channel_url"].startswith("https://github.com/"))
    assert len(github["interactions"]) == 10  # the token was used: every issue read

    # and the replay, with none of the credentials at hand, takes the same paths and gives the same bytes
    for name in ("GITHUB_TOKEN", "REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET"):
        monkeypatch.delenv(name)
    offline(monkeypatch)
    again = tmp_path / "again.json"
    result = invoke("nofeed.example", *[arg for url in channels for arg in ("--channel", url)], "--replay",
                    str(directory), *FAST, "--no-history", "-o", str(again))
    assert result.exit_code in (0, 1), result.output
    assert again.read_bytes() == report.read_bytes()


def test_what_a_server_echoes_of_a_secret_is_stripped_from_headers_and_bodies_even_compressed(tmp_path):
    key = "AIzaArchiveKeyValue-123"

    def echo(request: httpx.Request) -> httpx.Response:
        said = f"{request.headers.get('authorization', '')} {request.headers.get('x-goog-api-key', '')} {request.url}"
        body = f"you sent {said}".encode()
        if request.url.path == "/gzip":
            return httpx.Response(200, headers={"Content-Encoding": "gzip", "X-Echo": said},
                                  content=gzip.compress(body))
        return httpx.Response(200, headers={"X-Echo": said, "Set-Cookie": f"session={key}"}, content=body)

    options = AuditOptions(archive=tmp_path, credentials={"GITHUB_TOKEN": TOKEN, "YOUTUBE_API_KEY": key},
                           fetch=FetchSettings(respect_robots=False, retries=0, min_gap=0.0))

    async def main() -> list[bytes]:
        async with install(httpx.AsyncClient(transport=httpx.MockTransport(echo)), options) as client:
            fetcher = Fetcher(client, options.fetch)
            with brand_scope(fetcher, Brand("echo", ("https://api.example/",)), AS_OF):
                got = [await fetcher.get(f"https://api.example/{path}?key={QUERY_SECRET}",
                                         headers={"Authorization": f"Bearer {TOKEN}", "X-Goog-Api-Key": key})
                       for path in ("plain", "gzip")]
        return [fetched.body for fetched in got]

    bodies = asyncio.run(main())
    assert all(TOKEN.encode() in body for body in bodies)  # the audit itself saw what the server said
    kept = all_bytes(tmp_path)
    for secret in (TOKEN, key, QUERY_SECRET):
        for spelling in spellings(secret):
            assert spelling not in kept, spelling
    assert kept.count(b"you sent [REDACTED]") == 0  # bodies are redacted by value, not blanked
    assert kept.count(b"you sent Bearer [REDACTED:GITHUB_TOKEN] [REDACTED:YOUTUBE_API_KEY]") == 2
    assert b"Set-Cookie: [REDACTED]" in kept


def test_files_rotate_by_size_and_a_replay_reads_across_them(tmp_path, monkeypatch):
    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=f"page {request.url.path}".encode() * 50)

    monkeypatch.setattr("auditor.archive.writer.MAX_FILE_BYTES", 2000)
    options = AuditOptions(archive=tmp_path, fetch=FetchSettings(respect_robots=False, retries=0, min_gap=0.0))

    async def main() -> None:
        async with install(httpx.AsyncClient(transport=httpx.MockTransport(serve)), options) as client:
            fetcher = Fetcher(client, options.fetch)
            with brand_scope(fetcher, Brand("Rotating Brand", ("https://r.example/",)), AS_OF):
                for n in range(6):
                    assert (await fetcher.get(f"https://r.example/{n}")).ok

    asyncio.run(main())
    files = sorted(path.name for path in tmp_path.glob("*.warc.gz"))
    assert len(files) >= 3
    assert files[:2] == ["rotating-brand-20261122T000000Z-00001.warc.gz",
                         "rotating-brand-20261122T000000Z-00002.warc.gz"]
    (run,) = load(tmp_path).runs
    assert sorted(run.answers) == [f"https://r.example/{n}" for n in range(6)]
    assert [len(run.timings[f"https://r.example/{n}"]) for n in range(6)] == [1] * 6


def test_an_archive_folder_that_cannot_be_written_is_exit_2_before_any_request(fixture_internet, tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    before = len(fixture_internet.log)
    result = runner.invoke(app, ["audit", "oldcorner.example", *FAST, "--archive", str(a_file / "warc")])
    assert result.exit_code == 2, result.output
    assert "cannot write the archive" in result.output and "Traceback" not in result.output
    assert result.stdout == ""
    assert len(fixture_internet.log) == before, "a request was made although the archive cannot be written"


@pytest.mark.parametrize(("args", "message"), [
    (["--replay", "{missing}"], "not a directory"),
    (["--replay", "{empty}"], "no archive there"),
    (["--replay", "{empty}", "--archive", "{empty}"], "choose one"),
    (["--archive", "{empty}", "--cluster", "local:1"], "drop --cluster"),
])
def test_replay_and_archive_mistakes_are_one_line_and_exit_2(fixture_internet, tmp_path, args, message):
    (tmp_path / "empty").mkdir()
    paths = {"missing": str(tmp_path / "missing"), "empty": str(tmp_path / "empty")}
    before = len(fixture_internet.log)
    result = runner.invoke(app, ["audit", "oldcorner.example", *FAST, *[a.format(**paths) for a in args]])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert len(fixture_internet.log) == before
