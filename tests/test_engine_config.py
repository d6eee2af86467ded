"""Configuration: select/ignore precedence, option validation, suppressions, baselines."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from auditor.judge.baseline import apply_baseline, load_baseline
from auditor.judge.config import find_config, load_config
from auditor.judge import (
    ConfigError,
    RuleConfig,
    Suppression,
    build_options,
    evaluate,
    validate,
)
from auditor.models import Activity, Brand, Channel, Severity, Status
from auditor.plugin import load_registry
from auditor.judge.rules import stale
from auditor.judge.selection import enabled
from auditor.report.serialize import audit_to_json

AS_OF = datetime(2026, 11, 22, tzinfo=timezone.utc)
CODES = ["STALE001", "STALE002", "STALE003", "SLOW001", "SLOW002", "BROKEN001", "UNKNOWN001"]
REGISTRY = load_registry()


@pytest.mark.parametrize(
    "select, ignore, expected",
    [
        (["ALL"], [], set(CODES)),
        (["STALE"], [], {"STALE001", "STALE002", "STALE003"}),
        (["ALL"], ["STALE"], {"SLOW001", "SLOW002", "BROKEN001", "UNKNOWN001"}),
        (["STALE001"], ["STALE"], {"STALE001"}),  # more specific select beats a broader ignore
        (["STALE"], ["STALE002"], {"STALE001", "STALE003"}),  # more specific ignore beats a broader select
        (["STALE"], ["STALE"], set()),  # equal specificity: ignore wins
        (["STALE00"], ["STALE"], {"STALE001", "STALE002", "STALE003"}),  # longer prefix is more specific
        (["SLOW", "BROKEN001"], [], {"SLOW001", "SLOW002", "BROKEN001"}),
        ([], [], set()),
    ],
)
def test_selection_by_specificity(select, ignore, expected):
    assert enabled(CODES, select, ignore) == expected


def test_unknown_selectors_codes_and_options_are_errors_naming_the_place():
    with pytest.raises(ConfigError, match=r"auditor.toml: select: 'STAEL' matches no rule"):
        validate(RuleConfig(select=("STAEL",), source="auditor.toml"), REGISTRY)
    with pytest.raises(ConfigError, match="unknown rule code 'NOPE001'"):
        validate(RuleConfig(options={"NOPE001": {}}), REGISTRY)
    with pytest.raises(ConfigError, match=r"\[rules.STALE001\]: unknown option 'dayz' for STALE001 \(its options"):
        validate(RuleConfig(options={"STALE001": {"dayz": 3}}), REGISTRY)
    with pytest.raises(ConfigError, match="default_days must be an integer, not str"):
        validate(RuleConfig(options={"STALE001": {"default_days": "90"}}), REGISTRY)
    with pytest.raises(ConfigError, match="days must be a table of an integer values, not dict"):
        validate(RuleConfig(options={"STALE001": {"days": {"blog": "soon"}}}), REGISTRY)
    with pytest.raises(ConfigError, match="must be a number, not bool"):
        validate(RuleConfig(options={"STALE002": {"factor": True}}), REGISTRY)


def test_table_options_merge_over_defaults_and_numbers_widen():
    options = build_options(stale, {"days": {"blog": 120}})
    assert options.days["blog"] == 120 and options.days["social"] == 90
    from auditor.judge.rules import cadence

    assert build_options(cadence, {"factor": 3}).factor == 3.0


def write(tmp_path: Path, text: str, name: str = "auditor.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_full_config_file_loads(tmp_path):
    path = write(tmp_path, """
