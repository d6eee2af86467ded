"""`auditor discover --explain` on the demo brands: every channel's origin, every rejected link."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from auditor.demo import demo_brands
from auditor.discover import discover

from cli import app

BRANDS = [url for url in demo_brands() if "down.example" not in url] + ["https://hubbrand.example/"]
ORIGINS = {"given", "page", "link", "meta", "sameAs", "rel=me", "hub", "probe"}  # the words `--explain --help` lists


@pytest.mark.parametrize("url", BRANDS)
def test_explain_names_each_channels_origin_and_each_rejected_link(fixture_internet, url):
    found = discover(url)
    out = CliRunner().invoke(app, ["discover", url, "--explain"])
    assert out.exit_code == 0, out.output
    origin_lines = [line.strip() for line in out.output.splitlines() if line.strip().startswith("origin: ")]
    assert len(origin_lines) == len(found.channels)
    assert not [line for line in origin_lines if line == "origin: unknown"]
    for channel in found.channels:
        assert found.origins[channel.url] and set(found.origins[channel.url]) <= ORIGINS, channel.url
    for rejection in found.rejected:
        assert f"  - {rejection.url} (on {rejection.seen_on}): {rejection.reason}" in out.output


def test_explain_in_json_carries_the_same_origins_and_rejections(fixture_internet):
    found = discover("https://bigbrand.example/")
    out = CliRunner().invoke(app, ["discover", "https://bigbrand.example/", "--explain", "--format", "json"])
    document = json.loads(out.output)
    assert set(document["origins"]) == {channel.url for channel in found.channels}
    assert [r["url"] for r in document["rejected"]] == [r.url for r in found.rejected]
    assert len(found.channels) > 3 and found.rejected  # the demo's richest brand: something to explain


def test_a_homepage_that_cannot_be_read_is_said_not_silently_skipped(fixture_internet):
    out = CliRunner().invoke(app, ["discover", "https://down.example/"])
    assert out.exit_code == 0
    assert "https://down.example/ was not read for links:" in out.output
