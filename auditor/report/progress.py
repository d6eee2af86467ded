"""Progress for batch runs, on stderr: one live line on a terminal, one plain line per brand otherwise.

The live line (``auditing [#####-----] 12/200  340 requests, 2 failed, 17 findings  ETA 1:20``) is
cut to the terminal's width so it never wraps, and :meth:`BatchProgress.clear` erases it before
anything else is written to the terminal (each brand's report), so the bar is never glued to a
report line; it is drawn again after.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TextIO

from auditor.models import Audit
from auditor.report.escape import printable

CLEAR = "\r\x1b[2K"


class BatchProgress:
    def __init__(self, total: int, *, stream: TextIO | None = None, live: bool | None = None,
                 width: int | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self.stream = stream = stream or sys.stderr
        self.live = _isatty(stream) if live is None else live
        self.width = width
        self.clock = clock
        self.started = clock()
        self.count = self.requests = self.errors = self.findings = 0
        self.drawn = False
        if self.live:
            self._draw()

    def _columns(self) -> int:
        if self.width is not None:
            return self.width
        try:
            return os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            return 80

    def line(self) -> str:
        """The live line, at most the terminal's width less one column."""
        columns = max(20, self._columns() - 1)
        done = self.count / self.total if self.total else 1.0
        bar = "#" * round(done * 20) + "-" * (20 - round(done * 20))
        text = (f"auditing [{bar}] {self.count}/{self.total}  {self.requests:,} requests, {self.errors:,} failed, "
                f"{self.findings:,} findings")
        eta = self._eta()
        if eta:
            text += f"  ETA {eta}"
        return text[:columns]

    def _eta(self) -> str:
        if not self.count or self.count >= self.total:
            return ""
        left = (self.clock() - self.started) / self.count * (self.total - self.count)
        minutes, seconds = divmod(int(left + 0.5), 60)
        return f"{minutes // 60}:{minutes % 60:02d}:{seconds:02d}" if minutes >= 60 else f"{minutes}:{seconds:02d}"

    def _draw(self) -> None:
        self.stream.write(CLEAR + self.line())
        self.stream.flush()
        self.drawn = True

    def clear(self) -> None:
        """Erase the live line (before a report is written to the same terminal)."""
        if self.drawn:
            self.stream.write(CLEAR)
            self.stream.flush()
            self.drawn = False

    def _advance(self, line: str) -> None:
        self.count += 1
        if self.live:
            self._draw()
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
        if self.live:
            self.clear()
            self.stream.write(f"auditor: {name}: the audit failed: {describe_error(error)}\n")
        self._advance(f"{name}: the audit failed: {describe_error(error)}")

    def close(self) -> None:
        self.clear()


def describe_error(error: BaseException) -> str:
    """A brand's failure in one line: the exception's own words, or its type when it has none."""
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False
