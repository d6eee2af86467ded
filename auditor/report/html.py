"""One self-contained HTML file to forward to a client: no scripts, fonts or images from
anywhere else, so it works offline, as an e-mail attachment and on paper.

Takes audits (streamed brand by brand) and gives the page. Per brand: a summary line, the
channels sorted by urgency (a table on a desktop, one card per channel on a phone), one
timeline with every channel on a shared time axis, its legend and the as-of line (see
:mod:`auditor.report.timeline`), then per channel its findings, each with an anchor and
linked to its evidence. When the audit carries a trend from the history, a bar chart of the
brand's findings per run, and each finding says when it was first seen and since when it has
been stale. Several brands get the portfolio table on top (:mod:`auditor.report.portfolio`).
Readable from 360 px wide to a desktop, with a print style.
"""

from __future__ import annotations

import re

from auditor.models import Activity, Audit, Channel, Finding, TrendPoint
from auditor.report import portfolio, timeline
from auditor.report.base import Reporter, days_since, plural, responses, stale_limit, urgency, worst_severity
from auditor.report.escape import html as escape, xml_legal

STYLE = """
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
main{max-width:1080px;margin:0 auto;padding:24px;display:flex;flex-direction:column;gap:24px}
section{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:20px;min-width:0}
h1{font-size:24px;margin:0}h2{font-size:20px;margin:0 0 8px}h3{font-size:16px;margin:18px 0 6px}
h2,h3,li,p,code,a,.finding,.evidence{overflow-wrap:anywhere}td{overflow-wrap:break-word}
.summary{order:-1}.muted{color:#5b6472}table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e6e9ee;vertical-align:top}th{font-size:13px;color:#5b6472}
.num{text-align:right}.zero{color:#9aa3af}
.badge{display:inline-block;white-space:nowrap;padding:1px 7px;border-radius:10px;font-size:12px;font-weight:600;text-decoration:none}
.error{background:#fde2e1;color:#9b1c1c}.warning{background:#fff1c2;color:#7a5200}.info{background:#e1effe;color:#1e429f}
.ok{background:#def7ec;color:#03543f}.status-bad{background:#fde2e1;color:#9b1c1c}.status-unknown{background:#eceff3;color:#374151}
.finding{margin:6px 0 10px;padding-left:10px;border-left:3px solid #dde1e7}.finding:target{border-left-color:#1a56db;background:#eef4ff}
.evidence{font-size:13px;color:#5b6472;margin:2px 0 0 12px}
svg{display:block;max-width:100%;height:auto}a{color:#1a56db}
figure.timeline{margin:12px 0}.scroll{overflow-x:auto}
svg.tl{width:100%;min-width:520px;max-width:none}
.tl text{font-size:11px;fill:#374151}.tl .label{font-size:12px;fill:#1a56db}.tl .older,.tl .note{fill:#5b6472;font-size:10px}
.tl .as-of-label{font-weight:600;fill:#111827}
.legend{list-style:none;margin:6px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:13px;color:#374151}
.legend li{display:flex;align-items:center;gap:6px}.legend svg{flex:none}
@media (max-width:640px){
main{padding:10px;gap:14px}section{padding:12px}h1{font-size:20px}h2{font-size:18px}
table.cards thead{display:none}
table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:auto}
table.cards tr{border:1px solid #e6e9ee;border-radius:6px;margin:0 0 10px;padding:6px 10px}
table.cards td{border:0;padding:2px 0;text-align:left}
table.cards td[data-label]::before{content:attr(data-label) ": ";font-size:12px;font-weight:600;color:#5b6472}
table.portfolio td.zero{display:none}table.portfolio td.num{display:inline-block;margin-right:14px}
.tl text{font-size:14px}.tl .label{font-size:15px}.tl .older,.tl .note{font-size:12px}
}
@media print{
body{background:#fff;font-size:11pt}main{max-width:none;padding:0;gap:12px}
section{border:0;border-radius:0;padding:0;margin:0 0 16px}
.scroll{overflow:visible}svg.tl{min-width:0}
h2,h3{break-after:avoid}tr,.finding,figure.timeline{break-inside:avoid}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
a{color:inherit}.back{display:none}
}
@page{margin:14mm}
"""


