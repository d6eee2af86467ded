"""The one call at the end of each brand's audit: remember it, and give it back annotated from the history.

Takes a finished :class:`~auditor.models.Audit` and an open store; in one transaction it
(optionally) compares the audit with the brand's previous run, as ``--baseline previous``
does, writes the run, and reads the brand back, so the returned audit carries each finding's
``first_seen``, each stale finding's ``stale_since`` and the brand's ``trend``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from auditor.history import facts
from auditor.history.facts import BrandHistory
from auditor.history.store import HistoryError, Store, open_store
from auditor.judge.baseline import apply_baseline
from auditor.models import Audit, Finding, Severity

STALE = "stale"
PREVIOUS = "previous"  # --baseline previous: compare with the brand's last run in the history


@dataclass
class Recorder:
    """Writes each finished audit to the history; ``compare_previous`` marks findings against the brand's last run."""

    store: Store
    compare_previous: bool = False
    write: bool = True  # False: read only (a replay, whose run the history may hold already)

    def record(self, audit: Audit) -> Audit:
        name = audit.brand.name
        with self.store.transaction():
            if self.compare_previous:
                before = self.store.load(name, upto=audit.as_of)
                if not self.write:  # the previous run is the one before the run replayed
                    before = replace(before, runs=tuple(run for run in before.runs if run.as_of < audit.as_of))
                audit = apply_baseline(audit, [previous_audit(before, audit)] if before.runs else [])
            if self.write:
                self.store.write_run(audit)
            history = self.store.load(name, upto=audit.as_of)
        return annotate(audit, history)

    def close(self) -> None:
        self.store.close()


def recorder_for(path: Path | None, *, enabled: bool = True, compare_previous: bool = False,
                 write: bool = True) -> Recorder | None:
    """The recorder the command line asked for: None with history switched off; ``write=False`` only reads."""
    if not enabled:
        if compare_previous:
            raise HistoryError("--baseline previous reads the history; drop --no-history")
        return None
    return Recorder(open_store(path), compare_previous=compare_previous, write=write)


def annotate(audit: Audit, history: BrandHistory) -> Audit:
    """The audit with first_seen / stale_since on its findings and its trend, as of its own run (the last in history)."""
    def one(finding: Finding) -> Finding:
        since = facts.streak_since(history, finding.fingerprint) if finding.category == STALE else None
        return replace(finding, first_seen=facts.first_seen(history, finding.fingerprint), stale_since=since)

    return replace(audit, findings=tuple(one(f) for f in audit.findings), trend=facts.trend(history))


def previous_audit(history: BrandHistory, audit: Audit) -> Audit:
    """The brand's last recorded run as an Audit holding just its findings (what a baseline compares)."""
    run = history.runs[-1]
    findings = tuple(Finding(code=f.code, category=f.category, severity=Severity(f.severity), channel_url=f.channel_url,
                             platform=f.platform, message=f.message, fingerprint=f.fingerprint)
                     for f in run.findings.values())
    return Audit(brand=audit.brand, as_of=run.as_of, channels=(), activities=(),
                 findings=tuple(sorted(findings, key=lambda f: f.ordering_key)))
