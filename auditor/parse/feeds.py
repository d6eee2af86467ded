"""Feed parsing: any bytes into dated items, or a :class:`FeedError` that says why not.

Reads RSS 0.90-0.94 and 2.0 (Netscape's and Userland's, with or without a namespace), RSS 1.0
(RDF) with Dublin Core and ``dcterms``, Atom 0.3 and 1.0, CDF, and JSON Feed 1.0/1.1. The
encoding is decided by :mod:`auditor.parse.feedbytes` (byte-order mark, HTTP charset, XML
declaration, UTF-8, a detector); the kind of document is sniffed from its bytes, never taken
from the Content-Type, so a feed served as ``text/html`` is still a feed and an HTML page is not.

A document with a DTD goes through defusedxml, so entity expansion (billion laughs) and
external entities are refused rather than expanded; one without a DTD cannot declare an entity
and goes straight to the C parser. A document expat rejects only for HTML named entities, bare
ampersands or control characters is repaired once and read again. Dates are read by
:mod:`auditor.parse.feeddates` without a clock; a date that cannot be read leaves its item
undated and is counted, an item that cannot be read is skipped and counted: neither fails the feed.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import html.entities
import json
import re
from dataclasses import dataclass
from datetime import datetime
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin
from xml.etree import ElementTree as ET

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from auditor.models import Item
from auditor.parse.feedbytes import sniff
from auditor.parse.feeddates import DateReading, parse_date, read_date

__all__ = ["FeedError", "ItemDates", "ParsedFeed", "parse_date", "parse_feed", "read_date"]

ATOM = "{http://www.w3.org/2005/Atom}"
ATOM03 = "{http://purl.org/atom/ns#}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
RSS1 = "{http://purl.org/rss/1.0/}"
RSS090 = "{http://my.netscape.com/rdf/simple/0.9/}"
DC = "{http://purl.org/dc/elements/1.1/}"
DCTERMS = "{http://purl.org/dc/terms/}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


class FeedError(ValueError):
    """The document is not a feed we can read; the message says why, for a person."""


@dataclass(frozen=True, slots=True)
class ItemDates:
    """An item's dates as read, with their precision (None: absent or unreadable)."""

    published: DateReading | None = None
    updated: DateReading | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    format: str  # "rss", "rdf", "atom", "cdf" or "jsonfeed"
    title: str
    home_url: str
    items: tuple[Item, ...]
    date_field: str  # the item field dates came from, for evidence
    updated: datetime | None = None  # the feed's own lastBuildDate / updated
    expired: bool = False  # JSON Feed "expired": the publisher says it is finished
    version: str = ""  # "2.0", "0.91", "0.3", "1.1"...: the format's version when the feed says it
    dates: tuple[ItemDates, ...] = ()  # per item, in the order of ``items``: readings with precision
    skipped_items: int = 0  # entries that could not be read at all (left out of ``items``)
    unreadable_dates: int = 0  # dates present in the feed but unreadable (their items stay, undated)


def parse_feed(body: bytes, content_type: str | None = None) -> ParsedFeed:
    """Parse any supported feed; raises :class:`FeedError` (and nothing else) for anything else.

    ``content_type`` is the HTTP header when known: only its charset is used.
    """
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise FeedError("not a feed: the body is not bytes")
    try:
        return _parse(bytes(body), content_type)
    except FeedError:
        raise
    except (ValueError, LookupError, RecursionError, OverflowError, MemoryError) as exc:
        raise FeedError(f"unreadable feed ({type(exc).__name__})") from exc


def _parse(body: bytes, content_type: str | None) -> ParsedFeed:
    sniffed = sniff(body, content_type)
    if sniffed.kind == "json":
        return _parse_json_feed(sniffed.data if sniffed.text is None else sniffed.text)
    if sniffed.kind != "xml":
        raise FeedError("not a feed: the body is neither XML nor JSON")
    root = _xml_root(sniffed.data if sniffed.text is None else sniffed.text)
    tag = root.tag
    local = tag.rsplit("}", 1)[-1]
    namespace = tag[: len(tag) - len(local)]
    if local == "rss" or (local == "channel" and namespace == ""):
        return _parse_rss(root, namespace)
    if local == "feed":  # Atom 1.0, 0.3, or a namespace of its own
        return _parse_atom(root, namespace)
    if tag == f"{RDF}RDF":
        return _parse_rdf(root)
    if tag == "CHANNEL":
        return _parse_cdf(root)
    if local.lower() == "html":
        raise FeedError("not a feed: got an HTML page")
    raise FeedError(f"not a feed: the XML root element is <{local}>")


