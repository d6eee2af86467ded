"""The full Audit as JSON; its shape is auditor/schemas/audit-v1.schema.json."""

from __future__ import annotations

from ..models import Audit
from ..serialize import audit_to_json


def render(audit: Audit, *, lines: bool = False, **_: object) -> str:
    """Pretty JSON for one audit; ``lines=True`` gives one compact line (JSON Lines, for many brands)."""
    return audit_to_json(audit, indent=None if lines else 2) + "\n"
