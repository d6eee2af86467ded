"""Response signals: does the owner answer what people say to the channel, and how fast?

Computed in one place from the interactions any plugin returns, so every platform is
judged the same way. Only interactions inside the window (ending at ``as_of``) count, and
a reply later than ``as_of`` does not count as an answer yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from auditor.models import Interaction


@dataclass(frozen=True, slots=True)
class ResponseSignals:
    window_days: int
    total: int  # interactions in the window
    answered: int
    median_first_reply: timedelta | None  # over the answered ones
    unanswered: tuple[Interaction, ...]  # oldest first

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.total if self.total else None

    @property
    def oldest_unanswered(self) -> Interaction | None:
        return self.unanswered[0] if self.unanswered else None


def response_signals(interactions: Iterable[Interaction], as_of: datetime, window_days: int = 90) -> ResponseSignals:
    start = as_of - timedelta(days=window_days)
    in_window = [i for i in interactions if start <= i.at <= as_of]
    delays = [i.owner_replied_at - i.at for i in in_window if i.owner_replied_at is not None and _answered(i, as_of)]
    unanswered = sorted((i for i in in_window if not _answered(i, as_of)), key=lambda i: (i.at, i.url))
    return ResponseSignals(
        window_days=window_days,
        total=len(in_window),
        answered=len(delays),
        median_first_reply=_median(delays),
        unanswered=tuple(unanswered),
    )


def _answered(interaction: Interaction, as_of: datetime) -> bool:
    return interaction.owner_replied_at is not None and interaction.owner_replied_at <= as_of


def _median(delays: list[timedelta]) -> timedelta | None:
    if not delays:
        return None
    ordered = sorted(delays)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
