"""Fetching and reading a blog's post pages, for plugins that have no API (or a closed one).

:func:`read_posts` fetches at most a few post pages through the context (so robots.txt,
politeness and caps apply), runs :func:`~auditor.parse.page.extract_page` on each, and keeps
what failed as evidence rather than failing the channel. :func:`owner_activity` merges a
channel's newest post with the owner's newest comment reply into one last-activity date.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from auditor.models import Evidence, Interaction, Item
from auditor.plugin import FUTURE_TOLERANCE, Context
from auditor.parse.page import PageExtract, extract_page


@dataclass(frozen=True, slots=True)
class PostPages:
    pages: tuple[PageExtract, ...]
    evidence: tuple[Evidence, ...]  # one entry per page read or failed

    @property
    def interactions(self) -> tuple[Interaction, ...]:
        return tuple(i for page in self.pages for i in page.interactions())

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(Item(url=p.url, title=p.title, published=p.published.value if p.published else None,
                          updated=p.modified.value if p.modified else None) for p in self.pages)


async def read_posts(urls: Sequence[str], context: Context, limit: int) -> PostPages:
    """Fetch and extract up to ``limit`` of ``urls`` (in order, duplicates dropped)."""
    chosen = list(dict.fromkeys(u.split("#", 1)[0] for u in urls if u))[:limit]
    answers = await asyncio.gather(*(context.get(url) for url in chosen))
    pages: list[PageExtract] = []
    evidence: list[Evidence] = []
    for url, fetched in zip(chosen, answers):
        if not fetched.ok:
            evidence.append(Evidence(url, "post page not read", fetched.describe()))
            continue
        if "html" not in (fetched.content_type or "text/html"):
            evidence.append(Evidence(url, "post page not read", f"not HTML ({fetched.content_type})"))
            continue
        page = extract_page(fetched.text(), fetched.final_url, fetched.fetched_at)
        pages.append(page)
        if page.published is not None:
            evidence.append(Evidence(page.url, f"published ({page.published.source})", page.published.value.isoformat()))
        else:
            evidence.append(Evidence(page.url, "published", page.note))
        evidence.append(Evidence(page.url, "comments", f"{len(page.comments)} ({len(page.owner_replies)} by the owner)"))
    return PostPages(tuple(pages), tuple(evidence))


def owner_activity(candidates: Iterable[tuple[datetime | None, Evidence]], as_of: datetime
                   ) -> tuple[datetime | None, Evidence | None]:
    """The newest dated candidate no later than ``as_of`` (plus a day's tolerance), with its evidence."""
    limit = as_of + FUTURE_TOLERANCE
    best: tuple[datetime | None, Evidence | None] = (None, None)
    for when, evidence in candidates:
        if when is not None and when <= limit and (best[0] is None or when > best[0]):
            best = (when, evidence)
    return best


def page_activity(pages: Iterable[PageExtract]) -> list[tuple[datetime | None, Evidence]]:
    """Each page's publication date and each owner reply, as last-activity candidates."""
    found: list[tuple[datetime | None, Evidence]] = []
    for page in pages:
        if page.published is not None:
            found.append((page.published.value, Evidence(page.url, f"post published ({page.published.source})",
                                                         page.published.value.isoformat())))
        for reply in page.owner_replies:
            if reply.at is not None:
                found.append((reply.at, Evidence(reply.url, f"owner reply ({reply.owner_because})",
                                                 reply.at.isoformat())))
    return found
