"""CSV for spreadsheets: one row per channel, one header for the whole file."""

from __future__ import annotations

import csv
import io

from auditor.models import Audit
from auditor.report.base import Reporter, days_since, findings_for, reply_window, signals_of, worst_severity
from auditor.report.escape import csv_cell, printable

COLUMNS = ("brand", "platform", "channel_url", "kind", "confidence", "status", "reason", "last_activity",
           "days_since", "items", "interactions", "unanswered", "response_rate", "median_reply_hours",
           "findings", "worst_severity")


class CsvReporter(Reporter):
    name = "csv"
    extension = "csv"
    def clean(self, text: str) -> str:
        return printable(text)

    def start(self) -> str:
        return _rows([COLUMNS])

    def render_one(self, audit: Audit) -> str:
        rows = []
        for channel in audit.channels:
            activity = audit.activity_for(channel)
            findings = findings_for(audit, channel.url)
            signals = signals_of(activity, audit.as_of, reply_window(self.options))
            worst = worst_severity(findings)
            median = signals.median_first_reply if signals else None
            rate = signals.response_rate if signals else None
            rows.append((
                audit.brand.name, channel.platform, channel.url, channel.kind, channel.confidence.value,
                activity.status.value if activity else "",
                activity.reason if activity else "",
                activity.last_activity.isoformat() if activity and activity.last_activity else "",
                _blank(days_since(audit, activity)),
                len(activity.items) if activity else 0,
                signals.total if signals else 0,
                len(signals.unanswered) if signals else 0,
                f"{rate:.2f}" if rate is not None else "",
                f"{median.total_seconds() / 3600:.1f}" if median is not None else "",
                " ".join(f.code for f in findings),
                worst.value if worst else "",
            ))
        return _rows(rows)


def _blank(value: object) -> object:
    return "" if value is None else value


def _rows(rows: list) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([csv_cell(cell) for cell in row] for row in rows)
    return out.getvalue()
