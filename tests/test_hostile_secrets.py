"""Secrets never leave: not across origins on a redirect, not into the HTTP cache, not into any
report, log or error, whatever a server echoes of them."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import httpx
import pytest
from hishel.httpx import AsyncCacheTransport

from auditor import AuditOptions, Brand, FetchSettings, audit_async
from auditor.fetch.cache import cache_storage
from auditor.fetch.client import Fetcher
from auditor.fetch.credentials import carries_credentials, for_redirect
from auditor.redact import Redactor
from auditor.report import FORMATS, render
from conftest import AS_OF

TOKEN = "ghp_S3cretT0kenValue/+=42"
KEY = "AIzaYouTubeKeyValue-123"
SECRETS = {"GITHUB_TOKEN": TOKEN, "YOUTUBE_API_KEY": KEY}
FAST = FetchSettings(min_gap=0.0, retries=0, backoff=0.01, respect_robots=False)


def spellings(secret: str) -> list[str]:
    from urllib.parse import quote, quote_plus
    return [secret, quote(secret, safe=""), quote_plus(secret)]


# -- cross-origin redirects ----------------------------------------------------------------------
class Recorder:
    """A fake internet: api.example redirects to wherever ``target`` says; every request's headers are kept."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.seen: list[tuple[str, dict[str, str]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((str(request.url), dict(request.headers)))
        if request.url.host == "api.example" and request.url.path == "/start":
            return httpx.Response(302, headers={"Location": self.target})
        return httpx.Response(200, text="done")


def fetch_with_credentials(target: str) -> Recorder:
    server = Recorder(target)

    async def main() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as client:
            fetched = await Fetcher(client, FAST).get("https://api.example/start", headers={
                "Authorization": f"Bearer {TOKEN}", "X-Goog-Api-Key": KEY, "Accept": "application/json"})
            assert fetched.ok

    asyncio.run(main())
    return server


@pytest.mark.parametrize("target", ["https://elsewhere.example/landing", "http://api.example/landing",
                                    "https://api.example:8443/landing", "https://API.example.evil/landing"])
def test_a_redirect_to_another_origin_carries_no_credential_header(target):
    server = fetch_with_credentials(target)
    (_, first), (url, second) = server.seen
    assert first["authorization"] == f"Bearer {TOKEN}" and first["x-goog-api-key"] == KEY
    assert "authorization" not in second and "x-goog-api-key" not in second
    assert second["accept"] == "application/json"  # what is not a credential still goes


def test_a_redirect_within_the_origin_keeps_the_credentials():
    server = fetch_with_credentials("/v2/start?page=2")
    assert server.seen[1][1]["authorization"] == f"Bearer {TOKEN}"
    assert server.seen[1][1]["x-goog-api-key"] == KEY


def test_credentials_stay_stripped_once_a_chain_has_left_the_origin():
    headers = {"Authorization": "Bearer x", "Accept": "a"}
    away = for_redirect(headers, "https://a.example/1", "https://b.example/2")
    assert for_redirect(away, "https://b.example/2", "https://a.example/3") == {"Accept": "a"}


# -- the HTTP cache ------------------------------------------------------------------------------
def test_the_cache_file_holds_no_credential_and_nothing_a_server_echoed_of_one(tmp_path: Path):
    database = tmp_path / "http-cache.sqlite"

    def echo(request: httpx.Request) -> httpx.Response:  # a hostile API: the key comes back in body and headers
        said = request.headers.get("x-goog-api-key", "") + request.headers.get("authorization", "")
        return httpx.Response(200, headers={"X-Echo": said}, text=f"your key is {said}")

    async def main() -> None:
        storage = cache_storage(database, 3600)
        transport = AsyncCacheTransport(next_transport=httpx.MockTransport(echo), storage=storage)
        async with httpx.AsyncClient(transport=transport) as client:
            fetcher = Fetcher(client, FAST)
            public = await fetcher.get("https://site.example/public")
            private = await fetcher.get("https://api.example/v3/videos", headers={"X-Goog-Api-Key": KEY})
            bearer = await fetcher.get("https://api.example/user", headers={"Authorization": f"Bearer {TOKEN}"})
            again = await fetcher.get("https://site.example/public")
        assert public.ok and again.ok and again.headers.get("x-echo") == ""
        assert KEY in private.text() and TOKEN in bearer.text()  # the caller still gets its answer
        assert again.body == public.body

    asyncio.run(main())
    files = [p for p in tmp_path.iterdir() if p.is_file()]  # the database and its -wal/-shm companions
    raw = b"".join(p.read_bytes() for p in files)
    assert b"site.example/public" in raw  # the public page was cached ...
    for secret in (TOKEN, KEY):
        assert secret.encode() not in raw  # ... no credential, nor its echo
    assert b"api.example" not in raw


def test_credentialed_requests_are_recognised_by_header_and_by_query_parameter():
    assert carries_credentials(["Authorization"], "https://a.example/")
    assert carries_credentials(["x-goog-api-key"], "https://a.example/")
    assert carries_credentials([], "https://a.example/v1?part=x&key=abc")
    assert not carries_credentials(["Accept", "User-Agent"], "https://a.example/feed?page=2")


# -- redaction -----------------------------------------------------------------------------------
def test_the_redactor_replaces_each_spelling_of_a_secret_and_leaves_short_values_alone():
    redact = Redactor.of({**SECRETS, "TUMBLR_API_KEY": "x"})
    for spelling in spellings(TOKEN):
        assert redact.text(f"https://e.example/?t={spelling}&x=1") == "https://e.example/?t=[REDACTED:GITHUB_TOKEN]&x=1"
    assert redact.text("a x b") == "a x b"
    assert not Redactor.of({}) and Redactor.of({}).text(TOKEN) == TOKEN


