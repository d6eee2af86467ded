"""Run the rules over collected activity and turn what they find into findings."""

from __future__ import annotations

import dataclasses
import hashlib
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .models import Activity, Brand, Channel, Finding
from .registry import Registry
from .rules import Rule


class ConfigError(ValueError):
    """Configuration a user wrote that cannot be used; the message names the rule and key."""


@dataclass(frozen=True, kw_only=True)
class RuleConfig:
    """Which rules run and with which options (rule code → option name → value)."""

    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def build_options(rule: Rule, raw: Mapping[str, Any]) -> Any:
    """The rule's Options from user values; unknown keys and wrong types are ConfigErrors."""
    fields = {f.name: f for f in dataclasses.fields(rule.Options)}
    hints = typing.get_type_hints(rule.Options)
    for key, value in raw.items():
        if key not in fields:
            known = ", ".join(sorted(fields)) or "none"
            raise ConfigError(f"rule {rule.CODE} has no option {key!r} (its options: {known})")
        expected = typing.get_origin(hints[key]) or hints[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(
                f"rule {rule.CODE} option {key!r} must be {getattr(expected, '__name__', expected)}, "
                f"not {type(value).__name__} ({value!r})"
            )
    return rule.Options(**raw)


def fingerprint(code: str, brand: Brand, channel_url: str) -> str:
    """Stable across runs: the same rule on the same brand's same channel."""
    key = "\x1f".join((code, brand.name, channel_url))
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def evaluate(
    brand: Brand,
    channels: Iterable[Channel],
    activities: Mapping[str, Activity],
    as_of: datetime,
    registry: Registry,
    config: RuleConfig = RuleConfig(),
) -> tuple[Finding, ...]:
    for code in config.options:
        registry.rule(code)  # unknown codes fail loudly, before any work
    rules = [(rule, build_options(rule, config.options.get(code, {}))) for code, rule in sorted(registry.rules.items())]
    findings: list[Finding] = []
    for channel in channels:
        activity = activities.get(channel.url)
        if activity is None:
            continue
        for rule, options in rules:
            for violation in rule.check(channel, activity, options, as_of):
                findings.append(
                    Finding(
                        code=rule.CODE,
                        category=rule.CATEGORY,
                        severity=rule.SEVERITY,
                        channel_url=channel.url,
                        platform=channel.platform,
                        message=violation.message,
                        evidence=violation.evidence,
                        fingerprint=fingerprint(rule.CODE, brand, channel.url),
                    )
                )
    return tuple(sorted(findings, key=lambda f: f.ordering_key))
