"""``auditor inspect``: fetch one page or feed and show what the auditor reads from it.

:func:`inspect_url` fetches the URL through the normal :class:`~auditor.fetch.client.Fetcher`
(robots.txt, caps and retries apply) and reads it as a feed when it parses as one, as an
HTML page otherwise. The CLI only prints the :class:`Inspection`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from auditor.discover.brand import normalise_url
from auditor.parse.feeds import FeedError, ParsedFeed, parse_feed
from auditor.fetch.client import Fetcher, FetchSettings, make_client
from auditor.plugin import latest
from auditor.parse.page import PageExtract, extract_page


@dataclass(frozen=True, slots=True)
class Inspection:
    url: str
    final_url: str
    status: int | None
    kind: str  # "html" | "feed" | "failed" | "other"
    error: str = ""
    page: PageExtract | None = None
    feed: ParsedFeed | None = None
    last_activity: datetime | None = None
    last_activity_source: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (dates as ISO 8601 strings)."""
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value is not None else None

        out: dict[str, Any] = {"url": self.url, "final_url": self.final_url, "status": self.status, "kind": self.kind,
                               "error": self.error, "last_activity": iso(self.last_activity),
                               "last_activity_source": self.last_activity_source}
        if self.page is not None:
            page = self.page
            out["page"] = {
                "title": page.title, "author": page.author,
                "published": iso(page.published.value) if page.published else None,
                "published_source": page.published.source if page.published else None,
                "modified": iso(page.modified.value) if page.modified else None,
                "modified_source": page.modified.source if page.modified else None,
                "note": page.note,
                "candidates": [{"value": iso(c.value), "source": c.source, "role": c.role, "region": c.region,
                                "precision": c.precision, "text": c.text} for c in page.candidates],
                "comments": [{"id": c.id, "author": c.author, "at": iso(c.at), "parent": c.parent,
                              "is_owner": c.is_owner, "owner_because": c.owner_because,
                              "replies_to": list(c.replies_to)} for c in page.comments],
            }
        if self.feed is not None:
            out["feed"] = {"format": self.feed.format, "title": self.feed.title,
                           "items": [{"url": i.url, "title": i.title, "published": iso(i.published),
                                      "updated": iso(i.updated)} for i in self.feed.items]}
        return out


async def inspect_url(url: str, *, as_of: datetime | None = None, fetch: FetchSettings = FetchSettings()) -> Inspection:
    """Fetch ``url`` and read it. ``as_of`` (default: the fetch time) anchors "3 days ago" and caps future dates.

    Raises :class:`~auditor.discover.brand.InvalidInput` for a URL that is not http(s).
    """
    target = normalise_url(url)
    async with make_client(fetch) as client:
        fetched = await Fetcher(client, fetch).get(target)
    if not fetched.ok:
        return Inspection(target, fetched.final_url, fetched.status, "failed", error=fetched.describe())
    moment = as_of or fetched.fetched_at
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    try:
        feed = parse_feed(fetched.body)
    except FeedError:
        feed = None
    if feed is not None:
        newest, when = latest(feed.items, moment)
        source = f"{feed.format} item {feed.date_field}: {newest.url}" if newest is not None else ""
        return Inspection(target, fetched.final_url, fetched.status, "feed", feed=feed, last_activity=when,
                          last_activity_source=source)
    if "html" not in (fetched.content_type or "text/html"):
        return Inspection(target, fetched.final_url, fetched.status, "other",
                          error=f"neither a feed nor HTML ({fetched.content_type})")
    page = extract_page(fetched.text(), fetched.final_url, moment)
    when, source = page.last_activity_and_source
    return Inspection(target, fetched.final_url, fetched.status, "html", page=page, last_activity=when,
                      last_activity_source=source)

