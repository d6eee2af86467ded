"""Sitemaps, read only to find a site's own about, contact, press and blog pages.

Reads ``Sitemap:`` lines of robots.txt, then ``<sitemapindex><sitemap><loc>`` and
``<urlset><url><loc>`` documents (gzip allowed), through defusedxml so entity tricks fail
safely. Everything is bounded: gzip is inflated to at most :data:`MAX_INFLATED` bytes (a
gzip bomb stops there, with a note), at most :data:`MAX_LOCS` locations are read from one
file, at most :data:`MAX_CHILD_SITEMAPS` children of an index are fetched.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

MAX_INFLATED = 8 * 1024 * 1024
MAX_LOCS = 50_000
MAX_SITEMAP_LINES = 5
MAX_CHILD_SITEMAPS = 3


@dataclass(frozen=True)
class Sitemap:
    """What one sitemap file lists: page URLs, or (for an index) child sitemap URLs."""

    pages: tuple[str, ...] = ()
    children: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())


def sitemap_lines(robots_txt: str) -> list[str]:
    """The absolute URLs in a robots.txt's ``Sitemap:`` lines (at most :data:`MAX_SITEMAP_LINES`)."""
    found: list[str] = []
    for line in robots_txt.splitlines()[:10_000]:
        name, _, value = line.partition(":")
        value = value.split("#", 1)[0].strip()
        if name.strip().lower() == "sitemap" and value.lower().startswith(("http://", "https://")):
            if value not in found:
                found.append(value)
        if len(found) >= MAX_SITEMAP_LINES:
            break
    return found


def inflate(body: bytes, where: str) -> tuple[bytes | None, str]:
    """The body, gunzipped if it is gzip, bounded; (None, why) for a bomb or broken data."""
    if not body.startswith(b"\x1f\x8b"):
        return body, ""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, MAX_INFLATED + 1)
    except zlib.error as exc:
        return None, f"{where}: broken gzip data ({exc})"
    if len(data) > MAX_INFLATED or inflater.unconsumed_tail:
        return None, f"{where}: inflates past {MAX_INFLATED:,} bytes (a gzip bomb?); not read"
    if not inflater.eof:
        return None, f"{where}: broken gzip data (truncated)"
    return data, ""


def parse_sitemap(body: bytes, where: str) -> Sitemap:
    """A sitemap or sitemap index; a note instead of an exception for anything unreadable."""
    data, why = inflate(body, where)
    if data is None:
        return Sitemap(notes=(why,))
    try:
        root = fromstring(data)
    except DefusedXmlException as exc:
        return Sitemap(notes=(f"{where}: unsafe XML refused ({type(exc).__name__})",))
    except (ParseError, ValueError) as exc:
        return Sitemap(notes=(f"{where}: not a readable sitemap ({exc})",))
    kind = _local(root)
    if kind not in ("urlset", "sitemapindex"):
        return Sitemap(notes=(f"{where}: not a sitemap (root element <{kind}>)",))
    locs: list[str] = []
    notes: list[str] = []
    for entry in root:
        if len(locs) >= MAX_LOCS:
            notes.append(f"{where}: more than {MAX_LOCS:,} entries; the rest were not read")
            break
        for child in entry:
            if _local(child) == "loc" and child.text and child.text.strip():
                locs.append(child.text.strip())
                break
    if kind == "sitemapindex":
        return Sitemap(children=tuple(locs), notes=tuple(notes))
    return Sitemap(pages=tuple(locs), notes=tuple(notes))


def pick_children(children: tuple[str, ...]) -> list[str]:
    """The child sitemaps most likely to list pages (``page`` sitemaps first), at most a few."""
    ranked = sorted(children, key=lambda url: (0 if "page" in url.lower() else 1, children.index(url)))
    return ranked[:MAX_CHILD_SITEMAPS]


def _local(element: Any) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1].lower()
