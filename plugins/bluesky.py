"""Bluesky profiles: when the account last posted, and whether it answers replies.

Reads the public AppView (``https://public.api.bsky.app/xrpc/``), without authentication:

* ``com.atproto.identity.resolveHandle?handle=`` turns a handle (``acme.bsky.social`` or
  a custom domain) into the account's DID; a DID in the URL is used as is;
* ``app.bsky.actor.getProfile?actor={did}``: the profile, or one of three HTTP 400
  errors told apart: ``Profile not found`` (not_found), ``AccountTakedown`` (gone:
  suspended), ``AccountDeactivated`` (gone: deactivated by its owner);
* ``app.bsky.feed.getAuthorFeed?actor={did}&limit=50&filter=posts_with_replies``: every
  public act counts, and each item says which it is: a post (``post``), a reply to another
  account (``reply``: ``record.reply`` under someone else's post) or a repost (``repost``:
  ``reason`` is ``reasonRepost``, dated by its ``indexedAt``). The newest act is the last
  activity and its kind ``last_activity_kind``. The pinned post (``reasonPin``, or the
  profile's ``pinnedPost``) is never the newest. When a page holds no dated act, the
  ``cursor`` is followed, up to :data:`FEED_PAGES` pages, and the evidence says how far.
  A post's time is its client-set ``record.createdAt`` unless the server's ``indexedAt``
  disagrees by more than a day (a backdated or mis-clocked post): then ``indexedAt``, and
  the evidence says so;
* a profile named by its DID whose handle no longer points back at it (the AppView shows
  ``handle.invalid``) has moved when the handle of its DID document (``alsoKnownAs`` at
  ``https://plc.directory/{did}``) now resolves to another DID: ``moved_to`` names that
  account, which collection then audits;
* ``app.bsky.feed.getPostThread?uri=...&depth=6`` for the five most recent own posts with
  replies: a reply by another DID to one of the account's posts is an interaction,
  answered at the first reply by the account's DID under it. The account's own replies
  found there also count as activity (the author feed leaves out replies to others).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from auditor.parse.feeds import parse_date
from auditor.fetch.client import Fetched
from auditor.plugin import PlatformSpec, Priority, Signal, hookimpl
from auditor.parse.jsonshape import Unreadable, json_object, string
from auditor.models import Activity, Channel, Evidence, Interaction, Item, Status
from auditor.plugin import FUTURE_TOLERANCE, Context, Platform, status_of_failure, unreadable
from auditor.plugin import Registry
from auditor.urls import Link

APPVIEW = "https://public.api.bsky.app/xrpc"
FEED_LIMIT = 50
FEED_PAGES = 3  # author-feed pages read at most, when the first holds no dated act
PLC = "https://plc.directory"
INVALID_HANDLE = "handle.invalid"
THREADS_READ = 5
THREAD_DEPTH = 6
CLOCK_SKEW = timedelta(days=1)  # createdAt and indexedAt further apart than this: trust indexedAt

HANDLE = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$")
DID = re.compile(r"^did:(?:plc:[a-z2-7]{24}|web:[a-z0-9.:%-]+)$")


@dataclass(frozen=True, slots=True)
class PostTime:
    at: datetime
    field: str  # "record.createdAt" or "indexedAt"
    note: str = ""  # why indexedAt was preferred, when it was


def _q(value: str) -> str:
    return quote(value, safe="")


class BlueskyPlatform(Platform):
    spec = PlatformSpec(
        name="bluesky", kind="social", summary='Bluesky accounts, read through the public AppView API',
        hosts=('bsky.app',), priority=Priority.SPECIFIC, signals=(Signal.LAST_ACTIVITY, Signal.OWNER_REPLIES)
    )

    def recognise(self, url: str) -> Channel | None:
        link = Link.of(url)
        if link is None or link.host != "bsky.app":
            return None
        segments = link.segments
        if len(segments) != 2 or segments[0] != "profile":  # /intent/compose, /profile/x/post/rkey, ...
            return None
        actor = segments[1].lstrip("@")
        actor = actor if actor.startswith("did:") else actor.lower()
        if not (HANDLE.match(actor) or DID.match(actor)):
            return None
        return Channel(platform=self.name, url=f"https://bsky.app/profile/{actor}", kind=self.kind, handle=actor)

    async def collect(self, channel: Channel, context: Context) -> Activity:
        actor = channel.handle or urlsplit(channel.url).path.rstrip("/").split("/")[-1]
        evidence: list[Evidence] = []
        try:
            if actor.startswith("did:"):
                did = actor
            else:
                url = f"{APPVIEW}/com.atproto.identity.resolveHandle?handle={_q(actor)}"
                fetched = await context.get(url)
                failure = _failure(channel, fetched, actor)
                if failure is not None:
                    return failure
                did = string(json_object(fetched, "an XRPC answer").get("did"))
                if not did.startswith("did:"):
                    raise Unreadable(f"{url} answered no DID for {actor}")
                evidence.append(Evidence(url, "did", did))
            profile_url = f"{APPVIEW}/app.bsky.actor.getProfile?actor={_q(did)}"
            fetched = await context.get(profile_url)
            failure = _failure(channel, fetched, actor)
            if failure is not None:
                return failure
            profile = json_object(fetched, "an XRPC answer")
            return await self._collect_profile(channel, context, did, profile, profile_url, evidence)
        except Unreadable as exc:
            return unreadable(channel, str(exc), evidence=tuple(evidence))

    async def _collect_profile(self, channel: Channel, context: Context, did: str, profile: dict[str, Any],
                               profile_url: str, evidence: list[Evidence]) -> Activity:
        handle = string(profile.get("handle")) or channel.handle
        title = string(profile.get("displayName")) or handle
        evidence.append(Evidence(profile_url, "postsCount", string(profile.get("postsCount"))))
        moved_to = ""
        if handle == INVALID_HANDLE:
            moved_to = await _moved_to(did, context, evidence)
        pinned_uri = string(_dict(profile.get("pinnedPost")).get("uri"))
        feed_url = (f"{APPVIEW}/app.bsky.feed.getAuthorFeed?actor={_q(did)}&limit={FEED_LIMIT}"
                    "&filter=posts_with_replies")
        entries, pages, failure = await _read_feed(channel, feed_url, did, handle, context)
        if failure is not None:
            return failure
        if pages > 1:
            evidence.append(Evidence(feed_url, "pages of the author feed read",
                                     f"{pages} (the first held no dated act but the pinned post)"))
        acts = [a for a in (_act(e, did, handle, pinned_uri) for e in entries) if a is not None]
        dated = [(post, t) for post, t, kind, _ in acts if kind != "repost"]  # its own posts, for the threads
        items = tuple(item for _, _, _, item in acts)
        limit = context.as_of + FUTURE_TOLERANCE
        candidates: list[tuple[datetime, Evidence, str]] = []
        for post, t, kind, item in acts:
            if t is not None and t.at <= limit and not item.pinned:
                field = KIND_FIELD[kind].format(t.field) + (" (record.createdAt is over a day off)" if t.note else "")
                candidates.append((t.at, Evidence(item.url, field, t.at.isoformat()), kind))
        reasons = [_count(items)]
        for post, t in dated:
            if t is not None and t.note:
                evidence.append(Evidence(_post_url(post, handle), "indexedAt used", t.note))

        interactions, owner_replies, read = await _interactions(did, handle, dated, context)
        evidence.extend(Evidence(url, "thread read for replies", uri) for url, uri in read)
        for at, url in owner_replies:
            if at <= limit:
                candidates.append((at, Evidence(url, "newest own reply in a thread",
                                                at.isoformat()), "reply"))
        when, source, kind = max(candidates, key=lambda c: c[0]) if candidates else (None, None, "")
        if when is None:
            reasons.append("no dated post found")
        return Activity(channel_url=channel.url, status=Status.OK, reason="; ".join(reasons), last_activity=when,
                        last_activity_source=source, items=items, interactions=interactions, title=title,
                        evidence=tuple(evidence), moved_to=moved_to, last_activity_kind=kind)


KIND_FIELD = {"post": "newest own post {}", "reply": "newest own reply {}", "repost": "newest repost {}"}


async def _read_feed(channel: Channel, feed_url: str, did: str, handle: str,
                     context: Context) -> tuple[list[dict[str, Any]], int, Activity | None]:
    """The author feed's entries, the pages read, and the Activity when the first page failed.

    The ``cursor`` is followed only while no page so far holds a dated act other than the pin.
    """
    entries: list[dict[str, Any]] = []
    url, pages = feed_url, 0
    while url and pages < FEED_PAGES:
        fetched = await context.get(url)
        if not fetched.ok:
            return entries, pages, (_failure(channel, fetched, handle) if pages == 0 else None)
        answer = json_object(fetched, "an XRPC answer")
        page = answer.get("feed")
        if not isinstance(page, list):
            raise Unreadable(f"{url} answered JSON without a feed list")
        pages += 1
        entries += [e for e in page if isinstance(e, dict) and isinstance(e.get("post"), dict)]
        if any(_act(e, did, handle, "") is not None and _dict(e.get("reason")).get("$type") != PIN
               for e in entries):
            break
        cursor = string(answer.get("cursor"))
        url = f"{feed_url}&cursor={_q(cursor)}" if cursor else ""
    return entries, pages, None


PIN = "app.bsky.feed.defs#reasonPin"
REPOST = "app.bsky.feed.defs#reasonRepost"


def _act(entry: dict[str, Any], did: str, handle: str,
         pinned_uri: str) -> tuple[dict[str, Any], PostTime | None, str, Item] | None:
    """One feed entry as the account's act (its post, reply or repost, with its time and item), or None."""
    post = entry["post"]
    reason = _dict(entry.get("reason"))
    if reason.get("$type") == REPOST:
        if _author(_dict(reason.get("by"))) != did and string(_dict(reason.get("by")).get("did")) != did:
            return None
        at = parse_date(string(reason.get("indexedAt")))
        when = PostTime(at, "reasonRepost.indexedAt") if at else None
        return post, when, "repost", Item(url=_post_url(post, handle), title=_text(post), published=at, kind="repost")
    if _author(post) != did:
        return None
    pinned = reason.get("$type") == PIN or (bool(pinned_uri) and string(post.get("uri")) == pinned_uri)
    reply = _dict(_record(post).get("reply"))
    parent = string(_dict(reply.get("parent")).get("uri"))
    kind = "reply" if parent and not parent.startswith(f"at://{did}/") else "post"
    t = _post_time(post)
    return post, t, kind, Item(url=_post_url(post, handle), title=_text(post), published=t.at if t else None,
                               kind=kind, pinned=pinned)


