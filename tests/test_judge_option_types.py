"""Judging many brands resolves each rule's option types once, not once per brand."""

from __future__ import annotations

import importlib
import typing
from datetime import datetime, timezone

import pytest

from auditor.models import Activity, Brand, Channel, Status
from auditor.plugin import load_registry

AS_OF = datetime(2026, 11, 22, tzinfo=timezone.utc)
# The package, not the judge() function that auditor exports under the same name.
engine = importlib.import_module("auditor.judge")


def test_type_hints_are_resolved_once_per_rule_however_many_brands_are_judged(monkeypatch):
    registry = load_registry()
    calls: list[type] = []
    real = typing.get_type_hints

    def counted(obj, *args, **kwargs):
        calls.append(obj)
        return real(obj, *args, **kwargs)

    monkeypatch.setattr(engine.typing, "get_type_hints", counted)
    engine._OPTION_TYPES.clear()
    channel = Channel(platform="feed", url="https://a.example/feed/", kind="blog")
    activity = Activity(channel_url=channel.url, status=Status.OK, reason="read")
    for n in range(20):
        engine.evaluate(Brand(name=f"B{n}", homepages=("https://a.example/",)), [channel],
                        {channel.url: activity}, AS_OF, registry)
    assert len(calls) == len(set(calls)) <= len(registry.rules)


def test_options_are_still_checked_after_the_types_are_cached():
    rule = load_registry().rules["STALE001"]
    engine.build_options(rule, {})
    with pytest.raises(engine.ConfigError, match="days must be"):
        engine.build_options(rule, {"days": "soon"})
