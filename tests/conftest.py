"""Shared fixtures: the fixture internet, reached only through HTTPS_PROXY + SSL_CERT_FILE."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from auditor import Activity, Audit, AuditOptions, Brand, Channel, audit
from auditor.fetch.client import FetchSettings
from auditor.fixtures.fixtureweb import FixtureInternet

FIXTURE_WEB = Path(__file__).resolve().parent.parent / "fixtures" / "web"
AS_OF = datetime(2026, 11, 22, tzinfo=timezone.utc)
# Quick retries so the down host and the error fixtures do not slow the suite.
TEST_FETCH = FetchSettings(retries=1, backoff=0.01, backoff_max=0.02, min_gap=0.0)


def utc(*parts: int) -> datetime:
    """A UTC datetime: ``utc(2026, 11, 15, 9, 30)``."""
    return datetime(*parts, tzinfo=timezone.utc)


def audit_profile(url: str, platform: str, *, credentials: dict[str, str] | None = None,
                  options: AuditOptions | None = None) -> tuple[Audit, Channel, Activity]:
    """Audit one profile named by the user beside a homepage without feeds: the audit, the
    profile's channel (found by platform, not through a move) and its activity."""
    brand = Brand(name="acme", homepages=("https://nofeed.example/",), channels=(url,))
    result = audit(brand, options or AuditOptions(as_of=AS_OF, fetch=TEST_FETCH, credentials=credentials or {}))
    (channel,) = [c for c in result.channels if c.platform == platform and not c.found_through]
    activity = result.activity_for(channel)
    assert activity is not None
    return result, channel, activity


@pytest.fixture(scope="session")
def fixture_internet():
    """The loopback proxy, with the process environment pointing every new client at it."""
    web = FixtureInternet(FIXTURE_WEB).start()
    saved = {key: os.environ.get(key) for key in web.env()}
    os.environ.update(web.env())
    try:
        yield web
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        web.stop()


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path_factory, monkeypatch):
    """Audits remember their runs in a history under the user's data directory: each test gets its own."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))


@pytest.fixture
def token_scans(monkeypatch) -> dict[str, int]:
    """Counts the page scans of parse_html's token pattern (``htmldepth._TOKENS``) and the tokens they
    return: ``{"findall": calls, "finditer": calls, "tokens": n}``."""
    from auditor.parse import htmldepth

    counts = {"findall": 0, "finditer": 0, "tokens": 0}
    real = htmldepth._TOKENS

    class Counting:
        def findall(self, data):
            counts["findall"] += 1
            found = real.findall(data)
            counts["tokens"] += len(found)
            return found

        def finditer(self, data):
            counts["finditer"] += 1
            return real.finditer(data)

    monkeypatch.setattr(htmldepth, "_TOKENS", Counting())
    return counts
