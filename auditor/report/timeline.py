"""The HTML report's activity timeline: every channel of a brand on one shared time axis.

Takes the audit's moment (as_of) and one :class:`Row` per channel (its dated posts and
interactions, last activity and stale limit); gives the :class:`Axis` they share (one start
and end for every row, year and month ticks) and the inline SVG drawn on it, with the as-of
line across all rows, plus the legend saying what each mark means. No scripts, nothing fetched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from auditor.report.escape import html as escape

WIDTH = 720  # user units of the viewBox; the CSS scales the drawing to its box
LEFT, RIGHT = 8.0, WIDTH - 8.0
TOP = 22  # band for the as-of label
ROW = 40
BOTTOM = 22  # band for the tick labels
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

POST, ANSWERED, UNANSWERED, LAST, STALE, AS_OF = "#1a56db", "#0e9f6e", "#c81e1e", "#111827", "#c81e1e", "#111827"


@dataclass(frozen=True, slots=True)
class Mark:
    at: datetime
    title: str


@dataclass(frozen=True, slots=True)
class Row:
    """One channel's line: what it is, where its details are, and what happened on it when."""

    label: str
    href: str  # "#anchor" of the channel's details
    threshold: int  # days without activity that make it stale
    last_activity: datetime | None = None
    posts: tuple[Mark, ...] = ()
    answered: tuple[Mark, ...] = ()
    unanswered: tuple[Mark, ...] = ()
    note: str = ""  # shown when the channel has no dated activity (its status, why it was not read)


@dataclass(frozen=True, slots=True)
class Tick:
    at: datetime
    label: str
    major: bool  # a new year (a grid line across the rows); minor: a month


@dataclass(frozen=True, slots=True)
class Axis:
    start: datetime
    end: datetime  # the audit's as_of
    ticks: tuple[Tick, ...]

    def x(self, moment: datetime) -> float:
        span = (self.end - self.start).total_seconds() or 1.0
        return round(LEFT + (RIGHT - LEFT) * (moment - self.start).total_seconds() / span, 1)


def shared_axis(as_of: datetime, rows: Iterable[Row]) -> Axis:
    """One axis for every row: from the 1 January before the earliest of (two years back, the oldest
    last activity, the longest stale limit with a month to spare) up to as_of."""
    rows = list(rows)
    longest = max((row.threshold for row in rows), default=0)
    earliest = min([as_of - timedelta(days=730), as_of - timedelta(days=longest + 30),
                    *(row.last_activity for row in rows if row.last_activity and row.last_activity <= as_of)])
    start = earliest.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    years = as_of.year - start.year + 1
    step = 1 if years <= 3 else 3 if years <= 6 else 0  # month ticks when they stay legible
    ticks: list[Tick] = []
    for year in range(start.year, as_of.year + 1):
        for month in range(1, 13):
            at = start.replace(year=year, month=month)
            if at > as_of:
                break
            if month == 1:
                ticks.append(Tick(at, str(year), True))
            elif step and (month - 1) % step == 0:
                ticks.append(Tick(at, MONTHS[month - 1] if years <= 3 and (month - 1) % 3 == 0 else "", False))
    return Axis(start, as_of, tuple(ticks))


def timeline_svg(axis: Axis, rows: Sequence[Row], *, label: str) -> str:
    """The rows drawn on ``axis``: posts as ticks, interactions as dots, the last activity as a diamond,
    each row's stale limit as a dashed line, and the as-of line through every row."""
    height = TOP + ROW * len(rows) + BOTTOM
    bottom = TOP + ROW * len(rows)
    shapes = []
    for tick in axis.ticks:
        x = axis.x(tick.at)
        if tick.major:
            shapes.append(f'<line class="grid" x1="{x}" y1="{TOP}" x2="{x}" y2="{bottom + 4}" stroke="#d5dae1"/>')
        else:
            shapes.append(f'<line class="minor" x1="{x}" y1="{bottom}" x2="{x}" y2="{bottom + 4}" stroke="#c3c9d3"/>')
        if tick.label:
            anchor = "start" if x - LEFT < 20 else "middle"
            shapes.append(f'<text class="{"year" if tick.major else "month"}" x="{x}" y="{height - 6}" '
                          f'text-anchor="{anchor}">{tick.label}</text>')
    for index, row in enumerate(rows):
        shapes.append(_row(axis, row, TOP + ROW * index))
    end = axis.x(axis.end)
    shapes.append(f'<line class="as-of" x1="{end}" y1="{TOP - 6}" x2="{end}" y2="{bottom + 4}" stroke="{AS_OF}" '
                  f'stroke-width="2"><title>as of {axis.end.date().isoformat()}</title></line>')
    shapes.append(f'<text class="as-of-label" x="{end}" y="{TOP - 9}" text-anchor="end">as of '
                  f'{axis.end.date().isoformat()}</text>')
    return (f'<svg class="tl" role="img" aria-label="{escape(label)}" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" data-start="{axis.start.date().isoformat()}" '
            f'data-end="{axis.end.date().isoformat()}" xmlns="http://www.w3.org/2000/svg">{"".join(shapes)}</svg>')


