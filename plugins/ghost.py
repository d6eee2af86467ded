"""Ghost(Pro) sites on ``{site}.ghost.io`` (any path on the site names the site).

Activity is read from the site's RSS at ``/rss/``. Ghost sites on their own domains are
ordinary feeds: the web plugin recognises them by ``<meta name="generator" content="Ghost …">``
and probes ``/rss/`` when no feed is declared.
"""

from __future__ import annotations

import re

from ._hosted import HostedBlog, hosted_spec, subdomain_of

from auditor.plugin import hookimpl
from auditor.models import Channel
from auditor.plugin import Registry
from auditor.urls import Link, profile_at

NAME = re.compile(r"[a-z0-9][a-z0-9\-]{0,62}", re.IGNORECASE)
NOT_SITES = frozenset({"www", "account", "admin", "api", "status", "static", "cdn", "help", "docs"})


class GhostPlatform(HostedBlog):
    spec = hosted_spec("ghost", 'Ghost(Pro) sites on ghost.io, read through their RSS', "ghost.io")
    FEED_PATH = "/rss/"

    def recognise(self, url: str) -> Channel | None:
        link = Link.of(url)
        site = subdomain_of(link.host, "ghost.io") if link is not None else None
        if site is None or site.lower() in NOT_SITES or not NAME.fullmatch(site):
            return None
        site = site.lower()
        return Channel(platform=self.name, url=f"https://{site}.ghost.io/", kind=self.kind, handle=site)

    def profile_url(self, handle: str) -> str | None:
        return profile_at("https://{}.ghost.io/", handle, NAME, NOT_SITES)


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(GhostPlatform())
