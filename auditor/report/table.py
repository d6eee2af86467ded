"""The terminal report: per brand, a row per channel, most urgent first (quiet on healthy ones unless
verbose), then every finding with its evidence, error → warning → info, then by channel; after several
brands, a cross-brand summary, worst first.

Laid out in ``ReportOptions.width`` columns (80 through a pipe): a row never runs past it, and a URL
too long for its column is shortened in the middle (``oldcorner.example/blo…/rss.xml``), never wrapped
across lines, so the table stays readable at 80 columns and in ``grep`` output."""

from __future__ import annotations

import io
import textwrap

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from auditor.models import Activity, Audit, Channel, Confidence, Severity, Status
from auditor.report.base import Reporter, days_since, findings_for, plural, responses, urgency
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


ELLIPSIS = "…"
# Columns the channel URL shares a row with: (header, widest it may grow before its text wraps)
MIN_URL = 16  # the channel column is never narrower
NARROW = 100  # below this many columns, items and responses join the last-activity cell


class TableReporter(Reporter):
    name = "table"
    extension = "txt"
    def clean(self, text: str) -> str:  # no escape sequence from a page reaches the terminal
        return printable(text)

    def _console(self) -> tuple[Console, io.StringIO]:
        out = io.StringIO()
        color = self.options.color
        return Console(file=out, force_terminal=color, no_color=not color, width=self.options.width,
                       highlight=False, soft_wrap=False), out

    def render_one(self, audit: Audit) -> str:
        console, out = self._console()
        width = self.options.width
        as_of = audit.as_of.date().isoformat()
        console.print(Text.assemble(
            "Audit of ", (audit.brand.name, "bold"),
            f" as of {as_of}: {plural(len(audit.channels), 'channel')}, {plural(len(audit.findings), 'finding')}"))
        wide = width >= NARROW
        # (header, widest it grows before its text wraps); the channel column takes what is left
        headers = ((("Platform", 10), ("Status", 18), ("Last activity", 14), ("Items", 5), ("Responses", 18))
                   if wide else (("Status", 14), ("Last activity", 14))) + (("Findings", 10),)
        status_at = 1 if wide else 0
        rows: list[tuple[Channel, list[Text]]] = []
        hidden = 0
        for channel in sorted(audit.channels, key=lambda c: (urgency(audit, c.url), c.url)):
            activity = audit.activity_for(channel)
            findings = findings_for(audit, channel.url)
            healthy = not findings and activity is not None and activity.status is Status.OK
            if healthy and not self.options.verbose:
                hidden += 1
                continue
            items = str(len(activity.items)) if activity and activity.items else ""
            answered = responses(activity, audit.as_of)
            last = Text(_last_activity(activity, audit))
            codes = Text("\n".join(sorted({f.code for f in findings})))
            if wide:
                cells = [Text(channel.platform), _status(activity), last, Text(items), Text(answered), codes]
            else:  # items and responses join the last-activity cell, the platform the channel's
                for extra in (plural(len(activity.items), "item") if activity and items else "", answered):
                    if extra:
                        last.append(f"\n{extra}", style="dim")
                cells = [_status(activity, reason=not findings), last, codes]  # a finding repeats the reason
            rows.append((channel, cells))
        if rows:
            natural = [max(_widest(header), *(_widest(cells[i].plain) for _, cells in rows))
                       for i, (header, _) in enumerate(headers)]
            sizes = [min(cap, size) for (_, cap), size in zip(headers, natural)]
            # three columns between two columns (padding, divider, padding), none at the outer edges; one spare
            overhead = 3 * len(headers) + 1
            url_natural = max(_widest(_channel_cell(c, 10**6, platform=not wide).plain) for c, _ in rows)
            # the status reason and the URL share what the other columns leave; the URL first
            free = width - overhead - sum(sizes) + sizes[status_at]
            budget = max(MIN_URL, min(url_natural, free - min(sizes[status_at], 10)))
            sizes[status_at] = max(6, min(natural[status_at], free - budget))
            for _, cells in rows:
                cells[status_at] = _clip(cells[status_at], sizes[status_at], lines=4)
            table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
            columns = [(header, size) for (header, _), size in zip(headers, sizes)]
            columns.insert(1 if wide else 0, ("Channel", budget))
            for header, size in columns:
                if header == "Channel":
                    table.add_column(header, width=size, no_wrap=True, overflow="ellipsis")
                else:
                    table.add_column(header, width=size, overflow="fold")
            for channel, cells in rows:
                cell = _channel_cell(channel, budget, platform=not wide)
                table.add_row(*(cells[:1] + [cell] + cells[1:] if wide else [cell] + cells))
            console.print(table)
        if hidden:
            console.print(Text(f"{plural(hidden, 'healthy channel')} not shown (-v shows all)", style="dim"))
        for finding in sorted(audit.findings, key=lambda f: f.ordering_key):
            mark = "  NEW" if finding.baseline == "new" else ""
            head = f"{finding.severity.value:<7} {finding.code} "
            console.print(Text.assemble(
                (f"{finding.severity.value:<7}", SEVERITY_STYLE[finding.severity]), " ", (finding.code, "bold"),
                " ", shorten(finding.channel_url, width - len(head) - len(mark) - 1), (mark, "bold magenta")))
            console.print(Text(_wrap(finding.message, width, "    ")))
            for item in finding.evidence:
                console.print(Text(_wrap(f"· {item.field}: {item.value}  ({item.url})", width, "    "), style="dim"))
        if not audit.findings:
            console.print("No findings.")
        for finding in audit.suppressed:
            console.print(Text(f"suppressed {finding.code} {finding.channel_url}: {finding.suppression}", style="dim"))
        for finding in audit.resolved:
            console.print(Text(f"resolved since the baseline: {finding.code} {finding.channel_url}", style="green"))
        stats = audit.stats
        console.print(Text(f"{plural(stats.requests, 'request')}, {stats.errors} failed, {stats.bytes:,} bytes",
                           style="dim"))
        return _trimmed(out.getvalue())

    def end(self) -> str:
        if len(self.summaries) < 2:
            return ""
        console, out = self._console()
        width = self.options.width
        summaries = sorted(self.summaries, key=lambda s: s.urgency)
        names = min(24, max(5, *(len(s.name) for s in summaries)))
        categories = [", ".join(f"{c} {n}" for c, n in s.by_category) or "none" for s in summaries]
        counts = min(18, max(_widest("Findings by category"), *(_widest(c) for c in categories)))
        budget = max(24, width - (3 * 3 + 1) - names - 8 - counts)
        table = Table(title=f"Summary of {plural(len(summaries), 'brand')}", box=box.SIMPLE_HEAD, show_edge=False,
                      pad_edge=False, expand=False)
        table.add_column("Brand", width=names, overflow="fold")
        table.add_column("Channels", width=8, justify="right")
        table.add_column("Findings by category", width=counts, overflow="fold")
        table.add_column("Worst", width=budget, no_wrap=True, overflow="ellipsis")
        for summary, category in zip(summaries, categories):
            worst = []
            for f in summary.worst:
                head = f"{f.severity.value} {f.code} "
                worst.append(head + shorten(f.channel_url, budget - len(head)))
            table.add_row(Text(summary.name), str(summary.channels), Text(category), Text("\n".join(worst)))  # Text: never rich markup
        console.print(table)
        return _trimmed(out.getvalue())


