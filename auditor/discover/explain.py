"""Why discovery rejected a link: one short reason a person can check, from the link's shape.

Takes a URL no platform took as a channel (and whether it is on the brand's own site);
gives the reason. The patterns are the share, intent and single-post forms listed in the
platform reference (share dialogs, intent links, posts, videos); everything else is a link
no installed platform recognises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

OWN_PAGE = "a page of the brand's own site (read for profiles, not a channel)"
THEME_DEMO = "a theme or CMS demo profile, not the brand's"
HUB_ON_HUB = "a link-in-bio hub listed on a hub (hubs are read one hop deep)"
SHARE = "a share or intent link, not a profile"
POST = "a single post, video or pin, not a profile"
UNKNOWN = "no installed platform recognises it as a channel"

SHARE_LINK = re.compile(
    r"/(intent|share|sharer|sharing|submit|dialog/(share|feed)|pin/create|shareArticle|authorize_interaction)\b"
    r"|sharer\.php|share\.php|^/send\b|/share/url", re.I)
SHARE_HOSTS = frozenset({"wa.me", "api.whatsapp.com", "connect.facebook.net"})
POST_LINK = re.compile(r"/(status|statuses|p|reel|reels|shorts|embed|pin|post|posts|comments|video)/|/watch\b", re.I)
POST_HOSTS = frozenset({"youtu.be", "redd.it"})


@dataclass(frozen=True, slots=True)
class Rejection:
    """A link discovery saw and did not take as a channel, where it was seen, and why."""

    url: str
    seen_on: str
    reason: str


def why_rejected(url: str, *, own: bool) -> str:
    """The reason a link that no platform recognised is not a channel."""
    if own:
        return OWN_PAGE
    try:
        parts = urlsplit(url)
    except ValueError:
        return UNKNOWN
    host = (parts.hostname or "").lower().removeprefix("www.")
    if host in SHARE_HOSTS or SHARE_LINK.search(parts.path):
        return SHARE
    if host in POST_HOSTS or POST_LINK.search(parts.path + "/"):
        return POST
    return UNKNOWN
