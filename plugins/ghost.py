"""Ghost(Pro) sites on ``{site}.ghost.io`` (any path on the site names the site).

Activity is read from the site's RSS at ``/rss/``. Ghost sites on their own domains are
ordinary feeds: the web plugin recognises them by ``<meta name="generator" content="Ghost …">``
and probes ``/rss/`` when no feed is declared.
"""

from __future__ import annotations

import re

from ._hosted import collect_via_feed, subdomain_of

from auditor.plugin import PlatformSpec, Priority, Signal, hookimpl
from auditor.models import Activity, Channel
from auditor.plugin import Context, Platform
from auditor.plugin import Registry
from auditor.urls import Link, handle_from

NAME = re.compile(r"[a-z0-9][a-z0-9\-]{0,62}", re.IGNORECASE)
NOT_SITES = frozenset({"www", "account", "admin", "api", "status", "static", "cdn", "help", "docs"})


class GhostPlatform(Platform):
    spec = PlatformSpec(
        name="ghost", kind="blog", summary='Ghost(Pro) sites on ghost.io, read through their RSS',
        hosts=('ghost.io',), priority=Priority.HOSTED_BLOG, signals=(Signal.LAST_ACTIVITY,)
    )
    KNOWN_PRESENT = "bigbrand"
    KNOWN_ABSENT = "nosuchbrand"
    PROBE_EXPECTS = ("found", "absent")

    def recognise(self, url: str) -> Channel | None:
        link = Link.of(url)
        site = subdomain_of(link.host, "ghost.io") if link is not None else None
        if site is None or site.lower() in NOT_SITES or not NAME.fullmatch(site):
            return None
        site = site.lower()
        return Channel(platform=self.name, url=f"https://{site}.ghost.io/", kind=self.kind, handle=site)

    def profile_url(self, handle: str) -> str | None:
        name = handle_from(handle, NAME)
        return None if name is None or name in NOT_SITES else f"https://{name}.ghost.io/"

    async def collect(self, channel: Channel, context: Context) -> Activity:
        return await collect_via_feed(channel, channel.url.rstrip("/") + "/rss/", context)


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(GhostPlatform())
