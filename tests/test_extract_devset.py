"""extract_page over the real pages of the page-dates development set, when it is there.

The set lives outside the project (``../shared/datasets/page-dates-dev`` next to the repository,
or ``$PAGE_DATES_DEV``); without it these tests skip. They bound what can be counted: pages dated
near the fetch, the share of exact days and of wrong ones, comments listed twice, owner replies.
The floors guard against regressions; benchmarks/page_dates.py prints the figures.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from auditor.parse.page import extract_page

DEV = Path(os.environ.get("PAGE_DATES_DEV")
           or Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "page-dates-dev")
FETCHED_AT = datetime(2026, 12, 2, 12, tzinfo=timezone.utc)

pytestmark = pytest.mark.skipif(not (DEV / "gold.json").is_file(), reason=f"no page-dates dev set at {DEV}")


@pytest.fixture(scope="module")
def read():
    gold = json.loads((DEV / "gold.json").read_text(encoding="utf-8"))
    found = []
    for name, entry in sorted(gold.items()):
        html = (DEV / "pages" / name).read_bytes().decode("utf-8", errors="replace")
        found.append((name, date.fromisoformat(entry["date"]), html, extract_page(html, entry["url"], FETCHED_AT)))
    return found


def test_no_page_is_dated_near_the_fetch(read):
    near = [name for name, gold, _, extract in read if extract.published is not None
            and abs(extract.published.value - FETCHED_AT) <= timedelta(days=2) and abs(gold - FETCHED_AT.date()).days > 2]
    assert near == []


def test_exact_days_and_wrong_days_stay_within_their_floors(read):
    right = sum(1 for _, gold, _, e in read if e.published is not None and e.published.value.date() == gold)
    wrong = sum(1 for _, gold, _, e in read if e.published is not None and e.published.value.date() != gold)
    assert right / len(read) >= 0.92
    assert wrong / len(read) <= 0.04
    assert all(e.note for _, _, _, e in read if e.published is None)  # an undated page says why


def _number(ident: str) -> str:
    found = re.search(r"comm(?:ent)?-(\d+)|c(\d{10,})$", ident)
    return (found.group(1) or found.group(2)) if found else ident


def test_comments_are_listed_once_and_owner_replies_match_the_markup(read):
    stated = found = right = 0
    for _, _, html, extract in read:
        if "bypostauthor" not in html and "blog-author" not in html:
            continue
        assert max(Counter(_number(c.id) for c in extract.comments).values(), default=1) == 1
        # WordPress list items written class first, then id: each one comment, the owner's with bypostauthor
        items = {m.group(2): "bypostauthor" in m.group(1).split() for m in re.finditer(
            r"""<li[^>]*\bclass=["']([^"']*)["'][^>]*\bid=["'](?:li-)?comment-(\d+)["']""", html)}
        owners = {number for number, owner in items.items() if owner}
        mine = {_number(c.id) for c in extract.comments if c.is_owner} & set(items)
        stated, found, right = stated + len(owners), found + len(mine), right + len(owners & mine)
    assert stated > 30
    assert right / stated >= 0.95 and right / found >= 0.95