def _row(axis: Axis, row: Row, top: int) -> str:
    line = top + 30
    inside = [m for m in row.posts if axis.start <= m.at <= axis.end]
    older = len(row.posts) - len(inside) - sum(1 for m in row.posts if m.at > axis.end)
    parts = [f'<g class="row" data-start="{axis.start.date().isoformat()}" data-end="{axis.end.date().isoformat()}">',
             f'<a href="{escape(row.href)}"><text class="label" x="{LEFT}" y="{top + 12}">{escape(row.label)}</text></a>',
             f'<line x1="{LEFT}" y1="{line}" x2="{RIGHT}" y2="{line}" stroke="#c3c9d3"/>']
    if older > 0:
        parts.append(f'<text class="older" x="{LEFT}" y="{line - 4}">◂ {older} older</text>')
    cutoff = axis.x(axis.end - timedelta(days=row.threshold))
    parts.append(f'<line class="stale-limit" x1="{cutoff}" y1="{top + 16}" x2="{cutoff}" y2="{top + 38}" '
                 f'stroke="{STALE}" stroke-width="1.5" stroke-dasharray="4 3">'
                 f'<title>stale after {row.threshold} days without activity</title></line>')
    for mark in inside:
        x = axis.x(mark.at)
        parts.append(f'<line class="post" x1="{x}" y1="{line - 6}" x2="{x}" y2="{line + 6}" stroke="{POST}" '
                     f'stroke-width="2"><title>{escape(mark.title)}</title></line>')
    for marks, colour, fill in ((row.answered, ANSWERED, ANSWERED), (row.unanswered, UNANSWERED, "#fff")):
        for mark in marks:
            if axis.start <= mark.at <= axis.end:
                parts.append(f'<circle cx="{axis.x(mark.at)}" cy="{line - 11}" r="3.5" fill="{fill}" '
                             f'stroke="{colour}" stroke-width="1.5"><title>{escape(mark.title)}</title></circle>')
    if row.last_activity is not None and axis.start <= row.last_activity <= axis.end:
        x = axis.x(row.last_activity)
        parts.append(f'<path class="last" d="M{x} {line - 6}l6 6l-6 6l-6 -6z" fill="{LAST}">'
                     f'<title>last activity {row.last_activity.date().isoformat()}</title></path>')
    elif row.note:
        parts.append(f'<text class="note" x="{(LEFT + RIGHT) / 2}" y="{line - 4}" text-anchor="middle">'
                     f'{escape(row.note)}</text>')
    parts.append("</g>")
    return "".join(parts)


LEGEND = (
    (f'<line x1="8" y1="2" x2="8" y2="14" stroke="{POST}" stroke-width="2"/>', "post"),
    (f'<path d="M8 2l6 6l-6 6l-6 -6z" fill="{LAST}"/>', "last activity"),
    (f'<circle cx="8" cy="8" r="4" fill="{ANSWERED}" stroke="{ANSWERED}" stroke-width="1.5"/>', "answered comment"),
    (f'<circle cx="8" cy="8" r="4" fill="#fff" stroke="{UNANSWERED}" stroke-width="1.5"/>', "unanswered comment"),
    (f'<line x1="8" y1="1" x2="8" y2="15" stroke="{STALE}" stroke-width="1.5" stroke-dasharray="4 3"/>',
     "stale limit (the channel is stale when its last activity is left of it)"),
    (f'<line x1="8" y1="1" x2="8" y2="15" stroke="{AS_OF}" stroke-width="2"/>', "as of (the audit's date)"),
)


def legend() -> str:
    """What each mark and colour of the timeline means, as a list beside the drawing."""
    items = "".join(f'<li><svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">{shape}</svg>'
                    f"{escape(text)}</li>" for shape, text in LEGEND)
    return f'<ul class="legend">{items}</ul>'
