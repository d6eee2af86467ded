"""``auditor demo``: audit the sample brands on the bundled fixture internet, with no network."""

from __future__ import annotations

import ssl
from datetime import datetime, timezone
from importlib.resources import files
from typing import Any

from auditor.fixtures.fixtureweb import FixtureInternet

# The fixture sites were written as of this day; judging them later would make everything stale.
DEMO_AS_OF = datetime(2026, 11, 22, tzinfo=timezone.utc)


def demo_brands() -> list[str]:
    text = (files("auditor.fixtures") / "demo_brands.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def fixture_client_options(web: FixtureInternet) -> dict[str, Any]:
    """Client settings that route every request through a running fixture internet."""
    return {"proxy": web.proxy_url, "verify": ssl.create_default_context(cafile=str(web.ca_file))}
