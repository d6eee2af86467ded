"""X (Twitter) profiles: ``x.com/{handle}`` and ``twitter.com/{handle}``.

Recognition: the first path segment is the profile, so a post link
``x.com/{handle}/status/{id}`` found in a footer names the brand's profile (the post is
the brand's by construction there; a post quoted in an article body is only a ``low``
candidate, and embedded posts are skipped by discovery). Intent, share, hashtag, search,
``/i/`` and ``/home`` links are not profiles. ``twitter.com/#!/handle`` is read too.

Collection: with ``X_BEARER_TOKEN`` the API v2 answers: ``GET /2/users/by/username/{h}``
then ``GET /2/users/{id}/tweets?max_results=5&tweet.fields=created_at`` (newest post =
last activity; "Not Found Error" = not_found; a suspension = gone). Without a token X
serves a script app behind a login wall that answers 200 for every name, so the status is
``login_wall`` (or ``blocked`` when robots.txt forbids the profile), never a guess.
"""

from __future__ import annotations

import re
from typing import Any

from auditor.parse.feeds import parse_date
from auditor.fetch.client import Fetched
from auditor.plugin import Signal, hookimpl
from auditor.models import Activity, Channel, Evidence, Item, Status
from auditor.plugin import Context, latest, unreadable
from auditor.plugin import Registry
from auditor.urls import Link, profile_at
from auditor.collect.walled import WalledPlatform, walled_spec

HOSTS = frozenset({"x.com", "twitter.com"})
HANDLE = re.compile(r"[A-Za-z0-9_]{1,15}")
RESERVED = frozenset({
    "intent", "share", "hashtag", "search", "i", "home", "explore", "notifications", "messages", "settings",
    "login", "logout", "signup", "tos", "privacy", "about", "compose", "download", "jobs", "account", "oauth",
    "personalization", "rules", "help", "who_to_follow", "search-advanced", "en", "status", "statuses",
    "intent", "widgets", "privacy", "following", "followers",
})
API = "https://api.x.com/2"


class XPlatform(WalledPlatform):
    spec = walled_spec("x", 'X accounts: the API with a bearer token, else a login wall', 'x.com', 'twitter.com',
                       signals=(Signal.LAST_ACTIVITY, Signal.EXISTENCE), credentials=('X_BEARER_TOKEN',))
    label = "X"
    wall_reason = ("X shows posts only to signed-in users and its API needs a paid bearer token; set X_BEARER_TOKEN "
                   "to read the last posts")
    PROBE_EXPECTS = ("found", "absent")  # with a bearer token; without one both are "unknown" or "blocked"

    def recognise(self, url: str) -> Channel | None:
        link = Link.of(url)
        if link is None or link.host not in HOSTS:
            return None
        segments = link.segments
        if not segments and link.fragment.startswith("!/"):
            segments = tuple(s for s in link.fragment[2:].split("/") if s)
        if not segments:
            return None
        first = segments[0]
        if first.lower() in RESERVED or not HANDLE.fullmatch(first):
            return None
        handle = first.lower()
        return Channel(platform=self.name, url=f"https://x.com/{handle}", kind=self.kind, handle=handle)

    def profile_url(self, handle: str) -> str | None:
        return profile_at("https://x.com/{}", handle, HANDLE, RESERVED)

    async def collect(self, channel: Channel, context: Context) -> Activity:
        token = context.credentials.get("X_BEARER_TOKEN")
        if not token:
            return await super().collect(channel, context)
        return await self._from_api(channel, context, {"Authorization": f"Bearer {token}"})

    async def _from_api(self, channel: Channel, context: Context, headers: dict[str, str]) -> Activity:
        user_url = f"{API}/users/by/username/{channel.handle}"
        document = _api_object(channel, await context.get(user_url, headers=headers), user_url)
        if isinstance(document, Activity):
            return document
        user = document.get("data")
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            return _user_error(channel, user_url, document)
        evidence = [Evidence(user_url, "account exists", f"yes: X API user id {user['id']}")]
        tweets_url = f"{API}/users/{user['id']}/tweets?max_results=5&tweet.fields=created_at"
        timeline = _api_object(channel, await context.get(tweets_url, headers=headers), tweets_url)
        if isinstance(timeline, Activity):
            return timeline
        if timeline.get("errors") and not timeline.get("data"):
            detail = _first_error(timeline)
            return Activity(channel_url=channel.url, status=Status.LOGIN_WALL,
                            reason=f"the X API hides this account's posts: {detail}", evidence=tuple(evidence))
        posts = timeline.get("data") or []
        if not isinstance(posts, list):
            return unreadable(channel, f"{tweets_url}: 'data' is not a list")
        items = tuple(
            Item(url=f"https://x.com/{channel.handle}/status/{post['id']}", title=str(post.get("text", ""))[:120],
                 published=parse_date(str(post.get("created_at", ""))))
            for post in posts if isinstance(post, dict) and isinstance(post.get("id"), str)
        )
        newest, when = latest(items, context.as_of)
        source = Evidence(newest.url, "X API created_at", when.isoformat()) if newest and when else None
        reason = f"{len(items)} recent posts read from the X API" if items else "the X API returned no posts"
        return Activity(channel_url=channel.url, status=Status.OK, reason=reason, last_activity=when,
                        last_activity_source=source, items=items, title=str(user.get("name", "")),
                        evidence=tuple(evidence))


def _api_object(channel: Channel, fetched: Fetched, url: str) -> dict[str, Any] | Activity:
    """The JSON object the API answered at ``url``, or the Activity saying why there is none."""
    failure = _api_failure(channel, fetched)
    if failure is not None:
        return failure
    try:
        document = fetched.json()
    except ValueError:
        return unreadable(channel, f"{url} did not answer JSON")
    if not isinstance(document, dict):
        return unreadable(channel, f"{url} answered JSON of an unexpected shape")
    return document


def _first_error(document: dict) -> str:
    errors = document.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        return str(first.get("detail") or first.get("title") or first)
    return str(document.get("detail") or document.get("title") or "no detail")


def _user_error(channel: Channel, url: str, document: dict) -> Activity:
    errors = document.get("errors")
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    detail = str(first.get("detail") or first.get("title") or "")
    evidence = (Evidence(url, "X API error", detail),) if detail else ()
    if "suspended" in detail.lower():
        return Activity(channel_url=channel.url, status=Status.GONE, reason=f"the X API says: {detail}",
                        evidence=(*evidence, Evidence(url, "account exists", f"no: {detail}")))
    if first.get("title") == "Not Found Error":
        return Activity(channel_url=channel.url, status=Status.NOT_FOUND, reason=f"the X API says: {detail}",
                        evidence=(*evidence, Evidence(url, "account exists", f"no: {detail}")))
    return unreadable(channel, f"{url} answered without a user: {detail or 'no data and no error'}")


def _api_failure(channel: Channel, fetched: Fetched) -> Activity | None:
    if fetched.ok:
        return None
    if fetched.error:
        status = Status.BLOCKED if fetched.error_kind in ("robots", "refused") else Status.ERROR
        return Activity(channel_url=channel.url, status=status, reason=fetched.error)
    code = fetched.status
    if code in (401, 403):
        return Activity(channel_url=channel.url, status=Status.BLOCKED,
                        reason=f"the X API refused the bearer token (HTTP {code}); check X_BEARER_TOKEN and its plan")
    if code == 429:
        return unreadable(channel, "the X API kept rate-limiting us (HTTP 429) after retries")
    return unreadable(channel, f"the X API answered HTTP {code} for {fetched.final_url}")


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(XPlatform())
