"""The audit history: every finished audit remembered in one SQLite file, so runs can say *since when*.

A consumer of finished audits, not a stage: :class:`Recorder` writes each brand's audit at
its end (one transaction) and hands it back with ``first_seen``, ``stale_since`` and the
brand's trend; :mod:`auditor.history.facts` reads timelines and the portfolio back;
:func:`prune` keeps the file small. The file lives at :func:`default_path` unless chosen.
"""

from __future__ import annotations

from auditor.history.facts import BrandHistory, Entry, Standing, standing, timeline
from auditor.history.record import Recorder, annotate
from auditor.history.store import HistoryError, Store, default_path, open_store
from auditor.history.prune import prune

__all__ = [
    "BrandHistory",
    "Entry",
    "HistoryError",
    "Recorder",
    "Standing",
    "Store",
    "annotate",
    "default_path",
    "open_store",
    "prune",
    "standing",
    "timeline",
]
