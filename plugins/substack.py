"""Substack publications (``{pub}.substack.com``) and people (``substack.com/@{handle}``).

A post link (``{pub}.substack.com/p/…``, ``open.substack.com/pub/{pub}/p/…``) names its
publication. A publication's activity is read from its ``/feed``. A person's page has no
feed (their posts live in their publications) and Substack's reading API is undocumented
and its terms forbid scraping, so a person reports ``ok`` with no activity date and says why.
Custom-domain publications are ordinary feeds to the web plugin.
"""

from __future__ import annotations

import re

from ._hosted import HostedBlog, hosted_spec, subdomain_of

from auditor.plugin import hookimpl
from auditor.models import Activity, Channel, Status
from auditor.plugin import Context
from auditor.plugin import Registry
from auditor.urls import Link, profile_at

NAME = re.compile(r"[a-z0-9][a-z0-9\-]{0,62}", re.IGNORECASE)
NOT_PUBLICATIONS = frozenset({"www", "api", "cdn", "open", "on", "reader", "support", "help", "blog-cdn", "email",
                              "substackcdn", "status", "jobs"})


class SubstackPlatform(HostedBlog):
    spec = hosted_spec("substack", 'Substack newsletters, read through their feeds', "substack.com")
    FEED_PATH = "/feed"

    def recognise(self, url: str) -> Channel | None:
        link = Link.of(url)
        if link is None:
            return None
        publication = subdomain_of(link.host, "substack.com")
        if publication == "open" and len(link.segments) >= 2 and link.segments[0] == "pub":
            publication = link.segments[1]
        elif publication in NOT_PUBLICATIONS:
            return None
        if publication is not None:
            return self._publication(publication)
        if link.host == "substack.com" and link.segments and link.segments[0].startswith("@"):
            person = link.segments[0][1:].lower()
            if NAME.fullmatch(person):
                return Channel(platform=self.name, url=f"https://substack.com/@{person}", kind="social", handle=person)
        return None

    def _publication(self, name: str) -> Channel | None:
        if not NAME.fullmatch(name):
            return None
        name = name.lower()
        return Channel(platform=self.name, url=f"https://{name}.substack.com/", kind=self.kind, handle=name)

    def profile_url(self, handle: str) -> str | None:
        return profile_at("https://{}.substack.com/", handle, NAME, NOT_PUBLICATIONS)

    async def collect(self, channel: Channel, context: Context) -> Activity:
        if channel.url.startswith("https://substack.com/@"):
            return Activity(channel_url=channel.url, status=Status.OK,
                            reason="a Substack person's page has no feed; their posts are dated in their "
                                   "publications, which are audited when linked")
        return await super().collect(channel, context)


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(SubstackPlatform())
