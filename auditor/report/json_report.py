"""The full Audit as JSON (shape: auditor/schemas/audit-v1.schema.json). One audit is pretty
JSON; a batch is JSON Lines, one compact audit per line, written as each brand finishes."""

from __future__ import annotations

from auditor.models import Audit
from auditor.report.serialize import audit_to_json
from auditor.report.base import Reporter
from auditor.report.escape import json_text


class JsonReporter(Reporter):
    name = "json"
    extension = "json"

    def __init__(self, *args: object, lines: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lines = lines

    def render_one(self, audit: Audit) -> str:
        return json_text(audit_to_json(audit, indent=None if self.lines else 2)) + "\n"
