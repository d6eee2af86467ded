"""Progress for batch runs, on stderr: a live bar on a terminal, one plain line per brand otherwise."""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from auditor.models import Audit
from auditor.report.escape import printable


class BatchProgress:
    def __init__(self, total: int, *, stream: TextIO | None = None, live: bool | None = None) -> None:
        self.total = total
        self.stream = stream = stream or sys.stderr
        self.live = stream.isatty() if live is None else live
        self.count = self.requests = self.errors = self.findings = 0
        self._bar: Progress | None = None
        if self.live:
            self._bar = Progress(TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[info]}"),
                                 TimeRemainingColumn(), console=Console(file=stream), transient=True)
            self._task = self._bar.add_task("brands", total=total, info="")
            self._bar.start()

    def _advance(self, line: str) -> None:
        self.count += 1
        if self._bar is not None:
            info = f"{self.requests:,} requests, {self.errors:,} failed, {self.findings:,} findings"
            self._bar.update(self._task, advance=1, info=info)
        else:
            self.stream.write(f"[{self.count}/{self.total}] {printable(line)}\n")  # names and errors from the web
            self.stream.flush()

    def done(self, audit: Audit) -> None:
        self.requests += audit.stats.requests
        self.errors += audit.stats.errors
        self.findings += len(audit.findings)
        worst = audit.findings[0].severity.value if audit.findings else ""
        count = len(audit.findings)
        self._advance(f"{audit.brand.name}: {count} finding{'' if count == 1 else 's'}"
                      + (f" (worst: {worst})" if worst else ""))

    def failed(self, name: str, error: BaseException) -> None:
        self._advance(f"{name}: the audit failed: {type(error).__name__}: {error}")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
