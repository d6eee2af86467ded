"""Interstitials: the pages a platform shows instead of the one asked for (consent, cookie wall, robot check, age gate).

Takes a fetched page; gives the kind of wall it is ("" when it is the page itself). A wall
is never a verdict: the channel behind it is neither broken nor gone, its activity is
unknown until it is read another way. Markers are read from the final host and the first
:data:`SCAN_BYTES` of the body.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from auditor.fetch.client import Fetched

SCAN_BYTES = 64 * 1024
CONSENT_HOSTS = ("consent.youtube.com", "consent.google.com")
MARKERS = (
    ("robot check", re.compile(r"are you a robot|unusual traffic from your computer|verify you are human"
                               r"|<title>\s*just a moment\.\.\.|cf-challenge|captcha-delivery|g-recaptcha", re.I)),
    ("age gate", re.compile(r"confirm your age|age verification|you must be (?:18|21)|verify your age", re.I)),
    ("cookie wall", re.compile(r"before you continue to|accept (?:all )?cookies to continue|cookiewall"
                               r"|consent-wall", re.I)),
)


def interstitial_of(fetched: Fetched) -> str:
    """The kind of wall ``fetched`` is: "consent", "robot check", "age gate", "cookie wall", or ""."""
    host = (urlsplit(fetched.final_url).hostname or "").lower()
    if host in CONSENT_HOSTS or host.startswith("consent."):
        return "consent"
    head = fetched.body[:SCAN_BYTES].decode("utf-8", errors="replace")
    for kind, marker in MARKERS:
        if marker.search(head):
            return kind
    return ""