# -- XML -------------------------------------------------------------------------------------------------
_SAFE = {"forbid_dtd": False, "forbid_entities": True, "forbid_external": True}
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_ENTITY = re.compile(r"&(?:([A-Za-z][A-Za-z0-9]{0,31});|(#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};)|)")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_HTML_HEAD = re.compile(r"<(?:!doctype\s+html|html[\s>])", re.IGNORECASE)
_LATE_DECLARATION = re.compile(r"<\?xml\s[^>]{0,300}?\?>")
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_PREFIX_USE = re.compile(r"</?([A-Za-z_][\w.-]{0,40}):[A-Za-z_]")
_PREFIX_DECLARED = re.compile(r"xmlns:([A-Za-z_][\w.-]{0,40})\s*=")
_ROOT_TAG = re.compile(r"<(?![?!])[^\s>/]+")
_KNOWN_PREFIXES = {
    "dc": DC[1:-1], "dcterms": DCTERMS[1:-1], "atom": ATOM[1:-1], "rdf": RDF[1:-1],
    "content": "http://purl.org/rss/1.0/modules/content/", "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "media": "http://search.yahoo.com/mrss/", "slash": "http://purl.org/rss/1.0/modules/slash/",
    "wfw": "http://wellformedweb.org/CommentAPI/", "sy": "http://purl.org/rss/1.0/modules/syndication/",
}
# expat's codes for a document that stops early: no element, an unclosed token, an unclosed CDATA section
_TRUNCATED = frozenset({3, 5, 20})
_UNFINISHED = "{urn:presence-auditor}unfinished"  # set on elements a truncated document left open


def _xml_root(source: bytes | str) -> Any:
    root, first_error = _parsed(source)
    if first_error is None:
        return root
    text = source if isinstance(source, str) else source.decode("utf-8")
    repaired = _repair(text)
    if repaired is not None:
        root, error = _parsed(repaired)
        if error is None:
            return root
        first_error, text = error, repaired
    if first_error.code in _TRUNCATED and "<!DOCTYPE" not in text:
        root = _salvage(text)
        if root is not None:
            return root
    if _HTML_HEAD.search(text[:4096]):
        raise FeedError("not a feed: got an HTML page") from first_error
    raise FeedError(f"malformed XML: {first_error}") from first_error


def _parsed(source: bytes | str) -> tuple[Any, ET.ParseError | None]:
    """The document's root, or the error that stopped the parser; unsafe XML raises FeedError."""
    try:
        return _fromstring(source), None
    except DefusedXmlException as exc:
        raise _unsafe(exc) from exc
    except ET.ParseError as exc:
        return None, exc


def _fromstring(source: bytes | str) -> Any:
    """The C parser for documents without a DTD (no DTD, no entity can be declared: nothing to
    expand or fetch); defusedxml, which refuses entity declarations, for the others."""
    has_dtd = b"<!DOCTYPE" in source if isinstance(source, bytes) else "<!DOCTYPE" in source
    if has_dtd:
        return SafeET.fromstring(source, **_SAFE)
    return ET.fromstring(source)


def _unsafe(exc: Exception) -> FeedError:
    return FeedError(f"refused unsafe XML ({type(exc).__name__}: entity or external reference)")


def _events(parser: Any) -> Iterator[tuple[str, Any]]:
    """The pull parser's (event, element) pairs so far."""
    return iter(parser.read_events())


def _salvage(text: str) -> Any:
    """The root of a document cut off before its end (a truncated download), with what was complete.

    Elements still open where the text stops are kept as far as they were read: the caller
    reads items, and an item whose own end was never seen is marked so it can be skipped.
    """
    parser: Any = ET.XMLPullParser(events=("start", "end"))
    root = None
    open_elements: list[Any] = []
    try:
        parser.feed(text)
        for event, element in _events(parser):
            if event == "start":
                root = element if root is None else root
                open_elements.append(element)
            else:
                open_elements.pop()
        parser.close()
    except ET.ParseError:
        for event, element in _events(parser):
            if event == "start":
                root = element if root is None else root
                open_elements.append(element)
            elif open_elements:
                open_elements.pop()
    if root is None:
        return None
    for element in open_elements[1:]:
        element.set(_UNFINISHED, "1")
    return root


