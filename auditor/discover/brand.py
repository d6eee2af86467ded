"""Turning what a user typed into a Brand."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from auditor.models import Brand

_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


class InvalidInput(ValueError):
    """Something the user typed that cannot be audited; the message says what and why."""


def normalise_url(text: str) -> str:
    """``acme.example`` → ``https://acme.example/``; raises InvalidInput for what is not a web address."""
    raw = text.strip()
    if not raw:
        raise InvalidInput("empty URL")
    candidate = raw if "://" in raw else f"https://{raw}"
    try:
        parts = urlsplit(candidate)
        port = parts.port
    except ValueError as exc:
        raise InvalidInput(f"not a URL: {raw!r} ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidInput(f"not a web address: {raw!r} (only http and https can be audited)")
    host = (parts.hostname or "").rstrip(".")
    if not _HOSTNAME.match(host) and not _is_ip(host):
        raise InvalidInput(f"not a URL or domain name: {raw!r} (try https://example.com)")
    netloc = host + (f":{port}" if port else "")
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def brand_from(target: str | Brand, *, name: str = "", channels: tuple[str, ...] = ()) -> Brand:
    """A Brand from a Brand or a homepage URL; extra channel URLs are validated too."""
    if isinstance(target, Brand):
        return target
    homepage = normalise_url(target)
    host = urlsplit(homepage).hostname or homepage
    return Brand(
        name=name or host.removeprefix("www."),
        homepages=(homepage,),
        channels=tuple(normalise_url(c) for c in channels),
    )