def test_an_error_keeps_its_type_with_the_secret_replaced():
    redact = Redactor.of(SECRETS)
    error = redact.error(RuntimeError(f"GET https://leak.example/?t={TOKEN} failed"))
    assert type(error) is RuntimeError and str(error) == "GET https://leak.example/?t=[REDACTED:GITHUB_TOKEN] failed"
    plain = ValueError("nothing secret")
    assert redact.error(plain) is plain


def test_library_loggers_and_their_children_are_redacted(caplog):
    from auditor.redact import guard_logs

    guard_logs(Redactor.of(SECRETS))
    try:
        with caplog.at_level(logging.DEBUG):
            logging.getLogger("httpcore.http11").debug("send_request_headers %s", {"authorization": TOKEN})
            logging.getLogger("auditor.discover").info("note about %s", f"https://e.example/?k={KEY}")
    finally:
        guard_logs(Redactor.of({}))
    assert TOKEN not in caplog.text and KEY not in caplog.text and caplog.text.count("[REDACTED:") == 2


def test_a_logger_made_after_the_first_audit_is_redacted_by_the_next(caplog):
    from auditor.redact import guard_logs

    guard_logs(Redactor.of(SECRETS))
    try:
        later = logging.getLogger("httpx.made_later_in_the_batch")
        guard_logs(Redactor.of(SECRETS))  # the next brand's audit, same credentials
        with caplog.at_level(logging.DEBUG):
            later.debug("sent %s", TOKEN)
    finally:
        guard_logs(Redactor.of({}))
    assert TOKEN not in caplog.text and "[REDACTED:" in caplog.text


class EchoingWeb:
    """A brand whose site links a GitHub account; the GitHub API, handed the token, redirects to a page that
    quotes it in its URL, and that page answers an error whose body and headers quote it again."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        host, path = request.url.host, request.url.path
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if host == "echo.example" and path in ("/", ""):
            return httpx.Response(200, html=f"""<html><head><title>Echo {TOKEN}</title></head><body>
                <a href="https://github.com/echo-org">GitHub</a>
                <a href="https://echo.example/about?token={TOKEN}">about</a></body></html>""")
        if host == "api.github.com":
            if token:
                return httpx.Response(302, headers={"Location": f"https://leak.example/u?token={token}&k={KEY}"})
            return httpx.Response(401, text="no token")
        if host == "leak.example":
            return httpx.Response(500, text=f"bad token {request.url.params.get('token')}",
                                  headers={"X-Token": str(request.url.params.get("token"))})
        return httpx.Response(404, text=f"not found: {request.url}")


def test_no_output_of_an_audit_holds_a_secret_whatever_the_servers_echo(caplog):
    caplog.set_level(logging.DEBUG)
    options = AuditOptions(as_of=AS_OF, fetch=FAST, credentials=SECRETS)

    async def main():
        async with httpx.AsyncClient(transport=httpx.MockTransport(EchoingWeb())) as client:
            return await audit_async(Brand(name=f"Echo {TOKEN}", homepages=("https://echo.example/",)), options,
                                     client=client)

    result = asyncio.run(main())
    assert any(c.platform == "github" for c in result.channels)
    outputs = {format: render(result, format) for format in FORMATS}
    outputs["log"] = caplog.text
    for name, text in outputs.items():
        for secret in (TOKEN, KEY):
            for spelling in spellings(secret):
                assert spelling not in text, (name, spelling)
    assert "[REDACTED:GITHUB_TOKEN]" in outputs["json"]


# -- every file the product writes, end to end ---------------------------------------------------
def test_no_file_the_cli_writes_holds_a_configured_secret(fixture_internet, tmp_path, monkeypatch):
    """A real run through the fixture internet with tokens in the environment: the GitHub API is called
    with the token and answers 200 (cacheable), the homepage and feeds are cached, every format is
    written, the history records the run. Then every file written, and what was printed, is grepped."""
    from typer.testing import CliRunner

    from cli import app

    data = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    printed = []
    common = ["--as-of", "2026-11-22", "--timeout", "5", "--cache-dir", str(tmp_path / "cache"),
              "-c", "https://github.com/acme-widgets", "--name", f"acme {TOKEN}"]
    for format in FORMATS:
        result = runner.invoke(app, ["audit", "https://acme.example/", *common, "-f", format,
                                     "--output-dir", str(tmp_path / "reports")])
        assert result.exit_code in (0, 1), result.output
        printed.append(result.output)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".sqlite" for p in (tmp_path / "cache").iterdir())
    reports_written = [p for p in (tmp_path / "reports").iterdir() if not p.name.startswith(".")]  # not the ledgers
    assert len(reports_written) == len(FORMATS) + 1 and any(data.rglob("*"))  # and the HTML portfolio page
    assert any(entry.host == "api.github.com" for entry in fixture_internet.log)
    for secret in (TOKEN, KEY):
        for spelling in spellings(secret):
            holders = [str(p) for p in written if spelling.encode() in p.read_bytes()]
            assert not holders and not any(spelling in text for text in printed), (spelling, holders)
    reports = "".join(p.read_text() for p in (tmp_path / "reports").iterdir())
    assert "[REDACTED:GITHUB_TOKEN]" in reports  # the brand name, redacted
