"""``history prune --keep N``: drop all but each brand's newest N runs, keeping what they proved.

First sightings outlive their runs (the store keeps them per fingerprint), and a stale streak
that reaches back past the cut keeps its true start, so "first seen" and "stale since" read
the same after pruning as before.
"""

from __future__ import annotations

from auditor.history.facts import prune_plan
from auditor.history.store import Store


def prune(store: Store, keep: int) -> int:
    """Keep the newest ``keep`` runs of every brand; the number of runs dropped."""
    dropped = 0
    for brand in store.brands():
        with store.transaction():
            history = store.load(brand)  # read under the write lock, so no run slips in between
            run_ids, streaks = prune_plan(history, keep)
            if run_ids:
                store.delete_runs(brand, run_ids, streaks)
        dropped += len(run_ids)
    if dropped:
        store.vacuum()
    return dropped
