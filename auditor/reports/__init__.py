"""Reports: every format renders the same Audit data, streaming brand by brand.

``reporter(format, options)`` gives a :class:`~auditor.reports.base.Reporter`; call
``start()``, ``add(audit)`` per brand, ``end()``. ``render(audit, format)`` does all three.
"""

from __future__ import annotations

from ..models import Audit
from .base import Reporter, ReportOptions
from .csv_report import CsvReporter
from .html import HtmlReporter
from .json_report import JsonReporter
from .junit import JunitReporter
from .markdown import MarkdownReporter
from .sarif import SarifReporter
from .table import TableReporter

REPORTERS: dict[str, type[Reporter]] = {
    cls.name: cls
    for cls in (TableReporter, JsonReporter, MarkdownReporter, HtmlReporter, CsvReporter, JunitReporter,
                SarifReporter)
}
FORMATS = tuple(REPORTERS)


def reporter(format: str, options: ReportOptions = ReportOptions(), *, lines: bool = False) -> Reporter:
    """A fresh reporter; ``lines`` makes JSON one compact line per audit (JSON Lines, for batches)."""
    try:
        cls = REPORTERS[format]
    except KeyError:
        raise ValueError(f"unknown report format {format!r}; choose from {', '.join(FORMATS)}") from None
    return cls(options, lines=lines) if cls is JsonReporter else cls(options)


def render(audit: Audit, format: str = "table", options: ReportOptions = ReportOptions()) -> str:
    return reporter(format, options).render(audit)
