"""Reports: the JSON matches its published schema and round-trips; the table says what matters."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from importlib.resources import files

import jsonschema
from conftest import AS_OF, TEST_FETCH
from hypothesis import given
from hypothesis import strategies as st

from auditor import (
    Activity,
    Audit,
    Brand,
    Channel,
    Evidence,
    FetchStats,
    Finding,
    Interaction,
    Item,
    Severity,
    Status,
    audit,
    audit_from_json,
    audit_to_json,
)
from auditor.audit import AuditOptions
from auditor.report import ReportOptions, render

SCHEMA = json.loads((files("auditor") / "schemas" / "audit-v1.schema.json").read_text())


def validate(document: dict) -> None:
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)


def test_json_reports_of_every_fixture_site_match_the_schema(fixture_internet):
    for site in ("acme", "oldcorner", "finished", "hostile", "down", "probed"):
        result = audit(f"https://{site}.example/", AuditOptions(as_of=AS_OF, fetch=TEST_FETCH))
        text = render(result, "json")
        validate(json.loads(text))
        assert audit_from_json(text) == result


times = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
                     timezones=st.just(timezone.utc))
text = st.text(max_size=20)
evidence = st.builds(Evidence, url=text, field=text, value=text)
items = st.builds(Item, url=text, title=text, published=st.none() | times, updated=st.none() | times)
interactions = st.builds(Interaction, url=text, author=text, at=times, parent=text,
                         owner_replied_at=st.none() | times)
activities = st.builds(
    Activity, channel_url=text, status=st.sampled_from(Status), reason=text, last_activity=st.none() | times,
    last_activity_source=st.none() | evidence, items=st.lists(items, max_size=3).map(tuple),
    interactions=st.lists(interactions, max_size=3).map(tuple), expired=st.booleans(), title=text,
    evidence=st.lists(evidence, max_size=2).map(tuple),
)
findings = st.builds(
    Finding, code=st.from_regex(r"\A[A-Z]{3,6}[0-9]{3}\Z"), category=st.sampled_from(["stale", "broken"]),
    severity=st.sampled_from(Severity), channel_url=text, platform=text, message=text,
    evidence=st.lists(evidence, max_size=2).map(tuple), fingerprint=st.from_regex(r"\A[0-9a-f]{16}\Z"),
)


@given(activity=activities, finding=findings, as_of=times)
def test_any_audit_round_trips_through_json_and_matches_the_schema(activity, finding, as_of):
    original = Audit(
        brand=Brand(name="b", homepages=("https://b.example/",)),
        as_of=as_of,
        channels=(Channel(platform="feed", url="https://b.example/feed", kind="blog"),),
        activities=(activity,),
        findings=(finding,),
        stats=FetchStats(requests=1, attempts=1, bytes=10, seconds=0.5, by_status={"200": 1}),
    )
    text = audit_to_json(original)
    validate(json.loads(text))
    assert audit_from_json(text) == original


def test_the_table_shows_status_reason_last_activity_and_findings(fixture_internet):
    result = audit("https://oldcorner.example/", AuditOptions(as_of=AS_OF, fetch=TEST_FETCH))
    table = render(result, "table", ReportOptions(width=160, verbose=True))
    assert "Audit of oldcorner.example as of 2026-11-22: 2 channels, 1 finding" in table
    assert "2019-03-02" in table and "2,821 days ago" in table
    assert "STALE001" in table and "retire the channel" in table

    down = render(audit("https://down.example/", AuditOptions(as_of=AS_OF, fetch=TEST_FETCH)), "table",
                  ReportOptions(width=160))
    assert "error" in down and "cannot reach down.example" in down


def test_days_ago_is_counted_from_as_of_not_the_clock():
    last = AS_OF - timedelta(days=1, hours=2)
    channel = Channel(platform="feed", url="https://x.example/feed", kind="blog")
    result = Audit(brand=Brand(name="x", homepages=("https://x.example/",)), as_of=AS_OF, channels=(channel,),
                   activities=(Activity(channel_url=channel.url, status=Status.OK, last_activity=last),),
                   findings=())
    assert "1 day ago" in render(result, "table", ReportOptions(width=160, verbose=True))
