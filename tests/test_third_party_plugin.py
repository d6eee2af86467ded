"""A plugin from another package, installed the way pip installs one (a distribution with an entry point
in the ``auditor.plugins`` group), takes part in an audit like a built-in, and ``auditor plugins`` names it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import AS_OF, TEST_FETCH
from typer.testing import CliRunner

from auditor import AuditOptions, Brand, Status, audit
from auditor.plugin import load_registry
from cli import app

PLUGIN = '''
from datetime import datetime

from auditor.models import Channel, Item
from auditor.plugin import (Platform, PlatformSpec, Priority, Signal, activity_from, failed, hookimpl, json_of,
                            unreadable)


class StatusPagePlatform(Platform):
    spec = PlatformSpec(name="statuspage", kind="status", summary="status pages: the last incident",
                        hosts=("status.plugin.example",), priority=Priority.SPECIFIC, signals=(Signal.LAST_ACTIVITY,))

    def recognise(self, url):
        if url.startswith("https://status.plugin.example"):
            return Channel(platform=self.name, url="https://status.plugin.example/", kind=self.kind)
        return None

    async def collect(self, channel, context):
        fetched = await context.get(channel.url + "status.json")
        failure = failed(channel, fetched)
        if failure is not None:
            return failure
        document = json_of(fetched)
        if document is None:
            return unreadable(channel, "status.json is not a JSON object")
        items = tuple(Item(url=i["shortlink"], title=i["name"], published=datetime.fromisoformat(i["resolved_at"]))
                      for i in document.get("incidents", []))
        return activity_from(channel, items, context.as_of, date_field="incident resolved_at",
                             fallback_url=fetched.final_url, reason=f"{len(items)} incidents read")


@hookimpl
def auditor_register_platforms(registry):
    registry.add_platform(StatusPagePlatform())
'''


def install(site: Path, name: str, version: str, entry: str, source: str) -> None:
    """What pip leaves behind for a package: its module and a dist-info with metadata and entry points."""
    (site / f"{name}.py").write_text(source)
    info = site / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name.replace('_', '-')}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[auditor.plugins]\n{entry} = {name}\n")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_a_plugin_installed_from_another_package_audits_its_channel(site, fixture_internet):
    install(site, "acme_statuspage", "1.2.0", "statuspage", textwrap.dedent(PLUGIN))
    brand = Brand(name="acme", homepages=("https://nofeed.example/",), channels=("https://status.plugin.example/",))

    result = audit(brand, AuditOptions(as_of=AS_OF, fetch=TEST_FETCH, credentials={}))

    (channel,) = [c for c in result.channels if c.platform == "statuspage"]
    activity = result.activity_for(channel)
    assert activity is not None and activity.status is Status.OK
    assert activity.last_activity is not None and activity.last_activity.date().isoformat() == "2026-10-02"
    assert activity.last_activity_source is not None
    assert activity.last_activity_source.url == "https://status.plugin.example/i/2"


def test_auditor_plugins_names_the_package_its_version_what_it_adds_and_load_errors(site):
    install(site, "acme_statuspage", "1.2.0", "statuspage", textwrap.dedent(PLUGIN))
    install(site, "acme_broken", "0.1.0", "broken", "raise ImportError('needs libfoo')\n")

    registry = load_registry()
    info = {i.name: i for i in registry.plugins}
    assert (info["statuspage"].distribution, info["statuspage"].version) == ("acme-statuspage", "1.2.0")
    assert info["statuspage"].platforms == ("statuspage",)
    assert "needs libfoo" in info["broken"].error and "statuspage" in registry.platforms

    result = CliRunner().invoke(app, ["plugins"])
    assert result.exit_code == 0
    assert "acme-statuspage 1.2.0" in result.output and "statuspage" in result.output
    assert "1 failed to load" in result.output and "needs libfoo" in result.output
