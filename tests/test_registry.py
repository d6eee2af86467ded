"""Plugins: built-ins arrive through the same entry-point group third parties use; tests can inject."""

from __future__ import annotations

import pytest
from conftest import AS_OF, TEST_FETCH

from auditor import AuditOptions, Status, audit
from auditor.models import Activity, Channel
from auditor.plugin import Platform, hookimpl
from auditor.plugin import UnknownName, load_registry


def test_the_built_ins_load_from_installed_entry_points():
    registry = load_registry()
    assert {"web", "feed"} <= set(registry.platforms)
    assert "STALE001" in registry.rules
    assert registry.load_errors == []


def test_unknown_names_are_errors_that_list_the_known_ones():
    registry = load_registry()
    with pytest.raises(UnknownName, match="known: .*feed"):
        registry.platform("myspace")
    with pytest.raises(UnknownName, match="STALE001"):
        registry.rule("NOPE001")


class Crashing(Platform):
    name = "crashy"
    kind = "social"
    priority = 10

    def recognise(self, url):
        return Channel(platform=self.name, url=url, kind=self.kind) if "crashy" in url else None

    async def collect(self, channel, context) -> Activity:
        raise RuntimeError("boom")


class CrashingPlugin:
    @hookimpl
    def auditor_register_platforms(self, registry):
        registry.add_platform(Crashing())


def test_an_injected_plugin_list_replaces_entry_points_and_a_crashing_plugin_fails_only_its_channel(fixture_internet):
    import auditor.plugins.feed as feed
    import auditor.plugins.web as web

    from auditor.judge import rules
    from auditor import Brand

    registry = load_registry([web, feed, rules, CrashingPlugin()])
    assert set(registry.platforms) == {"web", "feed", "crashy"}
    brand = Brand(name="a", homepages=("https://acme.example/",), channels=("https://crashy.example/me",))
    result = audit(brand, AuditOptions(as_of=AS_OF, fetch=TEST_FETCH), registry=registry)
    statuses = {a.channel_url: (a.status, a.reason) for a in result.activities}
    assert statuses["https://crashy.example/me"] == (Status.ERROR, "the crashy plugin failed: RuntimeError: boom")
    assert statuses["https://acme.example/feed/"][0] is Status.OK


def test_registering_a_name_twice_is_refused():
    import auditor.plugins.feed as feed

    with pytest.raises(ValueError, match="registered twice"):
        load_registry([feed, CrashingPlugin(), type("Again", (), {
            "auditor_register_platforms": hookimpl(lambda self, registry: registry.add_platform(Crashing()))
        })()])
