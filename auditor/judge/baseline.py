"""Baselines for scheduled runs: which findings are new, which unchanged, which resolved.

Findings are matched by fingerprint (rule + brand + canonical channel URL), which is
stable across runs. A baseline file is a previous JSON report: one audit, or JSON Lines
with one audit per line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from auditor.judge import ConfigError
from auditor.models import Audit, Finding
from auditor.report.serialize import from_data


def load_baseline(path: Path) -> list[Audit]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    try:
        documents = [json.loads(text)]
    except json.JSONDecodeError:
        try:
            documents = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise ConfigError(f"baseline {path} is not a JSON report ({exc})") from None
    audits = []
    for document in documents:
        if not isinstance(document, dict) or "findings" not in document:
            raise ConfigError(f"baseline {path} is not an auditor JSON report")
        document = {k: v for k, v in document.items() if k != "schema_version"}
        try:
            audits.append(from_data(document, Audit))
        except Exception as exc:  # noqa: BLE001 - cattrs raises several types for a wrong shape
            raise ConfigError(f"baseline {path} does not match the report schema ({exc})") from None
    return audits


def compare(brand: str, findings: tuple[Finding, ...], previous: Iterable[Audit]
            ) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """(findings marked new or unchanged, the brand's baseline findings no longer found)."""
    before = {f.fingerprint: f for old in previous if old.brand.name == brand for f in old.findings}
    now = {f.fingerprint for f in findings}
    marked = tuple(replace(f, baseline="unchanged" if f.fingerprint in before else "new") for f in findings)
    resolved = tuple(f for fingerprint, f in before.items() if fingerprint not in now)
    return marked, resolved


def apply_baseline(audit: Audit, previous: Iterable[Audit]) -> Audit:
    """The audit with each finding marked new or unchanged, and the baseline's vanished findings as resolved."""
    findings, resolved = compare(audit.brand.name, audit.findings, previous)
    return replace(audit, findings=findings, resolved=resolved)
