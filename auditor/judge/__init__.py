"""Stage 3, judge: run the rules over collected activity and turn what they find into findings.

Takes a :class:`~auditor.collect.Collection` and the rule configuration (a
:class:`RuleConfig`, checked once into :class:`Rules` by :func:`prepare`); gives a
:class:`Judgement`: findings, suppressed findings and, against a baseline, resolved ones.
The engine applies the configuration: which rules run (select/ignore), their options
(globally and per channel), severity overrides, and suppressions with their expiry.
Rules live in :mod:`auditor.judge.rules`, one module each; they never read the clock.
"""

from __future__ import annotations

import dataclasses
import hashlib
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from auditor.models import Activity, Audit, Brand, Channel, Collection, Evidence, Finding, Severity
from auditor.plugin import Registry
from auditor.plugin import Rule
from auditor.urls import canonical_url, same_channel
from auditor.judge.selection import ALL, SelectorError, check_selectors, enabled, matches


class ConfigError(ValueError):
    """Configuration a user wrote that cannot be used; the message names where, what and why."""


@dataclass(frozen=True, kw_only=True)
class Suppression:
    channel: str  # canonical channel URL
    rule: str  # a code or a code prefix
    reason: str
    until: date | None = None


@dataclass(frozen=True, kw_only=True)
class RuleConfig:
    """Which rules run, how, and what is silenced. Build it by hand or with :mod:`auditor.judge.config`."""

    select: tuple[str, ...] = (ALL,)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)  # code → severity override
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # code → option → value
    channels: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)  # url → code → options
    suppress: tuple[Suppression, ...] = ()
    source: str = "configuration"  # named in error messages


def validate(config: RuleConfig, registry: Registry) -> None:
    """Raise ConfigError for unknown codes, selectors, options or wrong types, before any work is done."""
    codes = list(registry.rules)
    try:
        check_selectors(config.select, codes, f"{config.source}: select")
        check_selectors(config.extend_select, codes, f"{config.source}: extend-select")
        check_selectors(config.ignore, codes, f"{config.source}: ignore")
        check_selectors((s.rule for s in config.suppress), codes, f"{config.source}: suppress rule")
    except SelectorError as exc:
        raise ConfigError(str(exc)) from None
    for code in config.severity:
        _rule(registry, code, config.source)
    for code, raw in config.options.items():
        build_options(_rule(registry, code, config.source), raw, f"{config.source}: [rules.{code}]")
    for url, per_rule in config.channels.items():
        for code, raw in per_rule.items():
            rule = _rule(registry, code, config.source)
            build_options(rule, {**config.options.get(rule.CODE, {}), **raw},
                          f"{config.source}: [[channel]] {url} [rules.{code}]")


def _rule(registry: Registry, code: str, source: str) -> Rule:
    try:
        return registry.rules[code.upper()]
    except KeyError:
        raise ConfigError(f"{source}: unknown rule code {code!r} (rules: {', '.join(sorted(registry.rules))})") from None


def build_options(rule: Rule, raw: Mapping[str, Any], where: str = "") -> Any:
    """The rule's Options from user values; table options merge over their defaults.

    Unknown keys and wrong types raise ConfigError naming ``where``, the key and the expected type.
    """
    where = where or f"rule {rule.CODE}"
    fields, hints = _option_types(rule.Options)
    defaults = rule.Options()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = key.replace("-", "_")
        if name not in fields:
            known = ", ".join(sorted(fields)) or "none"
            raise ConfigError(f"{where}: unknown option {key!r} for {rule.CODE} (its options: {known})")
        expected = hints[name]
        if not _fits(value, expected):
            raise ConfigError(f"{where}: {key} must be {_describe(expected)}, not {type(value).__name__} ({value!r})")
        if _negative(value):
            raise ConfigError(f"{where}: {key} must not be negative (days, hours, counts and rates are 0 or more), "
                              f"not {value!r}")
        if typing.get_origin(expected) is dict:
            value = {**getattr(defaults, name), **value}
        values[name] = float(value) if expected is float else value
    return rule.Options(**values)


_OPTION_TYPES: dict[type, tuple[frozenset[str], dict[str, Any]]] = {}


def _option_types(options: type) -> tuple[frozenset[str], dict[str, Any]]:
    """An Options class's field names and resolved type hints, worked out once per class."""
    known = _OPTION_TYPES.get(options)
    if known is None:
        known = _OPTION_TYPES[options] = (frozenset(f.name for f in dataclasses.fields(options)),
                                          typing.get_type_hints(options))
    return known


def _fits(value: Any, expected: Any) -> bool:
    origin = typing.get_origin(expected)
    if origin is dict:
        _, value_type = typing.get_args(expected)
        return isinstance(value, dict) and all(_fits(v, value_type) for v in value.values())
    if expected is bool:
        return isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, expected)


def _negative(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_negative(v) for v in value.values())
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0


def _describe(expected: Any) -> str:
    if typing.get_origin(expected) is dict:
        return f"a table of {_describe(typing.get_args(expected)[1])} values"
    return {int: "an integer", float: "a number", bool: "true or false", str: "a string"}.get(
        expected, getattr(expected, "__name__", str(expected)))