class HtmlReporter(Reporter):
    name = "html"
    extension = "html"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.entries: list[portfolio.Entry] = []

    def clean(self, text: str) -> str:
        return xml_legal(text)

    def start(self) -> str:
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<title>presence-auditor report</title>"
                f"<style>{STYLE}</style></head><body><main>\n")

    def render_one(self, audit: Audit) -> str:
        brand = f"b{len(self.entries) + 1}-{_anchor(audit.brand.name)}"
        self.entries.append(portfolio.entry_of(audit, f"#{brand}"))
        ids = Anchors(brand, audit)
        channels = sorted(audit.channels, key=lambda c: urgency(audit, c.url))
        worst = worst_severity(audit.findings)
        back = (f"<p class=\"back\"><a href=\"{escape(self.options.portfolio)}\">&larr; all brands</a></p>"
                if self.options.portfolio else "")
        parts = [
            f"<section class=\"brand\" id=\"{brand}\">{back}",
            f"<h2>{escape(audit.brand.name)}</h2>",
            f"<p class=\"muted\">As of {audit.as_of.date().isoformat()} · {plural(len(audit.channels), 'channel')} · "
            f"{plural(len(audit.findings), 'finding')}"
            + (f" · worst: <span class=\"badge {worst.value}\">{worst.value}</span>" if worst else "") + "</p>",
            "<table class=\"cards channels\"><thead><tr><th>Channel</th><th>Platform</th><th>Status</th>"
            "<th>Last activity</th><th>Responses</th><th>Findings</th></tr></thead><tbody>",
        ]
        for channel in channels:
            parts.append(self._row(audit, channel, ids))
        parts.append("</tbody></table>")
        rows = [self._timeline_row(audit, channel, ids) for channel in channels]
        if rows:
            axis = timeline.shared_axis(audit.as_of, rows)
            label = (f"Activity of {audit.brand.name}'s channels from {axis.start.date().isoformat()} to "
                     f"{audit.as_of.date().isoformat()}: posts as blue ticks, the last activity as a black diamond, "
                     "answered comments as green dots, unanswered as hollow red ones; each dashed red line is that "
                     "channel's stale limit")
            parts.append(f"<h3 id=\"{brand}-timeline\">Timeline</h3><figure class=\"timeline\">"
                         f"<div class=\"scroll\">{timeline.timeline_svg(axis, rows, label=label)}</div>"
                         f"<figcaption>{timeline.legend()}</figcaption></figure>")
        if len(audit.trend) > 1:
            parts.append(trend_chart(audit.trend))
        for channel in channels:
            parts.append(self._channel_detail(audit, channel, ids))
        if audit.suppressed:
            parts.append("<h3>Suppressed</h3><ul>" + "".join(
                f"<li><code>{f.code}</code> {_link(f.channel_url)}: {escape(f.suppression)}</li>"
                for f in audit.suppressed) + "</ul>")
        if audit.resolved:
            parts.append("<h3>Resolved since the baseline</h3><ul>" + "".join(
                f"<li><code>{f.code}</code> {_link(f.channel_url)}</li>" for f in audit.resolved) + "</ul>")
        parts.append("</section>\n")
        return "".join(parts)

    def _row(self, audit: Audit, channel: Channel, ids: Anchors) -> str:
        activity = audit.activity_for(channel)
        days = days_since(audit, activity)
        last = (f"{activity.last_activity.date().isoformat()}<br><span class=\"muted\">{plural(days, 'day')} ago</span>"
                if activity and activity.last_activity and days is not None else "<span class=\"muted\">unknown</span>")
        badges = " ".join(f"<a class=\"badge {f.severity.value}\" href=\"#{ids.finding(f)}\">{f.code}</a>"
                          for f in ids.findings_for(channel.url)) or "<span class=\"muted\">none</span>"
        low = "<br><span class=\"muted\">low confidence: linked from one article</span>" \
            if channel.confidence.value == "low" else ""
        return (f"<tr><td data-label=\"channel\"><a href=\"#{ids.channel(channel.url)}\">"
                f"{escape(channel.title or channel.url)}</a>{low}</td>"
                f"<td data-label=\"platform\">{escape(channel.platform)}</td>"
                f"<td data-label=\"status\">{_status(activity)}</td><td data-label=\"last activity\">{last}</td>"
                f"<td data-label=\"responses\">{escape(responses(activity, audit.as_of)) or '–'}</td>"
                f"<td data-label=\"findings\">{badges}</td></tr>")

    def _timeline_row(self, audit: Audit, channel: Channel, ids: Anchors) -> timeline.Row:
        activity = audit.activity_for(channel)
        name = channel.title or channel.url
        label = _middle(f"{channel.platform}: {name}", 90)
        threshold = stale_limit(self.options, channel)
        href = f"#{ids.channel(channel.url)}"
        if activity is None:
            return timeline.Row(label, href, threshold, note="not collected")
        posts = tuple(timeline.Mark(when, f"{item.title or item.url} · {when.date().isoformat()}")
                      for item in activity.items if (when := item.published or item.updated) is not None)
        answered: list[timeline.Mark] = []
        unanswered: list[timeline.Mark] = []
        for interaction in activity.interactions:
            replied = interaction.owner_replied_at is not None and interaction.owner_replied_at <= audit.as_of
            mark = timeline.Mark(interaction.at, f"{'answered' if replied else 'unanswered'} {interaction.kind} by "
                                                 f"{interaction.author} · {interaction.at.date().isoformat()}")
            (answered if replied else unanswered).append(mark)
        last = activity.last_activity if activity.last_activity and activity.last_activity <= audit.as_of else None
        note = "no dated activity" if activity.status.value == "ok" else activity.status.value.replace("_", " ")
        return timeline.Row(label, href, threshold, last, posts, tuple(answered), tuple(unanswered), note)

    def _channel_detail(self, audit: Audit, channel: Channel, ids: Anchors) -> str:
        activity = audit.activity_for(channel)
        parts = [f"<h3 id=\"{ids.channel(channel.url)}\">{escape(channel.platform)}: {_link(channel.url)}</h3>"]
        if activity is not None:
            threshold = stale_limit(self.options, channel)
            parts.append(f"<p class=\"muted\">{_status(activity)} · stale after {threshold} days without activity"
                         + (f" · {escape(activity.reason)}" if activity.reason else "") + "</p>")
        for finding in ids.findings_for(channel.url):
            parts.append(_finding(finding, ids.finding(finding)))
        return "".join(parts)

    def end(self) -> str:
        if len(self.entries) == 1:
            (entry,) = self.entries
            head = ("<section class=\"summary\"><h1>Online presence audit: "
                    f"<a href=\"{escape(entry.href)}\">{escape(entry.name)}</a></h1>"
                    "<p class=\"muted\">Audited by presence-auditor.</p></section>")
        else:
            head = portfolio.summary(self.entries, lead="Audited by presence-auditor:")
        return head + "\n</main></body></html>\n"