def _count(items: tuple[Item, ...]) -> str:
    counts = {kind: sum(1 for i in items if i.kind == kind) for kind in ("post", "repost", "reply")}
    extra = [f"{n} {word}" for kind, word in (("repost", "reposts"), ("reply", "replies to others"))
             if (n := counts[kind])]
    return f"{counts['post']} own posts read" + (f" (and {', '.join(extra)})" if extra else "")


async def _moved_to(did: str, context: Context, evidence: list[Evidence]) -> str:
    """The profile its DID's handle now belongs to, when that is another account ("" when it is not)."""
    if not did.startswith("did:plc:"):
        return ""
    document_url = f"{PLC}/{did}"
    fetched = await context.get(document_url)
    try:
        document = json_object(fetched, "a DID document") if fetched.ok else {}
    except Unreadable:
        return ""
    names = document.get("alsoKnownAs")
    handles = [n[len("at://"):] for n in names if isinstance(n, str) and n.startswith("at://")] \
        if isinstance(names, list) else []
    for handle in handles[:1]:
        url = f"{APPVIEW}/com.atproto.identity.resolveHandle?handle={_q(handle)}"
        answer = await context.get(url)
        try:
            other = string(json_object(answer, "an XRPC answer").get("did")) if answer.ok else ""
        except Unreadable:
            return ""
        if other.startswith("did:") and other != did:
            evidence.append(Evidence(document_url, "alsoKnownAs", f"at://{handle}"))
            evidence.append(Evidence(url, "did (another account now holds the handle)", other))
            return f"https://bsky.app/profile/{handle}"
    return ""


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


