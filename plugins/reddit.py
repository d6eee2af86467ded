"""Reddit subreddits and user accounts: when they last posted, and (with OAuth) whether moderators answer.

Reddit closed its unauthenticated ``.json`` endpoints in May 2026: they answer 403 with
an HTML block page whatever the User-Agent. So, without credentials, this plugin reads
the Atom feeds, which still answer:

* ``https://www.reddit.com/r/{sub}/.rss`` and ``https://www.reddit.com/user/{name}/.rss``:
  last activity is the newest entry's ``published`` (``updated`` when missing). Who
  answers whom is not visible there, so no interactions are reported.

With ``REDDIT_CLIENT_ID`` and ``REDDIT_CLIENT_SECRET`` it asks for an application-only
token (``POST https://www.reddit.com/api/v1/access_token``, ``grant_type=client_credentials``,
HTTP Basic auth) and reads ``https://oauth.reddit.com``:

* subreddits: ``/r/{sub}/new`` (a ``Listing`` of ``t3`` posts with ``created_utc``,
  ``author``, ``num_comments``, ``distinguished``) and ``/r/{sub}/about/moderators``;
  each visitor post is an interaction (kind ``question``), answered by the first comment
  (``/comments/{id}``, the whole reply tree) from a moderator (in the list, or
  ``distinguished`` as moderator/admin). AutoModerator's comments are not answers;
* users: ``/user/{name}/about`` (``is_suspended`` means gone) and ``/user/{name}/overview``
  for the newest post or comment.

A 403 HTML block page is ``blocked`` with a reason, never ``gone``; 404 is ``not_found``.
The token request is a POST, which the shared fetcher does not make, so it goes through
the fetcher's client directly (same proxy, TLS and User-Agent settings).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import httpx

from auditor.fetch.client import Fetched
from auditor.plugin import PlatformSpec, Priority, Signal, hookimpl
from auditor.models import Activity, Channel, Evidence, Interaction, Item, Status
from auditor.plugin import Context, Platform, activity_from, failed, feed_of, json_of, latest, unreadable
from auditor.plugin import Registry
from auditor.urls import Link

WEB = "https://www.reddit.com"
OAUTH = "https://oauth.reddit.com"
TOKEN_URL = f"{WEB}/api/v1/access_token"
HOSTS = frozenset({"reddit.com", "www.reddit.com", "old.reddit.com", "new.reddit.com", "np.reddit.com",
                   "m.reddit.com", "sh.reddit.com"})
SUBREDDIT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{1,20}$")
USERNAME = re.compile(r"^[A-Za-z0-9_-]{3,20}$")
LISTING_VIEWS = frozenset({"new", "hot", "top", "rising", "controversial"})
PROFILE_VIEWS = frozenset({"overview", "submitted", "posts"})
MODERATOR_MARKS = frozenset({"moderator", "admin"})
NOT_ANSWERS = frozenset({"automoderator"})  # the subreddit's bot speaks for nobody
POSTS_READ = 5  # newest visitor posts whose comment trees are read


class RedditPlatform(Platform):
    spec = PlatformSpec(
        name="reddit", kind="social", summary='subreddits and users: Atom feed, or the API with credentials',
        hosts=('reddit.com',), priority=Priority.SPECIFIC, signals=(Signal.LAST_ACTIVITY, Signal.OWNER_REPLIES),
        credentials=('REDDIT_CLIENT_ID', 'REDDIT_CLIENT_SECRET')
    )

    def recognise(self, url: str) -> Channel | None:
        link = Link.of(url if "//" in url else f"https://{url}")
        if link is None or link.host not in HOSTS:
            return None
        segments = link.segments
        if len(segments) < 2:
            return None
        head, name, rest = segments[0].lower(), segments[1], [s.lower() for s in segments[2:]]
        if head == "r" and SUBREDDIT.match(name) and (not rest or (len(rest) == 1 and rest[0] in LISTING_VIEWS)):
            return Channel(platform=self.name, url=f"{WEB}/r/{name}/", kind=self.kind, handle=f"r/{name}")
        if head in ("user", "u") and USERNAME.match(name) and (
                not rest or (len(rest) == 1 and rest[0] in PROFILE_VIEWS)):
            return Channel(platform=self.name, url=f"{WEB}/user/{name}/", kind=self.kind, handle=f"u/{name}")
        return None

    async def collect(self, channel: Channel, context: Context) -> Activity:
        kind, name = _parse_handle(channel)
        if not name:
            return unreadable(channel, "not a subreddit or user URL")
        client_id = context.credentials.get("REDDIT_CLIENT_ID", "")
        secret = context.credentials.get("REDDIT_CLIENT_SECRET", "")
        notes: list[Evidence] = []
        if client_id and secret:
            token, problem = await _token(context, client_id, secret)
            if token:
                headers = {"Authorization": f"bearer {token}"}
                if kind == "r":
                    return await _collect_subreddit(channel, name, headers, context)
                return await _collect_user(channel, name, headers, context)
            notes.append(Evidence(TOKEN_URL, "OAuth token refused", problem))
        return await _collect_feed(channel, kind, name, context, notes)


def _parse_handle(channel: Channel) -> tuple[str, str]:
    kind, _, name = channel.handle.partition("/")
    if kind in ("r", "u") and name:
        return kind, name
    segments = [s for s in urlsplit(channel.url).path.split("/") if s]
    if len(segments) >= 2 and segments[0] in ("r", "user", "u"):
        return ("r" if segments[0] == "r" else "u"), segments[1]
    return "", ""


async def _token(context: Context, client_id: str, secret: str) -> tuple[str, str]:
    """An application-only bearer token, or ("", why not)."""
    try:
        response = await context.fetcher.client.post(
            TOKEN_URL, data={"grant_type": "client_credentials"}, auth=(client_id, secret),
            timeout=context.fetcher.settings.read_timeout)
    except httpx.HTTPError as exc:
        return "", f"the token request failed: {type(exc).__name__}: {exc}"
    try:
        data = response.json()
    except ValueError:
        data = None
    token = data.get("access_token") if isinstance(data, dict) else None
    if response.status_code == 200 and isinstance(token, str) and token:
        return token, ""
    detail = data.get("error") or data.get("message") if isinstance(data, dict) else ""
    return "", f"HTTP {response.status_code} from {TOKEN_URL}" + (f" ({detail})" if detail else "")


# -- without credentials: the Atom feeds ---------------------------------------------
async def _collect_feed(channel: Channel, kind: str, name: str, context: Context,
                        notes: list[Evidence]) -> Activity:
    feed_url = f"{WEB}/r/{name}/.rss" if kind == "r" else f"{WEB}/user/{name}/.rss"
    fetched = await context.get(feed_url)
    if not fetched.ok:
        return _failure(channel, fetched)
    feed = feed_of(channel, fetched)
    if isinstance(feed, Activity):
        return feed
    evidence = (*notes, Evidence(feed_url, "responsiveness not visible",
                                 "the feed does not show who replied; set REDDIT_CLIENT_ID and "
                                 "REDDIT_CLIENT_SECRET to read comments through the API"))
    reason = f"{len(feed.items)} entries in the Atom feed" if feed.items else "the feed has no entries"
    return activity_from(channel, feed.items, context.as_of, date_field=f"{feed.format} entry {feed.date_field}",
                         fallback_url=feed_url, reason=reason, title=feed.title, evidence=evidence)


# -- with credentials: the API -------------------------------------------------------
async def _collect_subreddit(channel: Channel, name: str, headers: dict[str, str], context: Context) -> Activity:
    listing_url = f"{OAUTH}/r/{name}/new?limit=25&raw_json=1"
    fetched = await context.get(listing_url, headers=headers)
    if not fetched.ok:
        return _failure(channel, fetched)
    posts = _children(fetched, "t3")
    if posts is None:
        return _junk(channel, fetched, "a Listing of posts")
    moderators = await _moderators(name, headers, context)
    items = tuple(_post_item(p) for p in posts)
    newest, when = latest(items, context.as_of)
    source = Evidence(newest.url, "post created_utc", when.isoformat()) if newest and when else None

    interactions: list[Interaction] = []
    evidence: list[Evidence] = []
    visitor_posts = [p for p in posts if not _speaks_for_sub(p, moderators)]
    read = 0
    for post in visitor_posts:
        at = _utc(post.get("created_utc"))
        if at is None:
            continue
        url = _permalink(post)
        replied: datetime | None = None
        if isinstance(post.get("num_comments"), int) and post["num_comments"] > 0:
            if read >= POSTS_READ:
                evidence.append(Evidence(url, "responsiveness incomplete", "comments not read (limit)"))
                continue
            read += 1
            thread = await context.get(f"{OAUTH}/comments/{post.get('id')}?limit=100&sort=old&raw_json=1",
                                               headers=headers)
            comments = _thread_comments(thread)
            if comments is None:
                evidence.append(Evidence(url, "responsiveness incomplete", thread.describe()))
                continue
            times = [t for c in comments if _speaks_for_sub(c, moderators) and (t := _utc(c.get("created_utc")))]
            replied = min(times) if times else None
        interactions.append(Interaction(url=url, author=str(post.get("author", "")), at=at, parent=channel.url,
                                        owner_replied_at=replied, kind="question"))
    evidence.append(Evidence(f"{OAUTH}/r/{name}/about/moderators", "moderators", ", ".join(sorted(moderators))))
    return Activity(channel_url=channel.url, status=Status.OK,
                    reason=f"{len(posts)} newest posts read through the API; {len(interactions)} from visitors",
                    last_activity=when, last_activity_source=source, items=items,
                    interactions=tuple(interactions), evidence=tuple(evidence))


async def _collect_user(channel: Channel, name: str, headers: dict[str, str], context: Context) -> Activity:
    about_url = f"{OAUTH}/user/{name}/about?raw_json=1"
    fetched = await context.get(about_url, headers=headers)
    if not fetched.ok:
        return _failure(channel, fetched)
    about = json_of(fetched)
    data = about.get("data") if about else None
    if not isinstance(data, dict):
        return _junk(channel, fetched, "an account")
    if data.get("is_suspended"):
        return Activity(channel_url=channel.url, status=Status.GONE, reason=f"u/{name} is suspended",
                        evidence=(Evidence(about_url, "is_suspended", "true"),))
    overview_url = f"{OAUTH}/user/{name}/overview?limit=25&raw_json=1"
    fetched = await context.get(overview_url, headers=headers)
    things = _children(fetched, "t1", "t3") if fetched.ok else None
    if things is None:
        return _failure(channel, fetched) if not fetched.ok else _junk(channel, fetched, "a Listing")
    items = tuple(_post_item(t) for t in things)
    newest, when = latest(items, context.as_of)
    source = Evidence(newest.url, "created_utc", when.isoformat()) if newest and when else None
    created = _utc(data.get("created_utc"))
    return Activity(channel_url=channel.url, status=Status.OK,
                    reason=f"{len(things)} newest posts and comments read through the API",
                    last_activity=when, last_activity_source=source, items=items,
                    evidence=(Evidence(about_url, "created_utc", created.isoformat() if created else ""),))


async def _moderators(name: str, headers: dict[str, str], context: Context) -> frozenset[str]:
    fetched = await context.get(f"{OAUTH}/r/{name}/about/moderators?raw_json=1", headers=headers)
    data = json_of(fetched) if fetched.ok else None
    children = (data.get("data") or {}).get("children") if data else None
    if not isinstance(children, list):
        return frozenset()
    return frozenset(str(c.get("name", "")).lower() for c in children
                     if isinstance(c, dict) and c.get("name")) - NOT_ANSWERS


def _speaks_for_sub(thing: dict[str, Any], moderators: frozenset[str]) -> bool:
    author = str(thing.get("author", "")).lower()
    if author in NOT_ANSWERS:
        return False
    return thing.get("distinguished") in MODERATOR_MARKS or author in moderators


def _thread_comments(fetched: Fetched) -> list[dict[str, Any]] | None:
    """Every comment in a ``/comments/{id}`` answer (``[post listing, comment listing]``), replies included."""
    if not fetched.ok:
        return None
    try:
        data = fetched.json()
    except ValueError:
        return None
    if not isinstance(data, list) or len(data) < 2 or not isinstance(data[1], dict):
        return None
    found: list[dict[str, Any]] = []
    pending = [data[1]]
    while pending:
        listing = pending.pop()
        children = (listing.get("data") or {}).get("children") if isinstance(listing, dict) else None
        for child in children if isinstance(children, list) else []:
            if isinstance(child, dict) and child.get("kind") == "t1" and isinstance(child.get("data"), dict):
                found.append(child["data"])
                if isinstance(child["data"].get("replies"), dict):
                    pending.append(child["data"]["replies"])
    return found


def _children(fetched: Fetched, *kinds: str) -> list[dict[str, Any]] | None:
    data = json_of(fetched)
    listing = data.get("data") if data else None
    children = listing.get("children") if isinstance(listing, dict) else None
    if not isinstance(children, list):
        return None
    return [c["data"] for c in children
            if isinstance(c, dict) and c.get("kind") in kinds and isinstance(c.get("data"), dict)]


def _post_item(thing: dict[str, Any]) -> Item:
    return Item(url=_permalink(thing), title=str(thing.get("title") or thing.get("link_title") or ""),
                published=_utc(thing.get("created_utc")))


def _permalink(thing: dict[str, Any]) -> str:
    link = thing.get("permalink")
    return f"{WEB}{link}" if isinstance(link, str) and link.startswith("/") else WEB


def _utc(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(value, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _failure(channel: Channel, fetched: Fetched) -> Activity:
    """404 is not_found; Reddit's 403 HTML block page is blocked (never gone); a private subreddit says so."""
    data = json_of(fetched)
    if fetched.status == 403 and data is not None and data.get("reason") == "private":
        return Activity(channel_url=channel.url, status=Status.LOGIN_WALL,
                        reason=f"{fetched.final_url}: the subreddit is private")
    if fetched.status == 403 and "html" in fetched.content_type:
        return Activity(channel_url=channel.url, status=Status.BLOCKED,
                        reason=f"{fetched.final_url} answered Reddit's 403 block page (it has closed unauthenticated "
                               "access); set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET to use the API")
    failure = failed(channel, fetched)
    assert failure is not None
    return failure


def _junk(channel: Channel, fetched: Fetched, wanted: str) -> Activity:
    return Activity(channel_url=channel.url, status=Status.ERROR,
                    reason=f"{fetched.final_url} did not answer with {wanted}")


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(RedditPlatform())
