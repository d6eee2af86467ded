"""UNANS002 owner-never-replies: people talk to the channel and the owner never answers.

What it flags
    A channel with at least ``min_interactions`` comments, questions or mentions in the
    window and not a single reply from the owner: broadcasting without dialogue.

Why it matters
    Spraying posts without ever answering tells the audience the channel is a
    loudspeaker, not a conversation; people stop commenting and stop trusting it.

Example
    Twelve reader comments over three months on a company blog, none answered.

How to fix
    Assign someone to answer, or turn comments off where nobody will.

Options
    min_interactions (int, default 5): how many interactions make the silence meaningful.
    window_days (int, default 90): only interactions this recent are considered.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from auditor.models import Activity, Brand, Channel, Severity
from auditor.judge.rules import Violation, answers, finding

CODE = "UNANS002"
NAME = "owner-never-replies"
CATEGORY = "unanswered"
SEVERITY = Severity.WARNING


@dataclass(frozen=True, kw_only=True)
class Options:
    min_interactions: int = 5
    window_days: int = 90


def check(brand: Brand, channel: Channel, activity: Activity, options: Options, as_of: datetime) -> Iterator[Violation]:
    signals = answers(activity, as_of, options.window_days)
    if signals is None or signals.total < options.min_interactions or signals.answered:
        return
    yield finding(f"{signals.total} comments or questions in the last {options.window_days} days and not one answer "
                  "from the owner. Start answering, or close comments nobody reads.",
                  channel.url, f"interactions in {options.window_days} days / answered", f"{signals.total} / 0")
