"""Link-in-bio hubs (Linktree, Beacons, bio.link, Carrd, lnk.bio, Milkshake, Taplink): pages of channel links.

A hub is not a channel of its own: it has no activity, it lists the brand's channels.
This platform only recognises hub URLs (``linktr.ee/{name}``, ``beacons.ai/{name}``,
``bio.link/{name}``, ``{name}.carrd.co``, ``lnk.bio/{name}``, ``msha.ke/{name}``,
``taplink.cc/{name}``); discovery reads a recognised hub one hop deep and takes the channels
it links, each found through the hub (see :mod:`auditor.discover.hubs`). The vendors' own
pages (sign-up, help, legal) are not hubs; the title is the service's name. Collecting a hub (when a user names one as a
channel) only says whether it answers.
"""

from __future__ import annotations

import re

from auditor.models import Activity, Channel, Evidence, Status
from auditor.plugin import Context, Platform, PlatformSpec, Priority, Registry, failed, hookimpl
from auditor.urls import Link

KIND = "hub"
# Hosts whose first path segment is a hub's name, and hosts whose subdomain is.
PATH_HOSTS = {"linktr.ee": "Linktree", "beacons.ai": "Beacons", "bio.link": "bio.link", "lnk.bio": "lnk.bio",
              "msha.ke": "Milkshake", "taplink.cc": "Taplink"}
SUBDOMAIN_HOSTS = {"carrd.co": "Carrd", "mssg.me": "Milkshake"}
# The vendors' own pages, never a brand's hub.
RESERVED = frozenset({
    "", "s", "admin", "login", "log-in", "signin", "sign-in", "signup", "sign-up", "register", "join", "help",
    "about", "blog", "privacy", "terms", "legal", "cookies", "pricing", "features", "marketplace", "templates",
    "examples", "discover", "explore", "support", "contact", "careers", "press", "api", "app", "www", "i",
})
NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class LinkInBioPlatform(Platform):
    spec = PlatformSpec(
        name="linkinbio", kind=KIND, summary="link-in-bio hubs (Linktree, Beacons, ...): read for the channels they list",
        hosts=(*SUBDOMAIN_HOSTS, *PATH_HOSTS), priority=Priority.SPECIFIC, signals=()
    )

    def recognise(self, url: str) -> Channel | None:
        link = Link.of(url)
        if link is None:
            return None
        host = link.host.removeprefix("www.")
        for root in SUBDOMAIN_HOSTS:
            if host.endswith("." + root):
                name = host[: -len(root) - 1]
                if "." in name or name.lower() in RESERVED or link.segments:
                    return None
                return Channel(platform=self.name, url=f"https://{host}/", kind=KIND, handle=name,
                               title=SUBDOMAIN_HOSTS[root])
        if host not in PATH_HOSTS or len(link.segments) != 1:
            return None
        name = link.segments[0].lstrip("@")
        if name.lower() in RESERVED or not NAME.match(name):
            return None
        return Channel(platform=self.name, url=f"https://{host}/{name}", kind=KIND, handle=name,
                       title=PATH_HOSTS[host])

    async def collect(self, channel: Channel, context: Context) -> Activity:
        fetched = await context.get(channel.url)
        failure = failed(channel, fetched)
        if failure is not None:
            return failure
        return Activity(channel_url=channel.url, status=Status.OK,
                        reason=f"a {channel.title or 'link-in-bio'} hub: it has no activity of its own; "
                               "the channels it links are audited on their own",
                        evidence=(Evidence(fetched.final_url, "HTTP status", str(fetched.status)),))


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(LinkInBioPlatform())