select = ["ALL"]
ignore = ["SLOW"]
fail-on = "error"
[severity]
stale002 = "warning"
[rules.STALE001]
days = { blog = 120 }
[[channel]]
url = "https://acme.example/feed/"
rules.STALE001.default_days = 365
[[suppress]]
channel = "https://oldcorner.example/rss.xml"
rule = "STALE001"
reason = "client retired it"
until = 2027-03-01
""")
    config = load_config(path)
    assert config.fail_on == "error" and config.rules.ignore == ("SLOW",)
    assert config.rules.severity == {"STALE002": Severity.WARNING}
    assert config.rules.options == {"STALE001": {"days": {"blog": 120}}}
    assert config.rules.channels == {"https://acme.example/feed/": {"STALE001": {"default_days": 365}}}
    assert config.rules.suppress == (Suppression(channel="https://oldcorner.example/rss.xml", rule="STALE001",
                                                 reason="client retired it", until=date(2027, 3, 1)),)
    validate(config.rules, REGISTRY)


@pytest.mark.parametrize(
    "text, message",
    [
        ("selekt = ['ALL']", "unknown key 'selekt'"),
        ("fail-on = 'sometimes'", "fail-on must be one of"),
        ("[severity]\nSTALE001 = 'fatal'", r"\[severity\] STALE001 must be info, warning or error"),
        ("rules = 3", "rules must be a table"),
        ("[[suppress]]\nchannel = 'x'\nrule = 'STALE001'", "reason must be a non-empty string"),
        ("[[suppress]]\nchannel = 'x'\nrule = 'STALE001'\nreason = 'r'\nuntil = 'March'", "until must be a date"),
        ("[[channel]]\nurl = 'x'\nthreshold = 3", r"\[\[channel\]\] #1: unknown key 'threshold'"),
        ("select = 'STALE' 'x'", "not valid TOML"),
    ],
)
def test_config_mistakes_name_the_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as error:
        load_config(path)
    assert str(path) in str(error.value)


def test_config_is_found_in_auditor_toml_or_pyproject(tmp_path):
    assert find_config(tmp_path) is None
    write(tmp_path, "[tool.other]\nx = 1\n", "pyproject.toml")
    assert find_config(tmp_path) is None
    write(tmp_path, "[tool.auditor]\nignore = ['SLOW']\n", "pyproject.toml")
    assert load_config(cwd=tmp_path).rules.ignore == ("SLOW",)
    write(tmp_path, "ignore = ['STALE']\n")
    assert load_config(cwd=tmp_path).rules.ignore == ("STALE",)
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path / "missing.toml")


BRAND = Brand(name="acme", homepages=("https://acme.example/",))
FEED = Channel(platform="feed", url="https://acme.example/feed/", kind="blog")
OLD = {FEED.url: Activity(channel_url=FEED.url, status=Status.OK, last_activity=AS_OF - timedelta(days=400))}


def run(config: RuleConfig, as_of: datetime = AS_OF):
    return evaluate(BRAND, [FEED], OLD, as_of, REGISTRY, config)


def test_per_channel_options_and_severity_overrides():
    (finding,), _ = run(RuleConfig(severity={"STALE001": Severity.ERROR}))
    assert finding.severity is Severity.ERROR
    findings, _ = run(RuleConfig(channels={"https://acme.example/feed": {"STALE001": {"days": {"blog": 500}}}}))
    assert findings == ()  # trailing slash does not matter; 400 days < 500
    findings, _ = run(RuleConfig(channels={"https://other.example/feed/": {"STALE001": {"days": {"blog": 500}}}}))
    assert [f.code for f in findings] == ["STALE001"]


def test_suppression_silences_until_it_expires_and_then_says_so():
    rule = Suppression(channel=FEED.url, rule="STALE", reason="client retired it", until=date(2027, 3, 1))
    findings, suppressed = run(RuleConfig(suppress=(rule,)))
    assert findings == () and suppressed[0].suppression == "client retired it"
    findings, suppressed = run(RuleConfig(suppress=(rule,)), as_of=datetime(2027, 3, 2, tzinfo=timezone.utc))
    assert suppressed == ()
    assert findings[0].evidence[-1].field == "suppression expired"
    assert "2027-03-01: client retired it" in findings[0].evidence[-1].value
    # the last day itself still suppresses
    _, suppressed = run(RuleConfig(suppress=(rule,)), as_of=datetime(2027, 3, 1, 23, tzinfo=timezone.utc))
    assert len(suppressed) == 1


def test_fingerprints_are_stable_and_the_baseline_diff_is_by_fingerprint(tmp_path):
    from auditor.models import Audit

    def audit_of(activities):
        findings, _ = evaluate(BRAND, [FEED, gone_channel], activities, AS_OF, REGISTRY)
        return Audit(brand=BRAND, as_of=AS_OF, channels=(FEED, gone_channel),
                     activities=tuple(activities.values()), findings=findings)

    gone_channel = Channel(platform="feed", url="https://acme.example/old.xml", kind="blog")
    gone = Activity(channel_url=gone_channel.url, status=Status.GONE, reason="410")
    before = audit_of({**OLD, gone_channel.url: gone})
    fresh = Activity(channel_url=FEED.url, status=Status.ERROR, reason="timeout")
    after = audit_of({FEED.url: fresh, gone_channel.url: gone})
    path = tmp_path / "previous.json"
    path.write_text(audit_to_json(before))
    diffed = apply_baseline(after, load_baseline(path))
    assert {(f.code, f.baseline) for f in diffed.findings} == {("BROKEN001", "unchanged"), ("BROKEN003", "new")}
    assert [f.code for f in diffed.resolved] == ["STALE001"]
    assert before.findings[0].fingerprint == audit_of({**OLD, gone_channel.url: gone}).findings[0].fingerprint


def test_baselines_read_json_lines_and_reject_junk(tmp_path):
    from auditor.models import Audit

    one = Audit(brand=BRAND, as_of=AS_OF, channels=(), activities=(), findings=())
    lines = tmp_path / "many.jsonl"
    lines.write_text(audit_to_json(one, indent=None) + "\n" + audit_to_json(one, indent=None) + "\n")
    assert len(load_baseline(lines)) == 2
    junk = tmp_path / "junk.json"
    junk.write_text(json.dumps({"hello": 1}))
    with pytest.raises(ConfigError, match="not an auditor JSON report"):
        load_baseline(junk)
    with pytest.raises(ConfigError, match="cannot read baseline"):
        load_baseline(tmp_path / "none.json")