class Anchors:
    """The ids of one brand's parts in the page: unique across every brand of the file."""

    def __init__(self, brand: str, audit: Audit) -> None:
        self.brand = brand
        self._channels = {channel.url: f"{brand}-ch{n}" for n, channel in enumerate(audit.channels, start=1)}
        self._findings = {id(f): f"{brand}-f{n}" for n, f in enumerate(audit.findings, start=1)}
        self._audit = audit

    def channel(self, url: str) -> str:
        return self._channels.get(url, self.brand)

    def finding(self, finding: Finding) -> str:
        return self._findings[id(finding)]

    def findings_for(self, channel_url: str) -> list[Finding]:
        return [f for f in self._audit.findings if f.channel_url == channel_url]


def _finding(finding: Finding, anchor: str) -> str:
    evidence = "".join(f"<div class=\"evidence\">{escape(e.field)}: {escape(e.value)} ({_link(e.url)})</div>"
                       for e in finding.evidence)
    if not evidence:
        evidence = f"<div class=\"evidence\">channel: {_link(finding.channel_url)}</div>"
    new = " <strong>new</strong>" if finding.baseline == "new" else ""
    seen = [f"{label} {moment.date().isoformat()}" for label, moment in
            (("first seen", finding.first_seen), ("stale since", finding.stale_since)) if moment is not None]
    since = f"<div class=\"evidence\">{' · '.join(seen)}</div>" if seen else ""
    return (f"<div class=\"finding\" id=\"{anchor}\"><span class=\"badge {finding.severity.value}\">"
            f"{finding.severity.value}</span> <a href=\"#{anchor}\"><code>{finding.code}</code></a>{new} "
            f"{escape(finding.message)}{since}{evidence}</div>")


