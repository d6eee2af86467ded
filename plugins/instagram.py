"""Instagram profiles: ``instagram.com/{username}/`` (``/p/``, ``/reel/``, ``/tv/`` are posts, not profiles).

Collection: Instagram answers 200 with a login wall. An existing profile's page names it
in ``<meta property="al:ios:url" content="instagram://user?username=…">``; a missing one
carries ``"routePath":null``. Both are recorded as evidence; the status is ``login_wall``,
since posts and dates need the Graph API (Business or Creator accounts only).
"""

from __future__ import annotations

import re

from auditor.fetch.client import Fetched
from auditor.plugin import hookimpl
from auditor.models import Channel
from auditor.plugin import Registry
from auditor.urls import Link, profile_at
from auditor.collect.walled import UNKNOWN, Existence, WalledPlatform, walled_spec

HOSTS = frozenset({"instagram.com", "instagr.am"})
USERNAME = re.compile(r"[A-Za-z0-9._]{1,30}")
NOT_PROFILES = frozenset({
    "p", "reel", "reels", "tv", "stories", "explore", "accounts", "direct", "about", "developer", "legal", "web",
    "static", "emails", "challenge", "graphql", "api", "share", "sharer", "privacy", "terms", "help", "login",
    "oauth", "press", "directory", "session", "nametag", "your_activity", "create", "ar",
})


class InstagramPlatform(WalledPlatform):
    spec = walled_spec("instagram", 'Instagram profiles behind a login wall: existence only', 'instagram.com')
    label = "Instagram"
    wall_reason = ("posts and their dates are hidden without signing in; the Graph API serves only Business and "
                   "Creator accounts that authorise it")

    def recognise(self, url: str) -> Channel | None:
        link = Link.of(url)
        if link is None or link.host not in HOSTS or not link.segments:
            return None
        first = link.segments[0]
        if first.lower() in NOT_PROFILES or not USERNAME.fullmatch(first) or first.strip(".") != first:
            return None
        handle = first.lower()
        return Channel(platform=self.name, url=f"https://www.instagram.com/{handle}/", kind=self.kind, handle=handle)

    def profile_url(self, handle: str) -> str | None:
        return profile_at("https://www.instagram.com/{}/", handle, USERNAME, NOT_PROFILES)

    def existence(self, channel: Channel, fetched: Fetched) -> Existence:
        html = fetched.text()
        if f"instagram://user?username={channel.handle}" in html.lower():
            return Existence(True, f"al:ios:url names instagram://user?username={channel.handle}")
        if '"routePath":null' in html:
            return Existence(False, '"routePath":null in the page source')
        return UNKNOWN


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(InstagramPlatform())