# -- reading answers -----------------------------------------------------------------------

def _failure(channel: Channel, fetched: Fetched, who: str) -> Activity | None:
    """The Activity for an XRPC call that did not answer 2xx, or None when it did."""
    if fetched.ok:
        return None
    error, message = _xrpc_error(fetched)
    where = fetched.final_url
    said = Evidence(where, "error", f"{error}: {message}" if message else error)
    if error == "AccountTakedown":
        return Activity(channel_url=channel.url, status=Status.GONE, evidence=(said,),
                        reason=f"Bluesky says {who} has been taken down (suspended): {message or error}")
    if error == "AccountDeactivated":
        return Activity(channel_url=channel.url, status=Status.GONE, evidence=(said,),
                        reason=f"{who} has been deactivated by its owner ({message or error})")
    if message == "Profile not found" or error == "HandleNotFound" or message == "Unable to resolve handle":
        return Activity(channel_url=channel.url, status=Status.NOT_FOUND, evidence=(said,),
                        reason=f"Bluesky has no account {who} ({message or error})")
    if error in ("BlockedActor", "BlockedByActor"):
        return Activity(channel_url=channel.url, status=Status.BLOCKED, evidence=(said,),
                        reason=f"{who}'s posts are not shown to us ({error})")
    if error:
        return Activity(channel_url=channel.url, status=Status.ERROR, evidence=(said,),
                        reason=f"{where} answered HTTP {fetched.status} {error}: {message}")
    outcome = status_of_failure(fetched)
    status, reason = outcome if outcome is not None else (Status.ERROR, fetched.describe())
    return Activity(channel_url=channel.url, status=status, reason=reason)


