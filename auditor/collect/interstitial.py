"""Interstitials: the pages a platform shows instead of the one asked for (consent, cookie wall, robot
check, age gate, login wall).

Takes a fetched page; gives the kind of wall it is ("" when it is the page itself). A wall
is never a verdict: the channel behind it is neither broken nor gone, its activity is
unknown until it is read another way. Two readings:

* :func:`interstitial_of`, for an answer already known not to be the page asked for (an
  error code, or a feed URL that answered something that is no feed): the final host, a
  redirect to a wall's path, or a wall's markers anywhere in the first :data:`SCAN_BYTES`;
* :func:`wall_of`, for a 2xx answer that may well be the page itself, read strictly so that
  a page merely showing a cookie banner, a contact form's captcha or a login link is never
  taken for a wall: a redirect to a consent host or to a wall's path (``/over18``,
  ``/accounts/login``, ``/login``, ``/consent``…), a wall's ``<title>``, or a form that only
  posts to an age gate.
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
# Paths a site redirects to instead of the page asked for (read only when the answer was redirected there).
WALL_PATHS = (
    ("login wall", re.compile(r"^/(?:accounts/login|login(?:\.php)?|signin|sign-in|checkpoint|authwall)(?:/|$)", re.I)),
    ("age gate", re.compile(r"^/(?:over18|age[-_]?(?:gate|check|verification))(?:/|$)", re.I)),
    ("cookie wall", re.compile(r"^/(?:consent|cookie[-_]?(?:consent|wall|gate)|privacy[-_]?gate)(?:/|$)", re.I)),
)
# Titles of pages that are nothing but a wall (a page that is itself content never carries them).
WALL_TITLES = (
    ("robot check", re.compile(r"^(?:just a moment\.\.\.|attention required!? \| cloudflare|are you a robot\??"
                               r"|security check|verify you are human)$", re.I)),
    ("cookie wall", re.compile(r"^(?:before you continue(?: to .+)?|cookie consent|we value your privacy"
                               r"|your privacy choices?)$", re.I)),
    ("age gate", re.compile(r"(?:\bover 18\?|are you 18 or older|you must be (?:18|21)|^age verification$"
                            r"|^confirm your age$)", re.I)),
)
TITLE = re.compile(r"<title[^>]*>([^<]{0,300})</title>", re.I)
AGE_FORM = re.compile(r"<form[^>]+action=[\"'][^\"']*/over18\b", re.I)


def interstitial_of(fetched: Fetched) -> str:
    """The kind of wall ``fetched`` is: "consent", "robot check", "age gate", "cookie wall", "login wall", or ""."""
    sent_to = _redirected_wall(fetched)
    if sent_to:
        return sent_to
    head = fetched.body[:SCAN_BYTES].decode("utf-8", errors="replace")
    for kind, marker in MARKERS:
        if marker.search(head):
            return kind
    return _wall_page(head)


def wall_of(fetched: Fetched) -> str:
    """The kind of wall a 2xx answer is, read strictly (see the module's docstring); "" when it is the page."""
    return _redirected_wall(fetched) or _wall_page(fetched.body[:SCAN_BYTES].decode("utf-8", errors="replace"))


def _wall_page(head: str) -> str:
    """The wall a page is by its own ``<title>``, or by a form that only posts to an age gate ("": neither)."""
    title = TITLE.search(head)
    text = " ".join(title.group(1).split()) if title else ""
    for kind, marker in WALL_TITLES:
        if text and marker.search(text):
            return kind
    return "age gate" if AGE_FORM.search(head) else ""


def _redirected_wall(fetched: Fetched) -> str:
    """The wall the answer ended on, judged by its final URL: a consent host, or a wall's path redirected to."""
    final = urlsplit(fetched.final_url)
    host = (final.hostname or "").lower()
    if host in CONSENT_HOSTS or host.startswith("consent."):
        return "consent"
    if urlsplit(fetched.url).path.rstrip("/") == final.path.rstrip("/"):
        return ""  # the page asked for is this path: not a redirect to a wall
    return next((kind for kind, path in WALL_PATHS if path.match(final.path)), "")