def _repair(text: str) -> str | None:
    """The faults expat stops at and a reader can see through; None if there is nothing to repair.

    HTML named entities become characters, bare ampersands are escaped, control characters are
    dropped, a declaration that is not at the very start is removed, "--" inside comments is
    split, and namespace prefixes used without a declaration are declared (the well-known ones
    with their real namespace). Documents that declare their own entities are left alone:
    defusedxml refuses those anyway.
    """
    if "<!ENTITY" in text:
        return None
    repaired = _CONTROL.sub("", _ENTITY.sub(_fix_entity, text))
    if "<?xml" in repaired[1:]:
        repaired = repaired[:1] + _LATE_DECLARATION.sub("", repaired[1:])
    if "--" in repaired:
        repaired = _COMMENT.sub(lambda m: "<!--" + m.group(1).replace("--", "- -") + "-->", repaired)
    repaired = _declare_prefixes(repaired)
    return repaired if repaired != text else None


def _declare_prefixes(text: str) -> str:
    used = set(_PREFIX_USE.findall(text)) - {"xml", "xmlns"}
    if not used:
        return text
    declared = set(_PREFIX_DECLARED.findall(text))
    missing = sorted(used - declared)
    root = _ROOT_TAG.search(text)
    if not missing or root is None:
        return text
    declarations = "".join(f' xmlns:{p}="{_KNOWN_PREFIXES.get(p.lower(), "urn:undeclared:" + p)}"' for p in missing)
    return text[: root.end()] + declarations + text[root.end():]


def _fix_entity(match: re.Match[str]) -> str:
    name, numeric = match.group(1), match.group(2)
    if numeric is not None:
        return match.group()
    if name is None:
        return "&amp;"
    if name in _XML_ENTITIES:
        return match.group()
    character = html.entities.html5.get(name + ";")
    return character.replace("&", "&amp;").replace("<", "&lt;") if character else f"&amp;{name};"


def _fields(element: Any) -> dict[str, Any]:
    """An element's children by tag; a repeated child: the last one stands."""
    return {child.tag: child for child in element}


def _text(fields: dict[str, Any], tag: str) -> str:
    found = fields.get(tag)
    return (found.text or "").strip() if found is not None else ""


def _construct(found: Any) -> str:
    """An Atom text construct: plain, escaped, xhtml (the text of its markup) or base64 (Atom 0.3)."""
    if found is None:
        return ""
    if len(found):
        return " ".join("".join(found.itertext()).split())
    value = (found.text or "").strip()
    if found.get("mode") == "base64":
        try:
            return base64.b64decode(value, validate=False).decode("utf-8", "replace").strip()
        except (binascii.Error, ValueError):
            return ""
    return value


_ORIGINS: dict[str, str] = {}  # base URL -> its scheme and host (the part an absolute path replaces the rest of)


def _resolve(url: str, base: str) -> str:
    if not url or not base or "://" in url[:12]:
        return url
    if url[0] == "/" and url[1:2] != "/" and "/." not in url:  # the common case, by hand
        origin = _ORIGINS.get(base)
        if origin is None and "://" in base[:12]:
            host_end = base.find("/", base.find("://") + 3)
            if len(_ORIGINS) > 64:
                _ORIGINS.clear()
            origin = _ORIGINS[base] = base if host_end < 0 else base[:host_end]
        if origin is not None:
            return origin + url
    try:
        return urljoin(base, url)
    except ValueError:  # an unparseable base (a bad IPv6 literal): keep the link as written
        return url


def _base(element: Any, parent_base: str) -> str:
    own = element.get(XML_BASE)
    return _resolve(own.strip(), parent_base) if own else parent_base


_UNSEEN: Any = object()


class _Dates:
    """Reads dates from an element's fields, counting those present but unreadable."""

    __slots__ = ("seen", "unreadable")

    def __init__(self) -> None:
        self.unreadable = 0
        self.seen: dict[str, DateReading | None] = {}  # published and updated are often the same text

    def read(self, fields: dict[str, Any], tags: tuple[str, ...]) -> DateReading | None:
        for tag in tags:
            found = fields.get(tag)
            if found is None or not (text := found.text):
                continue
            reading = self.seen.get(text, _UNSEEN)
            if reading is _UNSEEN:
                reading = self.seen[text] = read_date(text)
            if reading is not None:
                return reading
            if text.strip():
                self.unreadable += 1
        return None


