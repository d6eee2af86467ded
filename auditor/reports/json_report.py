"""The full Audit as JSON; its shape is auditor/schemas/audit-v1.schema.json."""

from __future__ import annotations

from ..models import Audit
from ..serialize import audit_to_json


def render(audit: Audit, **_: object) -> str:
    return audit_to_json(audit) + "\n"
