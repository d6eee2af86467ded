"""Threads profiles: ``threads.com/@{user}`` (``threads.net`` links are rewritten to threads.com).

Collection fetches the profile page. A page titled ``… (@user) • Threads`` shows the
account exists; ``Threads • Log in`` is the login wall; a missing account was seen
answering with a redirect away from the profile. All of it is evidence only: posts and
dates need the Threads API with the user's own OAuth, so the status is ``login_wall``.
"""

from __future__ import annotations

import re

from auditor.fetch.client import Fetched
from auditor.plugin import hookimpl
from auditor.models import Channel
from auditor.plugin import Registry
from auditor.urls import profile_at
from auditor.collect.walled import UNKNOWN, Existence, WalledPlatform, at_profile, title_of, walled_spec

HOSTS = frozenset({"threads.com", "threads.net"})
USERNAME = re.compile(r"[A-Za-z0-9._]{1,30}")


class ThreadsPlatform(WalledPlatform):
    spec = walled_spec("threads", 'Threads profiles behind a login wall: existence only', 'threads.net', 'threads.com')
    label = "Threads"
    wall_reason = "posts and their dates need a login or the Threads API with the account owner's OAuth"

    def recognise(self, url: str) -> Channel | None:
        handle = at_profile(url, HOSTS, USERNAME)
        if handle is None:
            return None
        return Channel(platform=self.name, url=f"https://www.threads.com/@{handle}", kind=self.kind, handle=handle)

    def profile_url(self, handle: str) -> str | None:
        return profile_at("https://www.threads.com/@{}", handle, USERNAME)

    def existence(self, channel: Channel, fetched: Fetched) -> Existence:
        if fetched.redirects and f"/@{channel.handle}" not in fetched.final_url.lower():
            if "login" in fetched.final_url.lower():
                return UNKNOWN
            return Existence(False, f"the profile redirected to {fetched.final_url}")
        title = title_of(fetched.text()[:200_000])
        if f"(@{channel.handle})" in title.lower():
            return Existence(True, f"page title {title!r}")
        return UNKNOWN


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(ThreadsPlatform())
