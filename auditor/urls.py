"""URL helpers for discovery: clean a link, key it for de-duplication, compare sites.

* :func:`clean_url` keeps a URL fetchable: lower-case scheme and host, no default port,
  no fragment, no tracking parameters (``utm_*``, ``ref``, ``fbclid``, ...), ``/`` for an
  empty path.
* :func:`canonical_url` is the identity of a channel: :func:`clean_url` plus ``https``,
  no ``www.``/``m.``/``mobile.`` host prefix, no trailing slash, lower-case path. Two
  links with the same canonical URL are the same channel. It is idempotent.
* :func:`registered_domain` and :func:`same_site` decide what is "the brand's own site",
  using tldextract's bundled public-suffix snapshot only (it never fetches the list).

Nothing here touches the network.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

import tldextract

# Query parameters that only say where a click came from; they never change what a page is.
TRACKING_PARAMS = frozenset({
    "ref", "ref_src", "ref_url", "referrer", "source", "fbclid", "gclid", "dclid", "gbraid", "wbraid",
    "msclkid", "yclid", "twclid", "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi",
    "mkt_tok", "hsctatracking", "si", "feature", "trk", "trkinfo", "originalsubdomain",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
MOBILE_PREFIXES = ("www.", "m.", "mobile.")

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


# URLs up to this long are remembered by the cached helpers below (discovery, recognisers and
# the judge ask about the same few URLs of a brand many times); longer ones are computed each time,
# so a page of huge links cannot fill the caches.
CACHED_URL_LENGTH = 2048
R = TypeVar("R")


def remembered(function: Callable[[str], R]) -> Callable[[str], R]:
    """``function`` of a URL, remembered for the last 8,192 URLs up to :data:`CACHED_URL_LENGTH` long."""
    cached = lru_cache(maxsize=8192)(function)

    @wraps(function)
    def call(url: str) -> R:
        return cached(url) if len(url) <= CACHED_URL_LENGTH else function(url)

    return call


@remembered
def clean_url(url: str) -> str:
    """A fetchable URL without the noise: tracking parameters, fragment, default port, host case.

    Returns the input stripped of surrounding whitespace when it cannot be parsed.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        return text
    if ":" in host:  # IPv6
        host = f"[{host}]"
    if port and not ((scheme == "https" and port == 443) or (scheme == "http" and port == 80)):
        host = f"{host}:{port}"
    query = "" if not parts.query else urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)], doseq=True)
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def strip_host_prefixes(host: str) -> str:
    """``www.x.com``, ``m.facebook.com``, ``mobile.twitter.com`` → the bare host (repeatedly)."""
    host = host.lower().rstrip(".")
    changed = True
    while changed:
        changed = False
        for prefix in MOBILE_PREFIXES:
            if host.startswith(prefix) and host.count(".") > 1:
                host = host[len(prefix):]
                changed = True
    return host


@remembered
def canonical_url(url: str) -> str:
    """The identity of a channel URL (see the module docstring); idempotent, not always fetchable."""
    cleaned = clean_url(url)
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return cleaned
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return cleaned
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"[{host}]" if ":" in host else strip_host_prefixes(host)
    if port and port not in (80, 443):
        netloc += f":{port}"
    path = parts.path.rstrip("/").lower() or "/"
    return urlunsplit(("https", netloc, path, parts.query, ""))


def same_channel(a: str, b: str) -> bool:
    """Do two URLs name the same channel? The one test used everywhere (discovery, configuration, reports)."""
    return canonical_url(a) == canonical_url(b)


@remembered
def host_of(url: str) -> str:
    """The lower-case host of a URL, without a trailing dot; "" when there is none."""
    try:
        return (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


@lru_cache(maxsize=4096)
def registered_domain(host: str) -> str:
    """The registrable part of a host (``blog.bigbrand.co.uk`` → ``bigbrand.co.uk``).

    Hosts under a private suffix (``acme.github.io``, ``acme.blogspot.com``) are their own
    registered domain. Hosts under a reserved or unknown TLD (``.example``, ``.test``)
    use the last two labels. An IP address is itself.
    """
    host = host.lower().rstrip(".")
    if not host:
        return ""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    extracted = _EXTRACT(host)
    if extracted.suffix and extracted.domain:
        return f"{extracted.domain}.{extracted.suffix}"
    labels = host.split(".")
    return ".".join(labels[-2:])


def same_site(a: str, b: str) -> bool:
    """Do two URLs (or hosts) share a registered domain?"""
    host_a = host_of(a) if "/" in a else a.lower()
    host_b = host_of(b) if "/" in b else b.lower()
    return bool(host_a) and registered_domain(host_a) == registered_domain(host_b)


def path_segments(url: str) -> list[str]:
    """The non-empty path segments of a URL."""
    try:
        return [segment for segment in urlsplit(url).path.split("/") if segment]
    except ValueError:
        return []


@dataclass(frozen=True, slots=True)
class Link:
    """A URL split for recognisers: host without www./m./mobile., path segments, query."""

    host: str
    segments: tuple[str, ...]
    query: dict[str, list[str]]
    fragment: str

    @classmethod
    def of(cls, url: str) -> "Link | None":
        split = _link_parts(url)
        if split is None:
            return None
        host, segments, query, fragment = split
        return cls(host, segments, {name: list(values) for name, values in query}, fragment)


@remembered
def _link_parts(url: str) -> tuple[str, tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...], str] | None:
    """What :meth:`Link.of` is made of, with the query frozen (each Link gets its own dict)."""
    try:
        parts = urlsplit(clean_url(url))
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    raw = urlsplit(url.strip())
    segments = tuple(s for s in parts.path.split("/") if s)
    query = tuple((name, tuple(values)) for name, values in parse_qs(parts.query).items())
    return strip_host_prefixes(parts.hostname), segments, query, raw.fragment


def handle_from(text: str, pattern: re.Pattern[str]) -> str | None:
    """A bare handle from user input (``@acme`` or ``acme``), lower-cased, or None if invalid here."""
    handle = text.strip().lstrip("@")
    return handle.lower() if pattern.fullmatch(handle) else None


def profile_at(template: str, text: str, pattern: re.Pattern[str], reserved: frozenset[str] = frozenset()) -> str | None:
    """``template`` ("https://x.com/{}") filled with the bare handle :func:`handle_from` reads from
    ``text``; None when that is invalid here or one of the site's ``reserved`` paths."""
    name = handle_from(text, pattern)
    return None if name is None or name in reserved else template.format(name)