def _instant(reading: DateReading | None) -> datetime | None:
    return reading.instant if reading is not None else None


# Items and their readings are built by their slots, equal to what their constructors give: a frozen
# dataclass's __init__ sets each field through object.__setattr__, which cost a third of the time an item
# took. The fields the feed does not give (an Item's kind, pinned...) get their declared defaults; should
# Item ever get a field without a plain default, items are built by its constructor instead.
_UNDATED = ItemDates()
_new = object.__new__
_set_published = vars(ItemDates)["published"].__set__
_set_updated = vars(ItemDates)["updated"].__set__
_ITEM_GIVEN = ("url", "title", "published", "updated")
_set_url, _set_title, _set_item_published, _set_item_updated = (vars(Item)[name].__set__ for name in _ITEM_GIVEN)
_ITEM_DEFAULTS = tuple((vars(Item)[f.name].__set__, f.default) for f in dataclasses.fields(Item)
                       if f.name not in _ITEM_GIVEN)
_ITEM_BY_SLOTS = all(default is not dataclasses.MISSING for _, default in _ITEM_DEFAULTS)


def _item(url: str, title: str, published: DateReading | None, updated: DateReading | None) -> tuple[Item, ItemDates]:
    """The item, equal to ``Item(url, title, published.instant, updated.instant)``, and its readings,
    equal to ``ItemDates(published, updated)``."""
    if published is None and updated is None:
        dates = _UNDATED
    else:
        dates = _new(ItemDates)
        _set_published(dates, published)
        _set_updated(dates, updated)
    if not _ITEM_BY_SLOTS:
        return Item(url, title, _instant(published), _instant(updated)), dates
    item = _new(Item)
    _set_url(item, url)
    _set_title(item, title)
    _set_item_published(item, None if published is None else published.instant)
    _set_item_updated(item, None if updated is None else updated.instant)
    for set_default, default in _ITEM_DEFAULTS:
        set_default(item, default)
    return item, dates


# -- RSS 0.9x / 2.0 -------------------------------------------------------------------------------------
def _parse_rss(root: Any, ns: str) -> ParsedFeed:
    channel = root.find(f"{ns}channel") if root.tag != f"{ns}channel" else root
    if channel is None and ns and (channel := root.find("channel")) is not None:
        ns = ""  # a namespace on <rss> that its children do not carry
    if channel is None:  # an empty <rss/>: a feed with nothing in it, which is what it says
        channel = root
    feed_base = _base(root, "")
    feed_base = _base(channel, feed_base) if channel is not root else feed_base
    channel_fields = _fields(channel)
    dates = _Dates()
    items, readings = [], []
    skipped = 0
    published_tags = (f"{ns}pubDate", f"{DC}date", f"{DCTERMS}issued", f"{DCTERMS}created")
    updated_tags = (f"{ATOM}updated", f"{DCTERMS}modified", f"{ns}updated")
    title_tag, tags = f"{ns}title", _RssTags(ns)
    read = dates.read
    nodes = channel.findall(f"{ns}item") or root.findall(f"{ns}item")  # 0.9x put items beside the channel
    for node in nodes:
        if node.get(_UNFINISHED):
            skipped += 1
            continue
        fields = {child.tag: child for child in node}
        own_base = node.get(XML_BASE)
        base = _resolve(own_base.strip(), feed_base) if own_base else feed_base
        title = fields.get(title_tag)
        item, reading = _item(_rss_link(node, fields, tags, base),
                              (title.text or "").strip() if title is not None else "",
                              read(fields, published_tags), read(fields, updated_tags))
        items.append(item)
        readings.append(reading)
    feed_updated = dates.read(channel_fields, (f"{ns}lastBuildDate", f"{ns}pubDate", f"{DC}date", f"{ATOM}updated",
                                               f"{DCTERMS}modified"))
    return ParsedFeed(
        format="rss",
        title=_text(channel_fields, title_tag),
        home_url=_resolve(_text(channel_fields, f"{ns}link"), feed_base),
        items=tuple(items),
        date_field="pubDate",
        updated=_instant(feed_updated),
        version=(root.get("version") or "").strip(),
        dates=tuple(readings),
        skipped_items=skipped,
        unreadable_dates=dates.unreadable,
    )


