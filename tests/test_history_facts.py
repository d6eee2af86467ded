"""What the history says about a brand: first seen, stale since, the previous run, the trend,
and that pruning forgets runs but not what they proved. Every time is a run's as_of."""

from __future__ import annotations

import json
from hashlib import sha256
from datetime import datetime, timedelta, timezone
from importlib.resources import files

import jsonschema
import pytest

from auditor.history import Recorder, open_store, prune, timeline
from auditor.history.text import brand_text
from auditor.models import Activity, Audit, Brand, Channel, Finding, Severity, Status
from auditor.report import render

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
FEED = "https://acme.example/feed"
SITE = "https://acme.example/"
STALE = ("STALE001", "stale", FEED)
BROKEN = ("BROKEN001", "broken", SITE)


def day(n: int) -> datetime:
    return START + timedelta(days=n)


def audit_on(n: int, *found: tuple[str, str, str], brand: str = "acme.example") -> Audit:
    channels = (Channel(platform="feed", url=FEED, kind="blog"), Channel(platform="web", url=SITE, kind="website"))
    findings = tuple(Finding(code=code, category=category, severity=Severity.WARNING, channel_url=url,
                             platform="feed", message=f"{code} on {url}", fingerprint=sha256(f"{code} {url}".encode()).hexdigest()[:16])
                     for code, category, url in found)
    return Audit(brand=Brand(name=brand, homepages=(SITE,)), as_of=day(n), channels=channels,
                 activities=tuple(Activity(channel_url=c.url, status=Status.OK) for c in channels), findings=findings)


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "history.sqlite3") as opened:
        yield opened


def by_code(audit: Audit) -> dict[str, Finding]:
    return {f.code: f for f in audit.findings}


def test_without_earlier_runs_a_finding_is_first_seen_now(store):
    result = by_code(Recorder(store).record(audit_on(10, STALE, BROKEN)))
    assert result["STALE001"].first_seen == day(10) and result["STALE001"].stale_since == day(10)
    assert result["BROKEN001"].first_seen == day(10) and result["BROKEN001"].stale_since is None


def test_first_seen_is_the_first_run_and_stale_since_restarts_after_a_break(store):
    recorder = Recorder(store)
    recorder.record(audit_on(0, STALE))
    recorder.record(audit_on(90, STALE, BROKEN))
    recorder.record(audit_on(180, BROKEN))  # the blog posted again
    last = by_code(recorder.record(audit_on(400, STALE, BROKEN)))  # and went quiet again
    assert last["STALE001"].first_seen == day(0)
    assert last["STALE001"].stale_since == day(400)
    assert last["BROKEN001"].first_seen == day(90)


def test_runs_written_out_of_order_give_the_same_answers(tmp_path):
    runs = [audit_on(0, STALE), audit_on(90, STALE), audit_on(180), audit_on(270, STALE)]
    answers = []
    for order in (runs, [runs[3], runs[1], runs[0], runs[2]]):
        with open_store(tmp_path / f"h{len(answers)}.sqlite3") as store:
            for audit in order:
                Recorder(store).record(audit)
            history = store.load("acme.example")
            answers.append([(e.as_of, [f.code for f in e.appeared], [f.code for f in e.resolved])
                            for e in timeline(history)])
            answers.append(brand_text(history))
    assert answers[0] == answers[2] and answers[1] == answers[3]
    assert answers[0][2] == (day(180), [], ["STALE001"])


def test_baseline_previous_compares_with_the_brands_last_run(store):
    recorder = Recorder(store, compare_previous=True)
    first = recorder.record(audit_on(0, STALE))
    assert [f.baseline for f in first.findings] == ["new"]  # nothing earlier: everything is new
    Recorder(store).record(audit_on(0, STALE, brand="other.example"))  # another brand's runs do not count
    second = recorder.record(audit_on(30, BROKEN, STALE))
    assert {f.code: f.baseline for f in second.findings} == {"BROKEN001": "new", "STALE001": "unchanged"}
    third = recorder.record(audit_on(60, STALE))
    assert [f.code for f in third.resolved] == ["BROKEN001"]
    assert [f.baseline for f in third.findings] == ["unchanged"]


def test_the_trend_counts_each_run_with_what_appeared_and_resolved(store):
    recorder = Recorder(store)
    recorder.record(audit_on(0, STALE))
    recorder.record(audit_on(30, STALE, BROKEN))
    result = recorder.record(audit_on(60, BROKEN))
    assert [(p.as_of, p.by_category, p.new, p.resolved) for p in result.trend] == [
        (day(0), {"stale": 1}, 1, 0), (day(30), {"broken": 1, "stale": 1}, 1, 0), (day(60), {"broken": 1}, 0, 1)]


def test_a_run_judged_earlier_is_annotated_only_from_runs_up_to_it(store):
    recorder = Recorder(store)
    recorder.record(audit_on(100, STALE))
    backfilled = recorder.record(audit_on(50, STALE))
    assert by_code(backfilled)["STALE001"].first_seen == day(50)
    assert [p.as_of for p in backfilled.trend] == [day(50)]


def test_pruning_keeps_the_newest_runs_and_what_the_older_ones_proved(store):
    recorder = Recorder(store)
    for n in (0, 30, 60, 90):
        recorder.record(audit_on(n, STALE, *((BROKEN,) if n == 30 else ())))
    recorder.record(audit_on(0, STALE, brand="other.example"))
    before = brand_text(store.load("acme.example"))
    assert "first seen 2026-01-01, stale since 2026-01-01" in before
    assert prune(store, keep=2) == 2
    assert [r.as_of for r in store.load("acme.example").runs] == [day(60), day(90)]
    assert len(store.load("other.example").runs) == 1
    after = brand_text(store.load("acme.example"))
    assert "first seen 2026-01-01, stale since 2026-01-01" in after
    latest = by_code(recorder.record(audit_on(120, STALE, BROKEN)))
    assert latest["STALE001"].stale_since == day(0)  # the streak began in a pruned run
    assert latest["BROKEN001"].first_seen == day(30)  # seen only by a pruned run, then again now


def test_an_annotated_report_matches_the_schema_and_the_html_shows_the_trend(store):
    recorder = Recorder(store)
    recorder.record(audit_on(0, STALE))
    result = recorder.record(audit_on(30, STALE, BROKEN))
    schema = json.loads((files("auditor") / "schemas" / "audit-v1.schema.json").read_text())
    document = json.loads(render(result, "json"))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(document)
    assert {f["code"]: f.get("stale_since") for f in document["findings"]} == {
        "STALE001": "2026-01-01T00:00:00+00:00", "BROKEN001": None}
    html = render(result, "html")
    assert "<h3>Trend</h3>" in html and "2026-01-01: 1 (+1 -0), 2026-01-31: 2 (+1 -0)" in html
    assert "first seen 2026-01-01 · stale since 2026-01-01" in html


def test_reports_without_history_carry_none_of_its_fields(store):
    document = json.loads(render(audit_on(0, STALE), "json"))
    assert "trend" not in document and "first_seen" not in document["findings"][0]
    assert "<h3>Trend</h3>" not in render(audit_on(0, STALE), "html")
