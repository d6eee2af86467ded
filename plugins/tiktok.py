"""TikTok profiles: ``tiktok.com/@{user}`` (a video link ``/@{user}/video/{id}`` names its profile).

Collection asks TikTok's public oEmbed endpoint,
``https://www.tiktok.com/oembed?url=https://www.tiktok.com/@{user}``: 200 with an
``author_url`` means the account exists; 400 with ``"code":400`` means it does not (an API
answer, so ``not_found``). oEmbed carries no dates and the profile page is a script app
with captcha risk, so an existing account's activity is reported as hidden
(``login_wall``) with the reason.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from auditor.fetch.client import Fetched
from auditor.plugin import hookimpl
from auditor.models import Activity, Channel, Status
from auditor.plugin import Context
from auditor.plugin import Registry
from auditor.urls import profile_at
from auditor.collect.walled import Existence, WalledPlatform, at_profile, walled_spec

HOSTS = frozenset({"tiktok.com"})
USERNAME = re.compile(r"[A-Za-z0-9._]{2,24}")


def oembed_url(profile: str) -> str:
    return "https://www.tiktok.com/oembed?url=" + quote(profile, safe="")


class TikTokPlatform(WalledPlatform):
    spec = walled_spec("tiktok", 'TikTok accounts behind a login wall: existence through oEmbed', 'tiktok.com')
    label = "TikTok"
    wall_reason = ("TikTok shows no post dates without a login or its Research/Display API (oEmbed gives none), so "
                   "activity is unknown")

    def recognise(self, url: str) -> Channel | None:
        handle = at_profile(url, HOSTS, USERNAME)
        if handle is None:
            return None
        return Channel(platform=self.name, url=f"https://www.tiktok.com/@{handle}", kind=self.kind, handle=handle)

    def profile_url(self, handle: str) -> str | None:
        return profile_at("https://www.tiktok.com/@{}", handle, USERNAME)

    async def collect(self, channel: Channel, context: Context) -> Activity:
        url = oembed_url(channel.url)
        fetched = await context.get(url)
        seen = self._oembed(channel, fetched)
        evidence = seen.evidence(url)
        extra = (evidence,) if evidence is not None else ()
        if seen.exists is False:
            return Activity(channel_url=channel.url, status=Status.NOT_FOUND,
                            reason=f"TikTok's oEmbed says there is no such account ({seen.why})", evidence=extra,
                            exists=False)
        if fetched.error and fetched.error_kind in ("robots", "refused"):
            return Activity(channel_url=channel.url, status=Status.BLOCKED, reason=fetched.error)
        reason = self.wall_sentence(seen)
        if seen.exists is None:
            reason = f"TikTok's oEmbed gave no answer about the account ({fetched.describe()}); {self.wall_reason}"
        return Activity(channel_url=channel.url, status=Status.LOGIN_WALL, reason=reason, evidence=extra,
                        exists=seen.exists)

    def _oembed(self, channel: Channel, fetched: Fetched) -> Existence:
        if fetched.error:
            return Existence(None)
        try:
            document = fetched.json()
        except ValueError:
            return Existence(None)
        if not isinstance(document, dict):
            return Existence(None)
        author = str(document.get("author_url") or "")
        if fetched.status == 200 and author.lower().rstrip("/").endswith(f"/@{channel.handle}"):
            name = str(document.get("author_name") or "")
            return Existence(True, f"oEmbed answered 200 with author_url {author}" +
                             (f"; author_name {name}" if name else ""), from_api=True)
        if fetched.status == 400 and document.get("code") == 400:
            return Existence(False, f"oEmbed answered 400: {document.get('message', '')}".rstrip(": "),
                             from_api=True)
        return Existence(None)


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(TikTokPlatform())