class _RssTags:
    """The tags an RSS item's link is looked for under, built once per feed."""

    __slots__ = ("link", "guid")

    def __init__(self, ns: str) -> None:
        self.link, self.guid = f"{ns}link", f"{ns}guid"


def _rss_link(node: Any, fields: dict[str, Any], tags: _RssTags, base: str) -> str:
    """<link> (its text, or an href someone gave it), else a permalink <guid>, else atom:link, else the guid as is."""
    found = fields.get(tags.link)
    if found is not None and len(fields) < len(node):  # a repeated child: the first <link> is the item's
        found = node.find(tags.link)
    if found is not None:
        value = (found.text or "").strip() or (found.get("href") or "").strip()
        if value:
            own_base = found.get(XML_BASE)
            return _resolve(value, _resolve(own_base.strip(), base) if own_base else base)
    guid = fields.get(tags.guid)
    guid_text = (guid.text or "").strip() if guid is not None else ""
    if guid is not None and guid_text and guid.get("isPermaLink", "true").strip().lower() != "false":
        return _resolve(guid_text, base)
    if f"{ATOM}link" in fields:
        return _atom_link(node.findall(f"{ATOM}link"), base) or guid_text
    return guid_text


# -- RSS 1.0 / 0.90 (RDF) -------------------------------------------------------------------------------
def _parse_rdf(root: Any) -> ParsedFeed:
    ns = RSS1 if root.find(f"{RSS1}channel") is not None or root.find(f"{RSS1}item") is not None else (
        RSS090 if root.find(f"{RSS090}channel") is not None or root.find(f"{RSS090}item") is not None else "")
    channel = root.find(f"{ns}channel")
    channel_fields = _fields(channel) if channel is not None else {}
    feed_base = _base(root, "")
    dates = _Dates()
    items, readings = [], []
    skipped = 0
    published_tags = (f"{DC}date", f"{DCTERMS}issued", f"{DCTERMS}created")
    updated_tags = (f"{DCTERMS}modified",)
    link_tag, title_tag, about = f"{ns}link", f"{ns}title", f"{RDF}about"
    read = dates.read
    for node in root.iter(f"{ns}item"):
        if node.get(_UNFINISHED):
            skipped += 1
            continue
        fields = {child.tag: child for child in node}
        link = _text(fields, link_tag) or (node.get(about) or "").strip()
        own_base = node.get(XML_BASE)
        item, reading = _item(_resolve(link, _resolve(own_base.strip(), feed_base) if own_base else feed_base),
                              _text(fields, title_tag), read(fields, published_tags), read(fields, updated_tags))
        items.append(item)
        readings.append(reading)
    return ParsedFeed(
        format="rdf",
        title=_text(channel_fields, f"{ns}title"),
        home_url=_resolve(_text(channel_fields, f"{ns}link"), feed_base),
        items=tuple(items),
        date_field="dc:date",
        updated=_instant(dates.read(channel_fields, (f"{DC}date", f"{DCTERMS}modified"))),
        version="0.90" if ns == RSS090 else "1.0",
        dates=tuple(readings),
        skipped_items=skipped,
        unreadable_dates=dates.unreadable,
    )


# -- Atom 0.3 / 1.0 -------------------------------------------------------------------------------------
_NOT_THE_ITEM = frozenset({"enclosure", "self", "license", "related", "via", "edit", "replies", "payment"})


def _atom_link(links: list[Any], base: str) -> str:
    """The alternate link; else the first link whose relation still names the item itself."""
    fallback = ""
    for link in links:
        href = (link.get("href") or "").strip()
        if not href:
            continue
        rel = link.get("rel")
        rel = "alternate" if rel is None else rel.strip()
        if rel == "alternate" or (not fallback and rel not in _NOT_THE_ITEM):
            own_base = link.get(XML_BASE)
            resolved = _resolve(href, _resolve(own_base.strip(), base) if own_base else base)
            if rel == "alternate":
                return resolved
            fallback = resolved
    return fallback


def _atom_fields(element: Any, link_tag: str) -> tuple[dict[str, Any], list[Any]]:
    fields, links = {}, []
    for child in element:
        if child.tag == link_tag:
            links.append(child)
        else:
            fields[child.tag] = child
    return fields, links


