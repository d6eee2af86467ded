"""Medium: ``medium.com/@{user}``, ``{user}.medium.com`` and publications ``medium.com/{pub}``.

A story link names its author or publication; ``medium.com/p/{id}`` (an id only), tags,
search and Medium's own pages are not channels. Activity is read from Medium's RSS:
``medium.com/feed/@{user}``, ``medium.com/feed/{pub}`` or ``{user}.medium.com/feed`` (the
latest ten or so stories). A missing account's feed answers 404.
"""

from __future__ import annotations

import re

from ._hosted import HostedBlog, hosted_spec, subdomain_of

from auditor.plugin import hookimpl
from auditor.models import Channel
from auditor.plugin import Registry
from auditor.urls import Link, profile_at

NAME = re.compile(r"[A-Za-z0-9_.\-]{1,60}")
NOT_PUBLICATIONS = frozenset({
    "p", "m", "tag", "tags", "topic", "topics", "search", "plans", "membership", "about", "me", "new-story",
    "creators", "policy", "hc", "signin", "login", "_", "gift", "feed", "jobs-at-medium", "business", "partner",
    "verified-authors", "sitemap", "followers", "following", "lists", "explore-topics", "media", "s", "r",
})
NOT_USER_HOSTS = frozenset({"www", "help", "policy", "link", "cdn-images-1", "miro", "cdn", "api", "events", "status"})


class MediumPlatform(HostedBlog):
    spec = hosted_spec("medium", 'Medium publications and authors, read through their feeds', "medium.com")

    def recognise(self, url: str) -> Channel | None:
        link = Link.of(url)
        if link is None:
            return None
        user_host = subdomain_of(link.host, "medium.com")
        if user_host is not None:
            if user_host in NOT_USER_HOSTS or not NAME.fullmatch(user_host):
                return None
            user = user_host.lower()
            return Channel(platform=self.name, url=f"https://{user}.medium.com/", kind=self.kind, handle=user)
        if link.host != "medium.com" or not link.segments:
            return None
        segments = list(link.segments)
        if segments[0] == "feed":
            segments = segments[1:]
            if not segments:
                return None
        first = segments[0]
        if first.startswith("@"):
            user = first[1:].lower()
            if not NAME.fullmatch(user):
                return None
            return Channel(platform=self.name, url=f"https://medium.com/@{user}", kind=self.kind, handle=user)
        if first.lower() in NOT_PUBLICATIONS or not NAME.fullmatch(first):
            return None
        publication = first.lower()
        return Channel(platform=self.name, url=f"https://medium.com/{publication}", kind=self.kind,
                       handle=publication)

    def profile_url(self, handle: str) -> str | None:
        return profile_at("https://medium.com/@{}", handle, NAME)

    def feed_url(self, channel: Channel) -> str:
        if channel.url.startswith("https://medium.com/"):
            return "https://medium.com/feed/" + channel.url.removeprefix("https://medium.com/")
        return channel.url.rstrip("/") + "/feed"


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(MediumPlatform())
