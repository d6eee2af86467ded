"""The terminal report: one row per channel, then each finding with its evidence."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..models import Activity, Audit, Severity, Status

STATUS_STYLE = {
    Status.OK: "green",
    Status.NOT_FOUND: "red",
    Status.GONE: "red",
    Status.BLOCKED: "yellow",
    Status.LOGIN_WALL: "yellow",
    Status.ERROR: "red",
}
SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render(audit: Audit, *, color: bool = False, width: int = 110, **_: object) -> str:
    out = io.StringIO()
    console = Console(file=out, force_terminal=color, no_color=not color, width=width, highlight=False)
    as_of = audit.as_of.date().isoformat()
    console.print(
        Text.assemble(("Audit of ", ""), (audit.brand.name, "bold"),
                      f" as of {as_of}: {plural(len(audit.channels), 'channel')}, {plural(len(audit.findings), 'finding')}")
    )
    table = Table(show_lines=False, expand=False)
    for column in ("Platform", "Channel", "Status", "Last activity", "Items"):
        table.add_column(column, overflow="fold")
    for channel in audit.channels:
        activity = audit.activity_for(channel)
        table.add_row(
            channel.platform,
            Text.assemble(channel.url, (f"\n{channel.title}", "dim") if channel.title else ""),
            _status(activity),
            _last_activity(activity, audit),
            str(len(activity.items)) if activity and activity.items else "",
        )
    console.print(table)
    for finding in audit.findings:
        console.print(
            Text.assemble((f"{finding.severity.value:<7}", SEVERITY_STYLE[finding.severity]), " ",
                          (finding.code, "bold"), f" {finding.channel_url}",
                          ("  NEW" if finding.baseline == "new" else "", "bold magenta"))
        )
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


def _status(activity: Activity | None) -> Text:
    if activity is None:
        return Text("not collected", style="dim")
    text = Text(activity.status.value, style=STATUS_STYLE[activity.status])
    if activity.status is not Status.OK and activity.reason:
        text.append(f"\n{activity.reason}", style="dim")
    if activity.expired:
        text.append("\nfeed marked expired", style="yellow")
    return text


def _last_activity(activity: Activity | None, audit: Audit) -> str:
    if activity is None or activity.last_activity is None:
        if activity is not None and activity.status is Status.OK and activity.items:
            return "unknown (no readable dates)"
        return "unknown" if activity is not None and activity.status is not Status.OK else ""
    days = (audit.as_of - activity.last_activity).days
    return f"{activity.last_activity.date().isoformat()}\n{plural(days, 'day')} ago"


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
