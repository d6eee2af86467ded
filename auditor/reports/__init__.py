"""Reports: every format renders the same Audit to text."""

from __future__ import annotations

from collections.abc import Callable

from ..models import Audit
from . import json_report, table

Renderer = Callable[..., str]

FORMATS: dict[str, Renderer] = {
    "table": table.render,
    "json": json_report.render,
}


def render(audit: Audit, format: str = "table", *, color: bool = False, width: int = 110,
           lines: bool = False) -> str:
    """One audit in ``format``; ``lines`` asks machine formats for one line per audit (JSON Lines)."""
    try:
        renderer = FORMATS[format]
    except KeyError:
        raise ValueError(f"unknown report format {format!r}; choose from {', '.join(FORMATS)}") from None
    return renderer(audit, color=color, width=width, lines=lines)
