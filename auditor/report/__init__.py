"""Stage 4, report: every format renders the same Audit data, streaming brand by brand.

Takes :class:`~auditor.models.Audit` values (and :class:`ReportOptions`, which carry the
audit's checked rule configuration so thresholds and windows in a report are the ones the
audit applied); gives text. :func:`report` renders one audit or several into one document;
``reporter(format, options)`` gives a streaming :class:`~auditor.report.base.Reporter`
(``start()``, ``add(audit)`` per brand, ``end()``) for batches. One module per format.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from auditor.models import Audit
from auditor.report.base import Reporter, ReportOptions
from auditor.report.concise import ConciseReporter
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
                SarifReporter, ConciseReporter)
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


def report(audits: Audit | Iterable[Audit], format: str = "table", options: ReportOptions = ReportOptions(), *,
           stream: TextIO | None = None) -> str:
    """Stage 4: one document for one audit or several; written to ``stream`` as it goes when one is given
    (then the return value is empty)."""
    many = [audits] if isinstance(audits, Audit) else audits
    out = reporter(format, options, lines=not isinstance(audits, Audit))
    parts: list[str] = []

    def emit(text: str) -> None:
        if stream is not None:
            stream.write(text)
        else:
            parts.append(text)

    emit(out.start())
    for audit in many:
        emit(out.add(audit))
    emit(out.end())
    return "".join(parts)
