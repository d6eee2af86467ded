"""Registered-domain comparison with tldextract's bundled suffix list (never fetched at run time)."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4096)
def registered_domain(url: str) -> str:
    """``https://blog.acme.co.uk/x`` → ``acme.co.uk``; under a non-public suffix (``.example``), the last two labels."""
    host = (urlsplit(url).hostname or url).lower().rstrip(".")
    parts = _EXTRACT(host)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}"
    return ".".join(host.split(".")[-2:])
