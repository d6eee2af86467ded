"""What every report format shares: the streaming Reporter shape and the per-brand summary.

A reporter renders audits one at a time (``start``, then ``add`` per brand as each
finishes, then ``end``), so a batch of thousands of brands streams to disk with flat
memory; only a small summary row per brand is kept for the cross-brand summary.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from typing import Any

from auditor.judge import Rules
from auditor.judge.rules import response_rate, stale
from auditor.models import Activity, Audit, Channel, Finding, Severity, Status
from auditor.collect.signals import ResponseSignals, response_signals
from auditor.strings import map_strings


@dataclass(frozen=True, kw_only=True)
class ReportOptions:
    color: bool = False
    width: int = 110
    verbose: bool = False  # terminal: show healthy channels too
    fail_on: Severity | None = Severity.WARNING  # JUnit: findings at or above this are failures
    rules: Rules | None = None  # the audit's checked configuration: limits and windows a report states come from it
    portfolio: str = ""  # HTML: the relative address of the page across brands a brand's own file links back to


RULE_DEFAULTS: dict[str, Any] = {"STALE001": stale.Options, "SLOW002": response_rate.Options}


def rule_options(options: ReportOptions, code: str, channel_url: str = "") -> Any:
    """The options rule ``code`` ran with (on a channel), or its defaults when the report has no configuration."""
    if options.rules is not None and code in options.rules.options:
        return options.rules.options_for(code, channel_url)
    return RULE_DEFAULTS[code]()


def stale_limit(options: ReportOptions, channel: Channel) -> int:
    """How many silent days make this channel stale, as STALE001 judged it."""
    return int(rule_options(options, "STALE001", channel.url).threshold(channel))


def reply_window(options: ReportOptions) -> int:
    """The days of interactions the response-rate rule (SLOW002) weighs."""
    return int(rule_options(options, "SLOW002").window_days)


@dataclass(frozen=True, slots=True)
class BrandSummary:
    name: str
    channels: int
    by_category: tuple[tuple[str, int], ...]
    by_severity: tuple[tuple[str, int], ...]
    worst: tuple[Finding, ...]  # up to three, most severe first

    @property
    def urgency(self) -> tuple[int, int, str]:
        """Sort key: the most severe finding first, then the most findings."""
        top = self.worst[0].severity.rank + 1 if self.worst else 0
        return (-top, -sum(count for _, count in self.by_severity), self.name)


def summarise(audit: Audit) -> BrandSummary:
    return BrandSummary(
        name=audit.brand.name,
        channels=len(audit.channels),
        by_category=tuple(sorted(Counter(f.category for f in audit.findings).items())),
        by_severity=tuple(sorted(Counter(f.severity.value for f in audit.findings).items())),
        worst=audit.findings[:3],
    )


class Reporter:
    """Base class: subclasses set ``name`` and ``extension`` and implement ``add``.

    ``clean`` (see :mod:`auditor.report.escape`) is applied to every string of an audit before
    the format sees it, so text from the web cannot carry what the format must not hold.
    """

    name = ""
    extension = ""

    def __init__(self, options: ReportOptions = ReportOptions()) -> None:
        self.options = options
        self.summaries: list[BrandSummary] = []

    def clean(self, text: str) -> str:
        """A string of the audit as this format may hold it (see :mod:`auditor.report.escape`); as is by default."""
        return text

    def start(self) -> str:
        return ""

    def add(self, audit: Audit) -> str:
        if type(self).clean is not Reporter.clean:  # a format that cleans what pages wrote
            audit = map_strings(audit, self.clean)
        self.summaries.append(summarise(audit))
        return self.render_one(audit)

    def render_one(self, audit: Audit) -> str:
        raise NotImplementedError

    def end(self) -> str:
        return ""

    def render(self, audit: Audit) -> str:
        """A whole report for one audit."""
        return self.start() + self.add(audit) + self.end()


def days_since(audit: Audit, activity: Activity | None) -> int | None:
    if activity is None or activity.last_activity is None:
        return None
    return (audit.as_of - activity.last_activity).days


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def worst_severity(findings: tuple[Finding, ...] | list[Finding]) -> Severity | None:
    return max((f.severity for f in findings), key=lambda s: s.rank, default=None)


def findings_for(audit: Audit, channel_url: str) -> list[Finding]:
    return [f for f in audit.findings if f.channel_url == channel_url]


def signals_of(activity: Activity | None, as_of: datetime, window_days: int = 90) -> ResponseSignals | None:
    if activity is None or not activity.interactions:
        return None
    return response_signals(activity.interactions, as_of, window_days)


def responses(activity: Activity | None, as_of: datetime) -> str:
    """"answered 3 of 7, median 6 h" over every interaction read (the rules judge their own windows)."""
    if activity is None or not activity.interactions:
        return ""
    signals = response_signals(activity.interactions, as_of, window_days=365 * 100)
    text = f"answered {signals.answered} of {signals.total}"
    if signals.median_first_reply is not None:
        hours = signals.median_first_reply.total_seconds() / 3600
        text += f", median {hours:.0f} h" if hours < 48 else f", median {hours / 24:.1f} d"
    return text


def urgency(audit: Audit, channel_url: str) -> tuple[int, int]:
    """Sort key: channels with the worst findings first, then broken ones, then by silence."""
    severity = worst_severity(findings_for(audit, channel_url))
    activity = next((a for a in audit.activities if a.channel_url == channel_url), None)
    broken = activity is not None and activity.status not in (Status.OK,)
    silence = days_since(audit, activity) or 0
    return (-(severity.rank + 1 if severity else 0), -(int(broken) * 100000 + silence))
