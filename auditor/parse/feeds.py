"""Feed parsing: RSS 2.0, RSS 1.0 (RDF), Atom and JSON Feed 1.0/1.1 into dated items.

XML goes through defusedxml, so entity expansion (billion laughs) and external entities
are refused rather than expanded. Dates that cannot be read leave the item undated; they
never fail the feed.
"""

from __future__ import annotations

import email.utils
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import defusedxml.ElementTree as SafeET
from dateutil import parser as dateparser
from defusedxml import DefusedXmlException

from auditor.models import Item

ATOM = "{http://www.w3.org/2005/Atom}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
RSS1 = "{http://purl.org/rss/1.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"



class FeedError(ValueError):
    """The document is not a feed we can read; the message says why, for a person."""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    format: str  # "rss", "rdf", "atom" or "jsonfeed"
    title: str
    home_url: str
    items: tuple[Item, ...]
    date_field: str  # the item field dates came from, for evidence
    updated: datetime | None = None  # the feed's own lastBuildDate / updated
    expired: bool = False  # JSON Feed "expired": the publisher says it is finished


def parse_feed(body: bytes) -> ParsedFeed:
    """Parse any supported feed format; raises :class:`FeedError` for anything else."""
    start = body.lstrip()[:1]
    if start in (b"{", b"["):
        return _parse_json_feed(body)
    if not start.startswith(b"<") and not body.lstrip().startswith(b"\xef\xbb\xbf<"):
        raise FeedError("not a feed: the body is neither XML nor JSON")
    try:
        root = SafeET.fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedError(f"refused unsafe XML ({type(exc).__name__}: entity or external reference)") from exc
    except SafeET.ParseError as exc:
        if b"<html" in body[:2048].lower():
            raise FeedError("not a feed: got an HTML page") from exc
        raise FeedError(f"malformed XML: {exc}") from exc
    tag = root.tag
    if tag == "rss":
        return _parse_rss(root)
    if tag == f"{ATOM}feed":
        return _parse_atom(root)
    if tag == f"{RDF}RDF":
        return _parse_rdf(root)
    if tag.lower() == "html" or tag.endswith("}html"):
        raise FeedError("not a feed: got an HTML page")
    raise FeedError(f"not a feed: the XML root element is <{tag}>")


def parse_date(value: str | None) -> datetime | None:
    """RFC 822, RFC 3339 or anything python-dateutil reads, as aware UTC; None if unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            try:
                parsed = dateparser.parse(value)
            except (ValueError, OverflowError, TypeError):
                return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        return parsed.astimezone(timezone.utc)
    except OverflowError:  # 9999-12-31T23:59-01:00 is past the last representable UTC moment
        return None


def _text(element: Any, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None and found.text else ""


def _parse_rss(root: Any) -> ParsedFeed:
    channel = root.find("channel")
    if channel is None:
        raise FeedError("malformed RSS: no <channel>")
    items = []
    for node in channel.iter("item"):
        published = parse_date(_text(node, "pubDate") or _text(node, f"{DC}date"))
        items.append(
            Item(
                url=_text(node, "link") or _text(node, "guid"),
                title=_text(node, "title"),
                published=published,
                updated=parse_date(_text(node, f"{ATOM}updated")),
            )
        )
    return ParsedFeed(
        format="rss",
        title=_text(channel, "title"),
        home_url=_text(channel, "link"),
        items=tuple(items),
        date_field="pubDate",
        updated=parse_date(_text(channel, "lastBuildDate") or _text(channel, "pubDate")),
    )


def _parse_rdf(root: Any) -> ParsedFeed:
    channel = root.find(f"{RSS1}channel")
    items = [
        Item(
            url=_text(node, f"{RSS1}link"),
            title=_text(node, f"{RSS1}title"),
            published=parse_date(_text(node, f"{DC}date")),
        )
        for node in root.iter(f"{RSS1}item")
    ]
    return ParsedFeed(
        format="rdf",
        title=_text(channel, f"{RSS1}title") if channel is not None else "",
        home_url=_text(channel, f"{RSS1}link") if channel is not None else "",
        items=tuple(items),
        date_field="dc:date",
        updated=parse_date(_text(channel, f"{DC}date")) if channel is not None else None,
    )


def _atom_link(node: Any) -> str:
    fallback = ""
    for link in node.findall(f"{ATOM}link"):
        href = (link.get("href") or "").strip()
        if link.get("rel", "alternate") == "alternate" and href:
            return href
        fallback = fallback or href
    return fallback


def _parse_atom(root: Any) -> ParsedFeed:
    items = []
    for node in root.iter(f"{ATOM}entry"):
        items.append(
            Item(
                url=_atom_link(node),
                title=_text(node, f"{ATOM}title"),
                published=parse_date(_text(node, f"{ATOM}published")),
                updated=parse_date(_text(node, f"{ATOM}updated")),
            )
        )
    return ParsedFeed(
        format="atom",
        title=_text(root, f"{ATOM}title"),
        home_url=_atom_link(root),
        items=tuple(items),
        date_field="published",
        updated=parse_date(_text(root, f"{ATOM}updated")),
    )


def _parse_json_feed(body: bytes) -> ParsedFeed:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise FeedError(f"malformed JSON: {exc}") from exc
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith("https://jsonfeed.org/version/"):
        raise FeedError("not a feed: JSON without a jsonfeed.org version")
    raw_items = document.get("items")
    if not isinstance(raw_items, list):
        raise FeedError("malformed JSON Feed: items is not a list")
    items = []
    for entry in raw_items:
        if not isinstance(entry, dict):
            continue
        items.append(
            Item(
                url=_str(entry.get("url")) or _str(entry.get("external_url")) or _str(entry.get("id")) or "",
                title=_str(entry.get("title")) or "",
                published=parse_date(_str(entry.get("date_published"))),
                updated=parse_date(_str(entry.get("date_modified"))),
            )
        )
    return ParsedFeed(
        format="jsonfeed",
        title=_str(document.get("title")) or "",
        home_url=_str(document.get("home_page_url")) or "",
        items=tuple(items),
        date_field="date_published",
        expired=document.get("expired") is True,
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
