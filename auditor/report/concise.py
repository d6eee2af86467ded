"""The short form for grep and editors: one line per finding, ``URL: CODE [severity] message``, most
severe first, then by channel (the way linters print ``path:line: CODE message``); then one line per
brand with its counts. Colour only marks the code and severity, so the text is the same either way."""

from __future__ import annotations

from auditor.models import Audit, Severity
from auditor.report.base import Reporter, plural
from auditor.report.escape import printable

COLORS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
RESET = "\x1b[0m"


class ConciseReporter(Reporter):
    name = "concise"
    extension = "log"
    def clean(self, text: str) -> str:  # one line per finding: no escape sequence or line break from a page gets in
        return printable(text)

    def render_one(self, audit: Audit) -> str:
        lines = []
        for finding in sorted(audit.findings, key=lambda f: f.ordering_key):
            code, severity = finding.code, f"[{finding.severity.value}]"
            if self.options.color:
                color = COLORS[finding.severity]
                code, severity = f"\x1b[1m{code}{RESET}", f"{color}{severity}{RESET}"
            new = " (new)" if finding.baseline == "new" else ""
            lines.append(f"{finding.channel_url}: {code} {severity} {' '.join(finding.message.split())}{new}")
        lines.append(f"{audit.brand.name}: {plural(len(audit.findings), 'finding')} in "
                     f"{plural(len(audit.channels), 'channel')} as of {audit.as_of.date().isoformat()}")
        return "\n".join(lines) + "\n"
