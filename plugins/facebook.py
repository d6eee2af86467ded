"""Facebook Pages and profiles: ``facebook.com/{page}``, ``/profile.php?id=``, ``/people/{name}/{id}``.

Recognition rejects share and dialog links, ``/plugins/``, the ``/tr`` pixel, the
``connect.facebook.net`` SDK, groups, events and other non-profile paths. A post or photo
link under a page names that page. Numeric forms become ``/profile.php?id={id}``.

Collection: Facebook shows a login wall (HTTP 200) to visitors who are not signed in.
The page source of an existing profile carries ``__isProfile``; a missing one was seen
answering a bare ``<title>Facebook</title>``. Both are recorded as evidence; the status
is ``login_wall`` either way, because reading another Page's posts needs the Graph API
with Page Public Content Access.
"""

from __future__ import annotations

import re

from auditor.fetch.client import Fetched
from auditor.plugin import hookimpl
from auditor.models import Channel
from auditor.plugin import Registry
from auditor.urls import Link, profile_at
from auditor.collect.walled import UNKNOWN, Existence, WalledPlatform, title_of, walled_spec

HOSTS = frozenset({"facebook.com", "fb.com", "web.facebook.com"})
SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{1,79}")
NUMERIC = re.compile(r"[0-9]{5,20}")
NOT_PAGES = frozenset({
    "sharer", "sharer.php", "share.php", "share", "dialog", "plugins", "tr", "groups", "events", "login",
    "login.php", "logout.php", "watch", "hashtag", "photo.php", "photo", "photos", "story.php", "permalink.php",
    "privacy", "policies", "policy.php", "help", "business", "ads", "marketplace", "gaming", "home.php", "l.php",
    "settings", "search", "reg", "r.php", "signup", "recover", "legal", "terms", "about", "careers", "notes",
    "video.php", "videos", "reel", "reels", "stories", "fundraisers", "messages", "friends", "bookmarks",
    "developers", "pages", "people", "profile.php", "pg", "media", "v2.0", "v3.0", "embed", "connect", "tos",
})


class FacebookPlatform(WalledPlatform):
    spec = walled_spec("facebook", 'Facebook pages behind a login wall: existence only', 'facebook.com', 'fb.com')
    label = "Facebook"
    wall_reason = ("posts and their dates are hidden without signing in, and reading another Page's posts needs the "
                   "Graph API with Page Public Content Access")

    def recognise(self, url: str) -> Channel | None:
        link = Link.of(url)
        if link is None or link.host not in HOSTS:
            return None
        segments = link.segments
        if not segments:
            return None
        first = segments[0].lower()
        if first == "profile.php":
            ids = link.query.get("id", [])
            return self._numeric(ids[0]) if ids else None
        if first == "people" and len(segments) >= 3:
            return self._numeric(segments[2])
        if first == "pages" and len(segments) >= 3:
            return self._numeric(segments[-1]) if NUMERIC.fullmatch(segments[-1]) else None
        if first == "pg" and len(segments) >= 2:
            first = segments[1].lower()
        if first in NOT_PAGES or not SLUG.fullmatch(first) or first.endswith(".php"):
            return None
        if NUMERIC.fullmatch(first):
            return self._numeric(first)
        return Channel(platform=self.name, url=f"https://www.facebook.com/{first}", kind=self.kind, handle=first)

    def _numeric(self, text: str) -> Channel | None:
        if not NUMERIC.fullmatch(text):
            return None
        return Channel(platform=self.name, url=f"https://www.facebook.com/profile.php?id={text}", kind=self.kind,
                       handle=text)

    def profile_url(self, handle: str) -> str | None:
        return profile_at("https://www.facebook.com/{}", handle, SLUG, NOT_PAGES)

    def existence(self, channel: Channel, fetched: Fetched) -> Existence:
        html = fetched.text()
        if "__isProfile" in html:
            return Existence(True, "__isProfile in the page source")
        if title_of(html[:200_000]) == "Facebook":
            return Existence(False, "bare <title>Facebook</title> without __isProfile")
        return UNKNOWN


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(FacebookPlatform())
