"""Tumblr blogs: ``{blog}.tumblr.com`` and ``tumblr.com/{blog}`` (post links name their blog).

Share, dashboard, search and tag pages, and Tumblr's asset and API hosts, are not blogs.
Activity is read from the blog's RSS, ``{blog}.tumblr.com/rss``; a missing blog answers 404.
"""

from __future__ import annotations

import re

from ._hosted import HostedBlog, hosted_spec, subdomain_of

from auditor.plugin import hookimpl
from auditor.models import Channel
from auditor.plugin import Registry
from auditor.urls import Link, profile_at

NAME = re.compile(r"[a-z0-9][a-z0-9\-]{0,31}", re.IGNORECASE)
NOT_BLOGS = frozenset({
    "www", "api", "assets", "media", "static", "share", "widgets", "dashboard", "explore", "tagged", "search",
    "login", "register", "settings", "likes", "following", "inbox", "privacy", "policy", "about", "help", "docs",
    "apps", "new", "oauth", "reblog", "tags", "communities", "changes", "logout", "embed", "developers", "safe-mode",
    "blog", "follow", "onboarding", "live", "shop", "tv", "abuse", "support", "business", "jobs", "press",
})


class TumblrPlatform(HostedBlog):
    spec = hosted_spec("tumblr", 'Tumblr blogs, read through their RSS', "tumblr.com")
    FEED_PATH = "/rss"

    def recognise(self, url: str) -> Channel | None:
        link = Link.of(url)
        if link is None:
            return None
        blog = subdomain_of(link.host, "tumblr.com")
        if blog is None and link.host == "tumblr.com" and link.segments:
            segments = list(link.segments)
            if segments[:2] == ["blog", "view"]:
                segments = segments[2:]
            elif segments[0] in ("blog", "follow"):
                segments = segments[1:]
            blog = segments[0] if segments else None
        if blog is None or blog.lower() in NOT_BLOGS or not NAME.fullmatch(blog):
            return None
        blog = blog.lower()
        return Channel(platform=self.name, url=f"https://{blog}.tumblr.com/", kind=self.kind, handle=blog)

    def profile_url(self, handle: str) -> str | None:
        return profile_at("https://{}.tumblr.com/", handle, NAME, NOT_BLOGS)


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(TumblrPlatform())
