"""API keys and tokens the platform plugins may use, read from the environment by name, and what
keeps them where they belong.

Nothing here is required: without a key a plugin reads what is public and says what it
could not see. Plugins read ``context.credentials[NAME]``, never the environment itself,
so the library can be given credentials explicitly (``AuditOptions(credentials=...)``).

Plugins send credentials as request headers (``Authorization``, ``X-Goog-Api-Key``), never in
URLs. The fetcher drops every :data:`CREDENTIAL_HEADERS` header when a redirect leaves the
origin it was sent to (:func:`for_redirect`), and the HTTP cache stores no response to a request
that carried one (:func:`carries_credentials`), so neither the header nor anything the server
echoed of it reaches the disk. Outputs are redacted by value (:mod:`auditor.redact`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlsplit

KNOWN = {
    "GITHUB_TOKEN": "GitHub REST API token (5,000 requests/hour instead of 60)",
    "YOUTUBE_API_KEY": "YouTube Data API key: comments and owner replies",
    "TUMBLR_API_KEY": "Tumblr API key: blog info and notes",
    "X_BEARER_TOKEN": "X (Twitter) API v2 bearer token",
    "REDDIT_CLIENT_ID": "Reddit OAuth client id (with REDDIT_CLIENT_SECRET)",
    "REDDIT_CLIENT_SECRET": "Reddit OAuth client secret",
}
# Request headers that carry a credential (lower case): never sent to another origin, never cached.
CREDENTIAL_HEADERS = frozenset({
    "authorization", "proxy-authorization", "cookie", "x-goog-api-key", "x-api-key", "x-auth-token",
})
# Query parameters that carry a credential when an API takes one in the URL (lower case).
CREDENTIAL_PARAMETERS = frozenset({"key", "api_key", "apikey", "access_token", "token", "client_secret"})


def credentials_from_env() -> dict[str, str]:
    return {name: os.environ[name] for name in KNOWN if os.environ.get(name)}


def resolved(explicit: Mapping[str, str] | None) -> Mapping[str, str]:
    """The credentials an audit uses: the ones given, or (None) the known variables from the environment."""
    return explicit if explicit is not None else credentials_from_env()


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port (the default one spelt out), the unit credentials are scoped to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or {"https": 443, "http": 80}.get(scheme)


def for_redirect(headers: Mapping[str, str] | None, source: str, target: str) -> dict[str, str] | None:
    """The headers to send to ``target`` after a redirect from ``source``: all of them within one
    origin, none of the credential headers across origins (another host, port or scheme)."""
    if not headers or origin(source) == origin(target):
        return dict(headers) if headers else headers  # type: ignore[return-value]
    return {name: value for name, value in headers.items() if name.lower() not in CREDENTIAL_HEADERS}


def carries_credentials(headers: Iterable[str], url: str) -> bool:
    """Whether a request with these header names, to this URL, carries a credential."""
    if any(name.lower() in CREDENTIAL_HEADERS for name in headers):
        return True
    return any(name.lower() in CREDENTIAL_PARAMETERS for name, _ in parse_qsl(urlsplit(url).query))
