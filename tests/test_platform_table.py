"""The README's platform table says what each plugin declares, and plugins do what they declare.

The table in "Platforms: what is read, from where" has one row per installed platform. A
signal cell that starts with "—" is a signal the platform does not give; the row's tokens
are the environment variables its plugin reads. The declarations (``PlatformSpec``) are in
turn held against what the plugins return when the demo brands are audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from auditor import AuditOptions, Brand, audit
from auditor.demo import demo_brands
from auditor.plugin import PlatformSpec, Signal, load_registry

from conftest import AS_OF, TEST_FETCH

README = Path(__file__).resolve().parent.parent / "README.md"
HEADER = "| platform | last activity | owner replies (response time, unanswered questions) | needs | cannot be known |"
NOT_GIVEN = "—"
ENV_VAR = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


@dataclass(frozen=True)
class Row:
    platform: str
    last_activity: str
    replies: str
    needs: str


def table_rows() -> list[Row]:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert HEADER in lines, "the README has lost its platform table"
    rows = []
    for line in lines[lines.index(HEADER) + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        names = re.findall(r"`([a-z0-9]+)`", cells[0])
        assert len(names) == 1, f"one platform per row: {line}"
        rows.append(Row(names[0], cells[1], cells[2], cells[3]))
    return rows


def specs() -> dict[str, PlatformSpec]:
    return {platform.spec.name: platform.spec for platform in load_registry().platforms.values()}


ROWS = {row.platform: row for row in table_rows()}


def test_every_installed_platform_has_exactly_one_row():
    names = [row.platform for row in table_rows()]
    assert len(names) == len(set(names))
    assert sorted(names) == sorted(specs())


@pytest.mark.parametrize("name", sorted(specs()))
def test_the_row_says_what_the_plugin_declares(name):
    spec, row = specs()[name], ROWS[name]
    assert (not row.last_activity.startswith(NOT_GIVEN)) == (Signal.LAST_ACTIVITY in spec.signals), row
    assert (bool(row.replies) and not row.replies.startswith(NOT_GIVEN)) == (Signal.OWNER_REPLIES in spec.signals), row
    assert ("existence only" in row.last_activity) == (Signal.EXISTENCE in spec.signals), row
    assert ("login wall" in row.last_activity) == spec.walled, row
    assert set(ENV_VAR.findall(row.needs)) == set(spec.credentials), row


@pytest.fixture(scope="module")
def demo_activities(fixture_internet):
    options = AuditOptions(as_of=AS_OF, fetch=TEST_FETCH, credentials={})
    seen = []
    for url in [*demo_brands(), "https://hubbrand.example/"]:
        if "down.example" in url:
            continue
        result = audit(Brand(name=url, homepages=(url,)), options)
        platform_of = {channel.url: channel.platform for channel in result.channels}
        seen += [(platform_of[a.channel_url], a) for a in result.activities]
    return seen


def test_no_plugin_returns_a_signal_it_does_not_declare(demo_activities):
    declared = specs()
    assert {platform for platform, _ in demo_activities} >= {"web", "wordpress", "feed", "htmlblog", "mastodon"}
    for platform, activity in demo_activities:
        signals = declared[platform].signals
        if activity.interactions:
            assert Signal.OWNER_REPLIES in signals, (platform, activity.channel_url)
        if activity.last_activity is not None:
            assert Signal.LAST_ACTIVITY in signals, (platform, activity.channel_url)


def test_the_demo_shows_owner_replies_where_declared(demo_activities):
    with_replies = {platform for platform, activity in demo_activities if activity.interactions}
    assert {"wordpress", "mastodon"} <= with_replies
