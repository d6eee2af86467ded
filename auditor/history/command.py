"""What ``auditor history`` prints: a brand's timeline, the portfolio, or the result of pruning.

Takes the command's arguments and gives the text to print; a mistake is a HistoryError.
Reading never creates a history file.
"""

from __future__ import annotations

from pathlib import Path

from auditor.history import text
from auditor.history.facts import standing
from auditor.history.prune import prune
from auditor.history.store import HistoryError, default_path, open_store

PRUNE = "prune"


def history_output(path: Path | None, *, brand: str | None, portfolio: bool = False, keep: int | None = None,
                   as_json: bool = False) -> str:
    path = path or default_path()
    if (brand is None) == (not portfolio):
        raise HistoryError("give a BRAND, --portfolio, or prune --keep N")
    if brand == PRUNE and keep is None:
        raise HistoryError("prune needs --keep N (the runs to keep per brand)")
    if not path.exists():
        raise HistoryError(f"no history at {path} yet (every audit writes it unless --no-history)")
    with open_store(path) as store:
        if brand == PRUNE:
            return f"pruned {prune(store, keep or 1)} runs; kept at most {keep} per brand"
        if portfolio:
            standings = [s for s in (standing(store.load(name)) for name in store.brands()) if s is not None]
            return text.portfolio_json(standings) if as_json else text.portfolio_text(standings)
        found = store.load(brand or "")
        if not found.runs:
            raise HistoryError(f"no runs of {brand!r} in {path}; it has: {', '.join(store.brands()) or 'none'}")
        return text.brand_json(found) if as_json else text.brand_text(found)
