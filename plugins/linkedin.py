"""LinkedIn: ``/company/{slug}``, ``/in/{id}``, ``/showcase/{slug}``, ``/school/{slug}``.

Recognition rejects share links (``/sharing/share-offsite``, ``/shareArticle``), single
posts, articles, groups, events and jobs. Country hosts (``uk.linkedin.com``) become www.

Collection: LinkedIn answers HTTP 999 ("Request denied") or an auth wall to non-browser
clients, and its API is partner-only, so neither activity nor existence can be seen: the
status is always ``login_wall`` (or ``blocked`` by robots.txt), never ``not_found``.
"""

from __future__ import annotations

import re

from auditor.plugin import hookimpl
from auditor.models import Channel
from auditor.plugin import Registry
from auditor.urls import Link, profile_at
from auditor.collect.walled import WalledPlatform, walled_spec

KINDS = ("company", "in", "showcase", "school")
SLUG = re.compile(r"[^/?#\s]{2,100}")


class LinkedInPlatform(WalledPlatform):
    spec = walled_spec("linkedin", 'LinkedIn pages behind a login wall: nothing can be read', 'linkedin.com',
                       signals=())
    label = "LinkedIn"
    wall_reason = "activity cannot be seen without the partner API, and LinkedIn does not say whether an account exists"
    PROBE_EXPECTS = ("unknown", "unknown")  # a 999 says nothing either way

    def recognise(self, url: str) -> Channel | None:
        link = Link.of(url)
        if link is None or not (link.host == "linkedin.com" or link.host.endswith(".linkedin.com")):
            return None
        if len(link.host.split(".")) > 3 or link.host.startswith(("api.", "static.", "media.", "platform.")):
            return None
        segments = link.segments
        if len(segments) < 2 or segments[0].lower() not in KINDS or not SLUG.fullmatch(segments[1]):
            return None
        kind, slug = segments[0].lower(), segments[1].lower()
        return Channel(platform=self.name, url=f"https://www.linkedin.com/{kind}/{slug}/", kind=self.kind,
                       handle=slug)

    def profile_url(self, handle: str) -> str | None:
        return profile_at("https://www.linkedin.com/company/{}/", handle,
                          re.compile(r"[a-z0-9][a-z0-9\-]{1,99}", re.IGNORECASE))


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(LinkedInPlatform())