def _middle(text: str, limit: int) -> str:
    """``text`` cut in the middle to at most ``limit`` characters (an SVG label cannot wrap)."""
    if len(text) <= limit:
        return text
    keep = limit - 1
    return text[: keep - keep // 3] + "…" + text[len(text) - keep // 3:]


def trend_chart(points: tuple[TrendPoint, ...], width: int = 960, height: int = 90) -> str:
    """Inline SVG from the history: the brand's findings per run as stacked bars by category, oldest first."""
    colours = {"broken": "#c81e1e", "stale": "#d97706", "unanswered": "#1a56db", "slow": "#7e3af2",
               "unknown": "#9ca3af"}
    top = max(1, *(sum(p.by_category.values()) for p in points))
    step = (width - 20) / len(points)
    bar = max(4.0, min(40.0, step * 0.6))
    shapes = []
    for index, point in enumerate(points):
        x = round(10 + step * index + (step - bar) / 2, 1)
        y = height - 20.0
        for category, count in point.by_category.items():
            h = round((height - 34) * count / top, 1)
            y -= h
            shapes.append(f'<rect x="{x}" y="{round(y, 1)}" width="{round(bar, 1)}" height="{h}" '
                          f'fill="{colours.get(category, "#6b7280")}"><title>{point.as_of.date().isoformat()}: '
                          f'{count} {escape(category)}</title></rect>')
        shapes.append(f'<text x="{round(x + bar / 2, 1)}" y="{height - 6}" font-size="10" fill="#5b6472" '
                      f'text-anchor="middle">{point.as_of.date().isoformat()}</text>')
    summary = ", ".join(f"{p.as_of.date().isoformat()}: {sum(p.by_category.values())} (+{p.new} -{p.resolved})"
                        for p in points)
    return (f"<h3>Trend</h3><svg role=\"img\" aria-label=\"{escape('Findings per run, oldest first: ' + summary)}\" "
            f"viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" "
            f"xmlns=\"http://www.w3.org/2000/svg\">{''.join(shapes)}</svg>")


def _status(activity: Activity | None) -> str:
    if activity is None:
        return "<span class=\"badge status-unknown\">not collected</span>"
    css = {"ok": "ok", "login_wall": "status-unknown", "blocked": "status-unknown"}.get(activity.status.value,
                                                                                       "status-bad")
    return f"<span class=\"badge {css}\">{activity.status.value}</span>"


def _link(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return f"<a href=\"{escape(url)}\">{escape(url)}</a>"
    return escape(url)


def _anchor(text: str) -> str:
    """A readable part of an id (ASCII letters, digits and dashes); ids stay unique by their number."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "brand"
