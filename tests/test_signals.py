"""Response signals are computed the same way for every platform."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from auditor.models import Interaction
from auditor.collect.signals import response_signals

AS_OF = datetime(2026, 11, 22, tzinfo=timezone.utc)


def comment(days_ago: float, replied_after_hours: float | None = None, url: str = "") -> Interaction:
    at = AS_OF - timedelta(days=days_ago)
    replied = at + timedelta(hours=replied_after_hours) if replied_after_hours is not None else None
    return Interaction(url=url or f"https://b.example/#c{days_ago}", author="reader", at=at, owner_replied_at=replied)


def test_rate_median_and_the_unanswered_oldest_first():
    signals = response_signals(
        [comment(1, 2), comment(3, 4), comment(5, 30), comment(10), comment(20), comment(200)], AS_OF
    )
    assert (signals.total, signals.answered) == (5, 3)  # 200 days ago is outside the 90-day window
    assert signals.response_rate == 0.6
    assert signals.median_first_reply == timedelta(hours=4)
    assert [round((AS_OF - i.at).days) for i in signals.unanswered] == [20, 10]
    assert signals.oldest_unanswered.at == AS_OF - timedelta(days=20)


def test_a_reply_after_as_of_is_not_an_answer_yet():
    signals = response_signals([comment(1, 48)], AS_OF)
    assert signals.answered == 0 and len(signals.unanswered) == 1


def test_no_interactions_means_no_rate():
    signals = response_signals([], AS_OF)
    assert signals.response_rate is None and signals.median_first_reply is None and signals.oldest_unanswered is None