def _parse_atom(root: Any, ns: str) -> ParsedFeed:
    feed_base = _base(root, "")
    link_tag = f"{ns}link"
    dates = _Dates()
    items, readings = [], []
    skipped = 0
    published_tags = (f"{ns}published", f"{ns}issued", f"{ns}created", f"{DC}date")
    updated_tags = (f"{ns}updated", f"{ns}modified")
    title_tag, id_tag = f"{ns}title", f"{ns}id"
    read = dates.read
    for node in root.findall(f"{ns}entry") or root.findall(f"{ns}item"):
        if node.get(_UNFINISHED):
            skipped += 1
            continue
        own_base = node.get(XML_BASE)
        base = _resolve(own_base.strip(), feed_base) if own_base else feed_base
        fields = {child.tag: child for child in node}  # a <link> among them is never read from here
        url = (_atom_link(node.findall(link_tag), base) if link_tag in fields else "") \
            or _resolve(_text(fields, id_tag), base)
        item, reading = _item(url, _construct(fields.get(title_tag)), read(fields, published_tags),
                              read(fields, updated_tags))
        items.append(item)
        readings.append(reading)
    feed_fields, feed_links = _atom_fields(root, link_tag)
    return ParsedFeed(
        format="atom",
        title=_construct(feed_fields.get(title_tag)),
        home_url=_atom_link(feed_links, feed_base),
        items=tuple(items),
        date_field="published",
        updated=_instant(dates.read(feed_fields, updated_tags)),
        version="1.0" if ns == ATOM else (root.get("version") or "").strip(),
        dates=tuple(readings),
        skipped_items=skipped,
        unreadable_dates=dates.unreadable,
    )


# -- CDF ------------------------------------------------------------------------------------------------
def _parse_cdf(root: Any) -> ParsedFeed:
    unreadable = 0
    items, readings = [], []
    feed_base = _base(root, (root.get("BASE") or "").strip())
    for node in root.iter("ITEM"):
        stamp = node.get("LASTMOD")
        reading = read_date(stamp) if stamp else None
        unreadable += bool(stamp and stamp.strip() and reading is None)
        url = _resolve((node.get("HREF") or "").strip(), _base(node, feed_base))
        item, dated = _item(url, _text(_fields(node), "TITLE"), reading, None)
        items.append(item)
        readings.append(dated)
    stamp = root.get("LASTMOD")
    return ParsedFeed(
        format="cdf", title=_text(_fields(root), "TITLE"), home_url=(root.get("HREF") or "").strip(),
        items=tuple(items), date_field="LASTMOD", updated=parse_date(stamp), dates=tuple(readings),
        unreadable_dates=unreadable,
    )


# -- JSON Feed ------------------------------------------------------------------------------------------
def _parse_json_feed(body: bytes | str) -> ParsedFeed:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise FeedError(f"malformed JSON: {exc}") from exc
    version = _str(document.get("version")) if isinstance(document, dict) else None
    if version is None or not version.startswith(("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")):
        raise FeedError("not a feed: JSON without a jsonfeed.org version")
    raw_items = document.get("items")
    if not isinstance(raw_items, list):
        raise FeedError("malformed JSON Feed: items is not a list")
    items, readings = [], []
    skipped = unreadable = 0
    for entry in raw_items:
        if not isinstance(entry, dict):
            skipped += 1
            continue
        published_text, updated_text = _str(entry.get("date_published")), _str(entry.get("date_modified"))
        published, updated = read_date(published_text), read_date(updated_text)
        unreadable += bool(published_text and published_text.strip() and published is None)
        unreadable += bool(updated_text and updated_text.strip() and updated is None)
        url = _str(entry.get("url")) or _str(entry.get("external_url")) or _str(entry.get("id")) or ""
        item, reading = _item(url, _str(entry.get("title")) or "", published, updated)
        items.append(item)
        readings.append(reading)
    return ParsedFeed(
        format="jsonfeed",
        title=_str(document.get("title")) or "",
        home_url=_str(document.get("home_page_url")) or "",
        items=tuple(items),
        date_field="date_published",
        expired=document.get("expired") is True,
        version=version.rsplit("/", 1)[-1],
        dates=tuple(readings),
        skipped_items=skipped,
        unreadable_dates=unreadable,
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
