"""The terminal report: per brand, a row per channel (quiet on healthy ones unless verbose),
then every finding with its evidence; after several brands, a cross-brand summary."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from auditor.models import Activity, Audit, Confidence, Severity, Status
from auditor.report.base import Reporter, days_since, findings_for, plural, responses
from auditor.report.escape import printable

STATUS_STYLE = {
    Status.OK: "green",
    Status.NOT_FOUND: "red",
    Status.GONE: "red",
    Status.BLOCKED: "yellow",
    Status.LOGIN_WALL: "yellow",
    Status.ERROR: "red",
}
SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


class TableReporter(Reporter):
    name = "table"
    extension = "txt"
    clean = printable  # no escape sequence from a page reaches the terminal

    def _console(self) -> tuple[Console, io.StringIO]:
        out = io.StringIO()
        color = self.options.color
        return Console(file=out, force_terminal=color, no_color=not color, width=self.options.width,
                       highlight=False), out

    def render_one(self, audit: Audit) -> str:
        console, out = self._console()
        as_of = audit.as_of.date().isoformat()
        console.print(Text.assemble(
            "Audit of ", (audit.brand.name, "bold"),
            f" as of {as_of}: {plural(len(audit.channels), 'channel')}, {plural(len(audit.findings), 'finding')}"))
        table = Table(expand=False)
        for column in ("Platform", "Channel", "Status", "Last activity", "Items", "Responses", "Findings"):
            table.add_column(column, overflow="fold")
        hidden = 0
        for channel in audit.channels:
            activity = audit.activity_for(channel)
            findings = findings_for(audit, channel.url)
            healthy = not findings and activity is not None and activity.status is Status.OK
            if healthy and not self.options.verbose:
                hidden += 1
                continue
            table.add_row(  # every cell a Text: a str would be read as rich markup ("[/x]" raises)
                Text(channel.platform),
                Text.assemble(channel.url, (f"\n{channel.title}", "dim") if channel.title else "",
                              ("\nlow confidence: linked from one article only", "yellow")
                              if channel.confidence is Confidence.LOW else ""),
                _status(activity),
                Text(_last_activity(activity, audit)),
                str(len(activity.items)) if activity and activity.items else "",
                Text(responses(activity, audit.as_of)),
                Text(" ".join(sorted({f.code for f in findings}))),
            )
        if table.row_count:
            console.print(table)
        if hidden:
            console.print(Text(f"{plural(hidden, 'healthy channel')} not shown (-v shows all)", style="dim"))
        for finding in audit.findings:
            console.print(Text.assemble(
                (f"{finding.severity.value:<7}", SEVERITY_STYLE[finding.severity]), " ", (finding.code, "bold"),
                f" {finding.channel_url}", ("  NEW" if finding.baseline == "new" else "", "bold magenta")))
            console.print(Text("    " + finding.message))
            for item in finding.evidence:
                console.print(Text(f"    · {item.field}: {item.value}  ({item.url})", style="dim"))
        if not audit.findings:
            console.print("No findings.")
        for finding in audit.suppressed:
            console.print(Text(f"suppressed {finding.code} {finding.channel_url}: {finding.suppression}", style="dim"))
        for finding in audit.resolved:
            console.print(Text(f"resolved since the baseline: {finding.code} {finding.channel_url}", style="green"))
        stats = audit.stats
        console.print(Text(f"{plural(stats.requests, 'request')}, {stats.errors} failed, {stats.bytes:,} bytes",
                           style="dim"))
        return out.getvalue()

    def end(self) -> str:
        if len(self.summaries) < 2:
            return ""
        console, out = self._console()
        table = Table(title=f"Summary of {plural(len(self.summaries), 'brand')}", expand=False)
        for column in ("Brand", "Channels", "Findings by category", "Worst"):
            table.add_column(column, overflow="fold")
        for summary in sorted(self.summaries, key=lambda s: s.urgency):
            worst = "\n".join(f"{f.severity.value} {f.code} {f.channel_url}" for f in summary.worst)
            table.add_row(Text(summary.name), str(summary.channels),
                          Text(", ".join(f"{c} {n}" for c, n in summary.by_category) or "none"), Text(worst))
        console.print(table)
        return out.getvalue()


def _status(activity: Activity | None) -> Text:
    if activity is None:
        return Text("not collected", style="dim")
    text = Text(activity.status.value, style=STATUS_STYLE[activity.status])
    if activity.status is not Status.OK and activity.reason:
        text.append(f"\n{activity.reason}", style="dim")
    if activity.expired:
        text.append("\nmarked finished", style="yellow")
    if activity.moved_to:
        text.append(f"\nmoved to {activity.moved_to}", style="yellow")
    return text


def _last_activity(activity: Activity | None, audit: Audit) -> str:
    days = days_since(audit, activity)
    if activity is None or activity.last_activity is None or days is None:
        if activity is not None and activity.status is Status.OK and activity.items:
            return "unknown (no readable dates)"
        return "unknown" if activity is not None and activity.status is not Status.OK else ""
    return f"{activity.last_activity.date().isoformat()}\n{plural(days, 'day')} ago"
