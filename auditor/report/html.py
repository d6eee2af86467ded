"""One self-contained HTML file to forward to a client: no scripts, fonts or images from
anywhere else, so it works offline and as an e-mail attachment.

Per brand: a summary, the channels sorted by urgency, and per channel an activity
timeline (inline SVG: posts as ticks, answered and unanswered comments as dots, the stale
threshold as a dashed line), then each finding with its evidence links. When the audit
carries a trend from the history, a bar chart of the brand's findings per run, and each
finding says when it was first seen and since when it has been stale.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from auditor.report.escape import html as escape, xml_legal

from auditor.models import Activity, Audit, Channel, Finding, TrendPoint
from auditor.report.base import (BrandSummary, Reporter, days_since, findings_for, plural, responses, stale_limit,
                                 urgency, worst_severity)

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
main{max-width:1080px;margin:0 auto;padding:24px;display:flex;flex-direction:column;gap:24px}
section{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:20px}
h1{font-size:24px;margin:0}h2{font-size:20px;margin:0 0 8px}h3{font-size:16px;margin:18px 0 6px}
.summary{order:-1}.muted{color:#5b6472}table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e6e9ee;vertical-align:top}th{font-size:13px;color:#5b6472}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:12px;font-weight:600}
.error{background:#fde2e1;color:#9b1c1c}.warning{background:#fff1c2;color:#7a5200}.info{background:#e1effe;color:#1e429f}
.ok{background:#def7ec;color:#03543f}.status-bad{background:#fde2e1;color:#9b1c1c}.status-unknown{background:#eceff3;color:#374151}
.finding{margin:6px 0 10px;padding-left:10px;border-left:3px solid #dde1e7}.evidence{font-size:13px;color:#5b6472;margin:2px 0 0 12px}
svg{display:block;max-width:100%;height:auto}a{color:#1a56db;word-break:break-all}
"""


class HtmlReporter(Reporter):
    name = "html"
    extension = "html"
    def clean(self, text: str) -> str:
        return xml_legal(text)

    def start(self) -> str:
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<title>presence-auditor report</title>"
                f"<style>{STYLE}</style></head><body><main>\n")

    def render_one(self, audit: Audit) -> str:
        channels = sorted(audit.channels, key=lambda c: urgency(audit, c.url))
        worst = worst_severity(audit.findings)
        parts = [
            f"<section class=\"brand\" id=\"{escape(_anchor(audit.brand.name))}\">",
            f"<h2>{escape(audit.brand.name)}</h2>",
            f"<p class=\"muted\">As of {audit.as_of.date().isoformat()} · {plural(len(audit.channels), 'channel')} · "
            f"{plural(len(audit.findings), 'finding')}"
            + (f" · worst: <span class=\"badge {worst.value}\">{worst.value}</span>" if worst else "") + "</p>",
            "<table><thead><tr><th>Channel</th><th>Platform</th><th>Status</th><th>Last activity</th>"
            "<th>Responses</th><th>Findings</th></tr></thead><tbody>",
        ]
        for channel in channels:
            parts.append(self._row(audit, channel))
        parts.append("</tbody></table>")
        if len(audit.trend) > 1:
            parts.append(trend_chart(audit.trend))
        for channel in channels:
            parts.append(self._channel_detail(audit, channel))
        if audit.suppressed:
            parts.append("<h3>Suppressed</h3><ul>" + "".join(
                f"<li><code>{f.code}</code> {_link(f.channel_url)}: {escape(f.suppression)}</li>"
                for f in audit.suppressed) + "</ul>")
        if audit.resolved:
            parts.append("<h3>Resolved since the baseline</h3><ul>" + "".join(
                f"<li><code>{f.code}</code> {_link(f.channel_url)}</li>" for f in audit.resolved) + "</ul>")
        parts.append("</section>\n")
        return "".join(parts)

    def _row(self, audit: Audit, channel: Channel) -> str:
        activity = audit.activity_for(channel)
        days = days_since(audit, activity)
        last = (f"{activity.last_activity.date().isoformat()}<br><span class=\"muted\">{plural(days, 'day')} ago</span>"
                if activity and activity.last_activity and days is not None else "<span class=\"muted\">unknown</span>")
        badges = " ".join(f"<span class=\"badge {f.severity.value}\">{f.code}</span>"
                          for f in findings_for(audit, channel.url))
        low = "<br><span class=\"muted\">low confidence: linked from one article</span>" \
            if channel.confidence.value == "low" else ""
        return (f"<tr><td><a href=\"#{escape(_anchor(channel.url))}\">{escape(channel.title or channel.url)}</a>{low}</td>"
                f"<td>{escape(channel.platform)}</td><td>{_status(activity)}</td><td>{last}</td>"
                f"<td>{escape(responses(activity, audit.as_of))}</td><td>{badges}</td></tr>")

    def _channel_detail(self, audit: Audit, channel: Channel) -> str:
        activity = audit.activity_for(channel)
        findings = findings_for(audit, channel.url)
        parts = [f"<h3 id=\"{escape(_anchor(channel.url))}\">{escape(channel.platform)}: {_link(channel.url)}</h3>"]
        if activity is not None and (activity.items or activity.interactions or activity.last_activity):
            parts.append(timeline(audit.as_of, channel, activity, stale_limit(self.options, channel)))
        if activity is not None and activity.reason:
            parts.append(f"<p class=\"muted\">{escape(activity.reason)}</p>")
        for finding in findings:
            parts.append(_finding(finding))
        return "".join(parts)

    def end(self) -> str:
        rows = "".join(_summary_row(s) for s in sorted(self.summaries, key=lambda s: s.urgency))
        summary = ("<section class=\"summary\"><h1>Online presence audit</h1>"
                   f"<p class=\"muted\">{plural(len(self.summaries), 'brand')} audited by presence-auditor.</p>"
                   "<table><thead><tr><th>Brand</th><th>Channels</th><th>Findings by category</th>"
                   f"<th>Most urgent</th></tr></thead><tbody>{rows}</tbody></table></section>")
        return summary + "\n</main></body></html>\n"


