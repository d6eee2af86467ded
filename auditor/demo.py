"""``auditor demo``: audit the sample brands on the bundled fixture internet, with no network."""

from __future__ import annotations

import ssl
from dataclasses import replace
from datetime import datetime, timezone
from importlib.resources import files

from .audit import AuditOptions, audit_async
from .fetcher import Fetcher, make_client
from .fixtureweb import FixtureInternet, bundled_root
from .models import Audit
from .registry import load_registry

# The fixture sites were written as of this day; judging them later would make everything stale.
DEMO_AS_OF = datetime(2026, 11, 22, tzinfo=timezone.utc)


def demo_brands() -> list[str]:
    text = (files("auditor.fixtures") / "demo_brands.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


async def run_demo(options: AuditOptions) -> list[Audit]:
    """Start the fixture internet, audit every sample brand through it, stop it."""
    options = replace(options, as_of=options.as_of or DEMO_AS_OF)
    settings = options.fetch
    registry = load_registry()
    with FixtureInternet(bundled_root()) as web:
        verify = ssl.create_default_context(cafile=str(web.ca_file))
        async with make_client(settings, proxy=web.proxy_url, verify=verify) as client:
            fetcher = Fetcher(client, settings)
            return [await audit_async(url, options, fetcher=fetcher, registry=registry) for url in demo_brands()]