def fingerprint(code: str, brand: Brand, channel_url: str) -> str:
    """Stable across runs: the same rule on the same brand's same channel."""
    key = "\x1f".join((code, brand.name, channel_url))
    return hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Rules:
    """A :class:`RuleConfig` checked against the registry once, with every rule's options built.

    What :func:`judge` runs, and what reports read for their thresholds and windows, so a
    report never states a limit the audit did not apply. Build it with :func:`prepare`.
    """

    config: RuleConfig
    enabled: tuple[Rule, ...]  # the rules that run, by code
    options: Mapping[str, Any]  # code → the rule's Options from the configuration (every registered rule)
    per_channel: Mapping[str, Mapping[str, Any]]  # canonical channel URL → code → Options

    def options_for(self, code: str, channel_url: str = "") -> Any:
        """The Options rule ``code`` runs with on a channel (its own override, else the global ones)."""
        per_rule = self.per_channel.get(canonical_url(channel_url)) if channel_url and self.per_channel else None
        if per_rule and code in per_rule:
            return per_rule[code]
        return self.options[code]

    def severity_of(self, rule: Rule) -> Severity:
        return self.config.severity.get(rule.CODE, rule.SEVERITY)


def prepare(config: RuleConfig, registry: Registry) -> Rules:
    """Validate ``config`` (ConfigError for any mistake) and build every rule's options, once."""
    validate(config, registry)
    codes = enabled(registry.rules, (*config.select, *config.extend_select), config.ignore)
    options = {code: build_options(rule, config.options.get(code, {})) for code, rule in registry.rules.items()}
    per_channel: dict[str, dict[str, Any]] = {}
    for url, per_rule in config.channels.items():
        built = per_channel.setdefault(canonical_url(url), {})
        for code, raw in per_rule.items():
            rule = _rule(registry, code, config.source)
            built[rule.CODE] = build_options(rule, {**config.options.get(rule.CODE, {}), **raw})
    return Rules(config=config, enabled=tuple(registry.rules[code] for code in sorted(codes)),
                 options=options, per_channel=per_channel)


def evaluate(
    brand: Brand,
    channels: Iterable[Channel],
    activities: Mapping[str, Activity],
    as_of: datetime,
    registry: Registry,
    config: RuleConfig | Rules = RuleConfig(),
) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """(findings, suppressed), each sorted most severe first."""
    rules = config if isinstance(config, Rules) else prepare(config, registry)
    findings: list[Finding] = []
    suppressed: list[Finding] = []
    for channel in channels:
        activity = activities.get(channel.url)
        if activity is None:
            continue
        for rule in rules.enabled:
            options = rules.options_for(rule.CODE, channel.url)
            for violation in rule.check(brand, channel, activity, options, as_of):
                finding = Finding(
                    code=rule.CODE,
                    category=rule.CATEGORY,
                    severity=rules.severity_of(rule),
                    channel_url=channel.url,
                    platform=channel.platform,
                    message=violation.message,
                    evidence=violation.evidence,
                    fingerprint=fingerprint(rule.CODE, brand, channel.url),
                )
                _file(finding, rules.config.suppress, as_of, findings, suppressed)
    order = lambda f: f.ordering_key  # noqa: E731
    return tuple(sorted(findings, key=order)), tuple(sorted(suppressed, key=order))


def _file(finding: Finding, suppressions: tuple[Suppression, ...], as_of: datetime,
          findings: list[Finding], suppressed: list[Finding]) -> None:
    for rule in suppressions:
        if not same_channel(rule.channel, finding.channel_url) or not matches(rule.rule, finding.code):
            continue
        if rule.until is not None and as_of.date() > rule.until:
            note = Evidence(rule.channel, "suppression expired", f"{rule.until.isoformat()}: {rule.reason}")
            findings.append(dataclasses.replace(finding, evidence=(*finding.evidence, note)))
            return
        suppressed.append(dataclasses.replace(finding, suppression=rule.reason))
        return
    findings.append(finding)


@dataclass(frozen=True)
class Judgement:
    """Stage 3's result for one brand."""

    findings: tuple[Finding, ...]
    suppressed: tuple[Finding, ...] = ()  # silenced by a configured suppression, with its reason
    resolved: tuple[Finding, ...] = ()  # in the baseline, no longer found


def judge(
    collection: Collection,
    rules: RuleConfig | Rules = RuleConfig(),
    *,
    registry: Registry | None = None,
    baseline: Iterable[Audit] | None = None,
) -> Judgement:
    """Stage 3: the findings on a collection, as of its moment; marked against ``baseline`` (earlier audits) if given."""
    from auditor.judge.baseline import compare
    from auditor.plugin import load_registry

    registry = registry or load_registry()
    activities = {activity.channel_url: activity for activity in collection.activities}
    findings, suppressed = evaluate(collection.brand, collection.channels, activities, collection.as_of,
                                    registry, rules)
    resolved: tuple[Finding, ...] = ()
    if baseline is not None:
        findings, resolved = compare(collection.brand.name, findings, baseline)
    return Judgement(findings=findings, suppressed=suppressed, resolved=resolved)