def timeline(as_of: datetime, channel: Channel, activity: Activity, threshold: int, width: int = 960,
             height: int = 64) -> str:
    """Inline SVG: the last two years (or more, to reach the first item) up to as_of."""
    dates = [d for item in activity.items if (d := item.published or item.updated) and d <= as_of]
    dates += [i.at for i in activity.interactions if i.at <= as_of]
    start = min([as_of - timedelta(days=730), *dates, as_of - timedelta(days=threshold + 30)])
    span = (as_of - start).total_seconds() or 1.0

    def x(moment: datetime) -> float:
        return round(10 + (width - 20) * (moment - start).total_seconds() / span, 1)

    shapes = [f'<line x1="10" y1="40" x2="{width - 10}" y2="40" stroke="#c3c9d3"/>']
    cutoff = x(as_of - timedelta(days=threshold))
    shapes.append(f'<line x1="{cutoff}" y1="6" x2="{cutoff}" y2="58" stroke="#c81e1e" stroke-dasharray="4 3">'
                  f'<title>stale after {threshold} days without activity</title></line>')
    for item in activity.items:
        when = item.published or item.updated
        if when is None or when > as_of or when < start:
            continue
        shapes.append(f'<line x1="{x(when)}" y1="28" x2="{x(when)}" y2="52" stroke="#1a56db" stroke-width="2">'
                      f'<title>{escape(item.title or item.url)} · {when.date().isoformat()}</title></line>')
    for interaction in activity.interactions:
        if interaction.at > as_of or interaction.at < start:
            continue
        answered = interaction.owner_replied_at is not None and interaction.owner_replied_at <= as_of
        colour, label = ("#0e9f6e", "answered") if answered else ("#e02424", "unanswered")
        shapes.append(f'<circle cx="{x(interaction.at)}" cy="16" r="4" fill="{colour}">'
                      f'<title>{label} {escape(interaction.kind)} by {escape(interaction.author)} · '
                      f'{interaction.at.date().isoformat()}</title></circle>')
    shapes.append(f'<text x="10" y="62" font-size="10" fill="#5b6472">{start.date().isoformat()}</text>')
    shapes.append(f'<text x="{width - 10}" y="62" font-size="10" fill="#5b6472" text-anchor="end">'
                  f'{as_of.date().isoformat()}</text>')
    label = escape(f"Activity timeline of {channel.url}: posts as blue ticks, answered comments green, "
                   f"unanswered red; the dashed line marks {threshold} days before {as_of.date().isoformat()}")
    return (f'<svg role="img" aria-label="{label}" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" xmlns="http://www.w3.org/2000/svg">{"".join(shapes)}</svg>')


def _summary_row(summary: BrandSummary) -> str:
    categories = ", ".join(f"{category} {count}" for category, count in summary.by_category) or "none"
    worst = "<br>".join(f"<span class=\"badge {f.severity.value}\">{f.code}</span> {_link(f.channel_url)}"
                        for f in summary.worst)
    return (f"<tr><td><a href=\"#{escape(_anchor(summary.name))}\">{escape(summary.name)}</a></td>"
            f"<td>{summary.channels}</td><td>{escape(categories)}</td><td>{worst}</td></tr>")


def _finding(finding: Finding) -> str:
    evidence = "".join(f"<div class=\"evidence\">{escape(e.field)}: {escape(e.value)} ({_link(e.url)})</div>"
                       for e in finding.evidence)
    new = " <strong>new</strong>" if finding.baseline == "new" else ""
    seen = [f"{label} {moment.date().isoformat()}" for label, moment in
            (("first seen", finding.first_seen), ("stale since", finding.stale_since)) if moment is not None]
    since = f"<div class=\"evidence\">{' · '.join(seen)}</div>" if seen else ""
    return (f"<div class=\"finding\"><span class=\"badge {finding.severity.value}\">{finding.severity.value}</span> "
            f"<code>{finding.code}</code>{new} {escape(finding.message)}{since}{evidence}</div>")


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
    return "c-" + "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")
