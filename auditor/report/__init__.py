"""Reports: every format renders the same Audit data, streaming brand by brand.

``reporter(format, options)`` gives a :class:`~auditor.report.base.Reporter`; call
``start()``, ``add(audit)`` per brand, ``end()``. ``render(audit, format)`` does all three.
"""

from __future__ import annotations

from auditor.models import Audit
from auditor.report.base import Reporter, ReportOptions
from auditor.report.csv_report import CsvReporter
from auditor.report.html import HtmlReporter
from auditor.report.json_report import JsonReporter
from auditor.report.junit import JunitReporter
from auditor.report.markdown import MarkdownReporter
from auditor.report.sarif import SarifReporter
from auditor.report.table import TableReporter

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