def shorten(url: str, width: int) -> str:
    """``url`` in at most ``width`` characters, cut in the middle (the host and the last path part stay)."""
    if len(url) <= width:
        return url
    if width <= 1:
        return ELLIPSIS[:width]
    keep = width - 1
    head = (keep + 1) // 2
    return url[:head] + ELLIPSIS + url[len(url) - (keep - head):]


def _channel_cell(channel: Channel, width: int, *, platform: bool = False) -> Text:
    """The URL (without ``https://``, shortened in the middle to ``width``), then its platform (when it has
    no column of its own), title and a low-confidence note, each cut to ``width``."""
    text = Text(shorten(channel.url.removeprefix("https://"), width))
    details = " · ".join(part for part in (channel.platform if platform else "", channel.title) if part)
    if details:
        text.append("\n" + (details if len(details) <= width else details[: width - 1] + ELLIPSIS), style="dim")
    if channel.confidence is Confidence.LOW:
        note = "low confidence: linked from one article only"
        text.append("\n" + (note if len(note) <= width else "low confidence"), style="yellow")
    return text


def _clip(text: Text, width: int, *, lines: int) -> Text:
    """``text`` cut (with an ellipsis) to about what ``lines`` lines of ``width`` columns hold."""
    limit = width * lines
    if len(text.plain) <= limit:
        return text
    clipped = text[: limit - 1]
    clipped.append(ELLIPSIS)
    return clipped


def _wrap(text: str, width: int, indent: str) -> str:
    """``text`` broken at spaces into lines of at most ``width`` columns, each indented (long words are cut)."""
    return textwrap.fill(" ".join(text.split()), width=max(20, width - 1), initial_indent=indent,
                         subsequent_indent=indent + "  ", break_on_hyphens=False) or indent


def _trimmed(text: str) -> str:
    """Without the spaces a table pads its last column with, so a pipe sees no trailing blanks."""
    return "".join(line.rstrip(" ") + "\n" for line in text.splitlines())


def _widest(text: str) -> int:
    """The longest line of ``text``, in characters."""
    return max((len(line) for line in text.split("\n")), default=0)


def _status(activity: Activity | None, *, reason: bool = True) -> Text:
    if activity is None:
        return Text("not collected", style="dim")
    text = Text(activity.status.value, style=STATUS_STYLE[activity.status])
    if reason and activity.status is not Status.OK and activity.reason:
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