def _xrpc_error(fetched: Fetched) -> tuple[str, str]:
    try:
        body = fetched.json()
    except ValueError:
        return "", ""
    if not isinstance(body, dict):
        return "", ""
    return string(body.get("error")), string(body.get("message"))


def _author(post: dict[str, Any]) -> str:
    author = post.get("author")
    return string(author.get("did")) if isinstance(author, dict) else ""


def _record(post: dict[str, Any]) -> dict[str, Any]:
    record = post.get("record")
    return record if isinstance(record, dict) else {}


def _text(post: dict[str, Any], length: int = 80) -> str:
    text = " ".join(string(_record(post).get("text")).split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _post_time(post: dict[str, Any]) -> PostTime | None:
    """When a post was made: the client's createdAt, unless the server's indexedAt disagrees by over a day."""
    created = parse_date(string(_record(post).get("createdAt")))
    indexed = parse_date(string(post.get("indexedAt")))
    if created is None:
        return PostTime(indexed, "indexedAt", "no record.createdAt") if indexed else None
    if indexed is not None and abs(indexed - created) > CLOCK_SKEW:
        return PostTime(indexed, "indexedAt",
                        f"record.createdAt {created.isoformat()} is more than a day from indexedAt "
                        f"{indexed.isoformat()} (backdated or mis-clocked): indexedAt used")
    return PostTime(created, "record.createdAt")


def _post_url(post: dict[str, Any], handle: str) -> str:
    author = _dict(post.get("author"))
    who = string(author.get("handle")) or string(author.get("did")) or handle
    return f"https://bsky.app/profile/{who}/post/{string(post.get('uri')).rsplit('/', 1)[-1]}"


def _replies(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The readable replies of a thread node (not-found and blocked posts are skipped)."""
    replies = node.get("replies")
    for reply in replies if isinstance(replies, list) else []:
        if isinstance(reply, dict) and isinstance(reply.get("post"), dict):
            yield reply


async def _interactions(did: str, handle: str, dated: list[tuple[dict[str, Any], PostTime | None]],
                        context: Context) -> tuple[tuple[Interaction, ...], list[tuple[datetime, str]],
                                                   list[tuple[str, str]]]:
    """Replies by other DIDs to the account's posts, the account's own replies seen, and the threads read."""
    replied = [(post, t) for post, t in dated if t is not None and isinstance(post.get("replyCount"), int)
               and post["replyCount"] > 0]
    replied.sort(key=lambda pt: pt[1].at, reverse=True)
    found: dict[str, Interaction] = {}
    owner_replies: dict[str, tuple[datetime, str]] = {}
    read: list[tuple[str, str]] = []
    for post, _ in replied[:THREADS_READ]:
        uri = string(post.get("uri"))
        url = f"{APPVIEW}/app.bsky.feed.getPostThread?uri={_q(uri)}&depth={THREAD_DEPTH}"
        fetched = await context.get(url)
        if not fetched.ok:
            continue
        try:
            thread = json_object(fetched, "an XRPC answer").get("thread")
        except Unreadable:
            continue
        if not isinstance(thread, dict) or not isinstance(thread.get("post"), dict):
            continue  # notFoundPost or blockedPost
        read.append((url, uri))
        stack = [thread]
        while stack:
            node = stack.pop()
            from_owner = _author(node["post"]) == did
            for reply in _replies(node):
                stack.append(reply)
                reply_post = reply["post"]
                reply_uri = string(reply_post.get("uri"))
                reply_time = _post_time(reply_post)
                if reply_time is None:
                    continue
                if _author(reply_post) == did:
                    owner_replies[reply_uri] = (reply_time.at, _post_url(reply_post, handle))
                    continue
                if not from_owner or reply_uri in found:
                    continue  # one visitor answering another is not said to the account
                answers = [t.at for t in (_post_time(r["post"]) for r in _replies(reply)
                                          if _author(r["post"]) == did) if t is not None]
                author = reply_post.get("author") if isinstance(reply_post.get("author"), dict) else {}
                found[reply_uri] = Interaction(
                    url=_post_url(reply_post, handle), author=string(author.get("handle")) or _author(reply_post),
                    at=reply_time.at, parent=_post_url(node["post"], handle),
                    owner_replied_at=min(answers, default=None), kind="comment")
    interactions = tuple(sorted(found.values(), key=lambda i: (i.at, i.url)))
    return interactions, list(owner_replies.values()), read


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(BlueskyPlatform())
