"""Markdown for tickets and pull-request comments: a table of channels by urgency, then findings."""

from __future__ import annotations

from auditor.models import Audit
from auditor.report.base import Reporter, days_since, findings_for, plural, responses, urgency
from auditor.report.escape import markdown as cell, markdown_url as link, printable


class MarkdownReporter(Reporter):
    name = "markdown"
    extension = "md"
    def clean(self, text: str) -> str:
        return printable(text)

    def render_one(self, audit: Audit) -> str:
        lines = [
            f"## {cell(audit.brand.name)}: audit as of {audit.as_of.date().isoformat()}",
            "",
            f"{plural(len(audit.channels), 'channel')}, {plural(len(audit.findings), 'finding')}.",
            "",
            "| Channel | Platform | Status | Last activity | Responses | Findings |",
            "|---|---|---|---|---|---|",
        ]
        for channel in sorted(audit.channels, key=lambda c: urgency(audit, c.url)):
            activity = audit.activity_for(channel)
            days = days_since(audit, activity)
            last = (f"{activity.last_activity.date().isoformat()} ({plural(days, 'day')} ago)"
                    if activity and activity.last_activity and days is not None else "unknown")
            status = activity.status.value if activity else "not collected"
            if activity and activity.status.value != "ok" and activity.reason:
                status += f": {activity.reason}"
            codes = ", ".join(f"`{f.code}`" for f in findings_for(audit, channel.url))
            low = " (low confidence)" if channel.confidence.value == "low" else ""
            lines.append(f"| {cell(channel.url)}{low} | {channel.platform} | {cell(status)} | {last} | "
                         f"{responses(activity, audit.as_of)} | {codes} |")
        if audit.findings:
            lines += ["", "### Findings", ""]
            for finding in audit.findings:
                new = " **new**" if finding.baseline == "new" else ""
                lines.append(f"- **{finding.severity.value}** `{finding.code}`{new} {link(finding.channel_url)}: "
                             f"{cell(finding.message)}")
                for item in finding.evidence:
                    lines.append(f"  - {cell(item.field)}: {cell(item.value)} ({link(item.url)})")
        if audit.suppressed:
            lines += ["", "Suppressed: " + "; ".join(
                f"`{f.code}` {link(f.channel_url)} ({cell(f.suppression)})" for f in audit.suppressed)]
        if audit.resolved:
            lines += ["", "Resolved since the baseline: " + "; ".join(
                f"`{f.code}` {link(f.channel_url)}" for f in audit.resolved)]
        return "\n".join(lines) + "\n\n"

    def end(self) -> str:
        if len(self.summaries) < 2:
            return ""
        lines = ["## Summary", "", "| Brand | Channels | Findings by category | Worst |", "|---|---|---|---|"]
        for summary in sorted(self.summaries, key=lambda s: s.urgency):
            worst = "; ".join(f"{f.severity.value} `{f.code}` {link(f.channel_url)}" for f in summary.worst)
            by_category = ", ".join(f"{c} {n}" for c, n in summary.by_category) or "none"
            lines.append(f"| {cell(summary.name)} | {summary.channels} | {by_category} | {worst} |")
        return "\n".join(lines) + "\n"
