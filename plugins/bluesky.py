"""Bluesky profiles: when the account last posted, and whether it answers replies.

Reads the public AppView (``https://public.api.bsky.app/xrpc/``), without authentication:

* ``com.atproto.identity.resolveHandle?handle=`` turns a handle (``acme.bsky.social`` or
  a custom domain) into the account's DID; a DID in the URL is used as is;
* ``app.bsky.actor.getProfile?actor={did}``: the profile, or one of three HTTP 400
  errors told apart: ``Profile not found`` (not_found), ``AccountTakedown`` (gone:
  suspended), ``AccountDeactivated`` (gone: deactivated by its owner);
* ``app.bsky.feed.getAuthorFeed?actor={did}&limit=50&filter=posts_and_author_threads``:
  the newest own post is the last activity (reposts and pins, marked by ``reason``, are
  skipped). A post's time is its client-set ``record.createdAt`` unless the server's
  ``indexedAt`` disagrees by more than a day (a backdated or mis-clocked post): then
  ``indexedAt``, and the evidence says so;
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
from auditor.plugin import FUTURE_TOLERANCE, Context, Platform, status_of_failure
from auditor.plugin import Registry
from auditor.urls import Link

APPVIEW = "https://public.api.bsky.app/xrpc"
FEED_LIMIT = 50
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
            return Activity(channel_url=channel.url, status=Status.ERROR, reason=str(exc), evidence=tuple(evidence))

    async def _collect_profile(self, channel: Channel, context: Context, did: str, profile: dict[str, Any],
                               profile_url: str, evidence: list[Evidence]) -> Activity:
        handle = string(profile.get("handle")) or channel.handle
        title = string(profile.get("displayName")) or handle
        evidence.append(Evidence(profile_url, "postsCount", string(profile.get("postsCount"))))
        feed_url = (f"{APPVIEW}/app.bsky.feed.getAuthorFeed?actor={_q(did)}&limit={FEED_LIMIT}"
                    "&filter=posts_and_author_threads")
        fetched = await context.get(feed_url)
        failure = _failure(channel, fetched, handle)
        if failure is not None:
            return failure
        entries = json_object(fetched, "an XRPC answer").get("feed")
        if not isinstance(entries, list):
            raise Unreadable(f"{feed_url} answered JSON without a feed list")
        posts = [e["post"] for e in entries
                 if isinstance(e, dict) and not e.get("reason") and isinstance(e.get("post"), dict)
                 and _author(e["post"]) == did]
        dated = [(post, _post_time(post)) for post in posts]
        items = tuple(Item(url=_post_url(post, handle), title=_text(post), published=t.at if t else None)
                      for post, t in dated)
        limit = context.as_of + FUTURE_TOLERANCE
        candidates: list[tuple[datetime, Evidence]] = []
        for post, t in dated:
            if t is not None and t.at <= limit:
                field = f"newest own post {t.field}" + (" (record.createdAt is over a day off)" if t.note else "")
                candidates.append((t.at, Evidence(_post_url(post, handle), field, t.at.isoformat())))
        reasons = [f"{len(items)} own posts read"]
        for post, t in dated:
            if t is not None and t.note:
                evidence.append(Evidence(_post_url(post, handle), "indexedAt used", t.note))

        interactions, owner_replies, read = await _interactions(did, handle, dated, context)
        evidence.extend(Evidence(url, "thread read for replies", uri) for url, uri in read)
        for at, url in owner_replies:
            if at <= limit:
                candidates.append((at, Evidence(url, "newest own reply in a thread",
                                                at.isoformat())))
        when, source = max(candidates, key=lambda c: c[0]) if candidates else (None, None)
        if when is None:
            reasons.append("no dated post found")
        return Activity(channel_url=channel.url, status=Status.OK, reason="; ".join(reasons), last_activity=when,
                        last_activity_source=source, items=items, interactions=interactions, title=title,
                        evidence=tuple(evidence))


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
    author = post.get("author") if isinstance(post.get("author"), dict) else {}
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
    replied.sort(key=lambda pt: pt[1].at, reverse=True)  # type: ignore[union-attr]
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
