"""Fediverse accounts on servers without a Mastodon API (Misskey, Sharkey, GoToSocial, PeerTube, Lemmy, Friendica…).

Takes a channel for an account on such a server; gives its Activity, read without
authentication through the protocols every fediverse server speaks:

* ``GET https://{server}/.well-known/nodeinfo``: the links to the server's NodeInfo
  documents (``rel`` ``http://nodeinfo.diaspora.software/ns/schema/2.x``); the newest
  schema is read, and its ``software.name`` (``misskey``, ``gotosocial``, ``peertube``…) and
  ``protocols`` (``activitypub`` must be one) say what answers. No NodeInfo: not a
  fediverse server we can read;
* ``GET https://{domain}/.well-known/webfinger?resource=acct:{user}@{domain}``: the link
  with ``rel="self"`` and ``type="application/activity+json"`` is the account's actor;
* the actor, asked for with ``Accept: application/activity+json``: ``name``,
  ``preferredUsername``, ``outbox``, and ``movedTo`` (a moved account is ``ok`` with
  ``moved_to``, and collection audits the new account);
* its ``outbox`` (an ``OrderedCollection``), then its ``first`` page (an
  ``OrderedCollectionPage``, or the items when they are embedded): every public act counts.
  A ``Create`` is a post, or a ``reply`` when its object answers another account's post; an
  ``Announce`` is a ``repost``, dated when the account boosted. When a page holds no dated
  act, its ``next`` page is read, up to :data:`OUTBOX_PAGES` pages.

Statuses: a server that asks for signed requests (authorized fetch) or a login (401/403 on
the actor or the outbox) hides the account's activity: ``login_wall`` (401) or ``blocked``
(403), unknown with the reason, never broken or gone. 404 is ``not_found``, 410 ``gone``.

Mastodon-compatible servers are read by the ``mastodon`` plugin, which hands an account to
:func:`read_account` when its server has no Mastodon API and NodeInfo names other software.
This plugin recognises the profile forms of the other softwares (``/u/name``, ``/a/name``,
``/accounts/name``, ``/c/name``, ``/profile/name``) only in URLs a user names: the same paths
mean other things on ordinary sites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from auditor.fetch.client import Fetched
from auditor.models import Activity, Channel, Evidence, Item, Status
from auditor.parse.feeds import parse_date
from auditor.parse.jsonshape import string
from auditor.urls import host_of, path_segments, registered_domain
from auditor.plugin import Context, Platform, PlatformSpec, Priority, Registry, Signal, hookimpl, json_of, latest

ACTIVITY_JSON = "application/activity+json"
ACCEPT = {"Accept": f'{ACTIVITY_JSON}, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'}
NODEINFO_REL = re.compile(r"^https?://nodeinfo\.diaspora\.software/ns/schema/(\d+(?:\.\d+)?)$")
OUTBOX_PAGES = 3  # outbox pages read at most, when the first holds no dated act
PROFILE_PATHS = ("u", "a", "accounts", "c", "profile")  # Lemmy, PeerTube, Lemmy/PeerTube groups, Friendica
USERNAME = re.compile(r"^[A-Za-z0-9_]+(?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$")
# Registered domains whose /u/, /c/ or /profile/ paths are their own platform's, never a fediverse account.
NOT_FEDIVERSE = (
    "youtube.com", "reddit.com", "github.com", "gitlab.com", "medium.com", "x.com", "twitter.com", "facebook.com",
    "instagram.com", "linkedin.com", "tiktok.com", "pinterest.com", "bsky.app", "threads.net", "threads.com",
    "substack.com", "stackoverflow.com", "vimeo.com", "twitch.tv",
)


@dataclass(frozen=True, slots=True)
class Software:
    """What a server's NodeInfo says it runs."""

    name: str  # software.name, lower case ("misskey", "gotosocial"…)
    version: str
    activitypub: bool  # "activitypub" is among its protocols
    url: str  # the NodeInfo document read


class FediversePlatform(Platform):
    spec = PlatformSpec(
        name="fediverse", kind="social",
        summary="Fediverse accounts on servers without a Mastodon API, read through NodeInfo, WebFinger "
                "and the ActivityPub outbox",
        priority=Priority.DEFAULT, signals=(Signal.LAST_ACTIVITY,), speculative=True,
    )

    def recognise(self, url: str) -> Channel | None:
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            return None
        host = host_of(url)
        if (parts.scheme not in ("http", "https") or "." not in host or parts.query
                or registered_domain(host) in NOT_FEDIVERSE):
            return None
        segments = path_segments(url)
        if len(segments) != 2 or segments[0] not in PROFILE_PATHS or not USERNAME.match(segments[1]):
            return None
        user = segments[1]
        return Channel(platform=self.name, url=f"https://{host}/{segments[0]}/{user}", kind=self.kind,
                       handle=f"@{user}@{host}")

    async def collect(self, channel: Channel, context: Context) -> Activity:
        user, _, domain = channel.handle.lstrip("@").partition("@")
        server = urlsplit(channel.url).hostname or domain
        evidence: list[Evidence] = []
        software = await nodeinfo(server, context, evidence)
        if software is None or not software.activitypub:
            return Activity(channel_url=channel.url, status=Status.ERROR, evidence=tuple(evidence),
                            reason=f"{server} does not say it is a fediverse server (no NodeInfo naming "
                                   "ActivityPub at /.well-known/nodeinfo)")
        return await read_account(channel, context, user, domain or server, software, evidence)


# -- NodeInfo and WebFinger ----------------------------------------------------------------

async def nodeinfo(server: str, context: Context, evidence: list[Evidence]) -> Software | None:
    """The software ``server`` says it runs, from its newest NodeInfo schema (None when it does not say)."""
    well_known = f"https://{server}/.well-known/nodeinfo"
    index = json_of(await context.get(well_known))
    links = index.get("links") if index else None
    offered: list[tuple[float, str]] = []
    for link in links if isinstance(links, list) else []:
        match = NODEINFO_REL.match(string(link.get("rel"))) if isinstance(link, dict) else None
        href = string(link.get("href")) if match else ""
        if match and href and urlsplit(urljoin(well_known, href)).hostname == server:
            offered.append((float(match.group(1)), urljoin(well_known, href)))
    if not offered:
        return None
    url = max(offered)[1]
    document = json_of(await context.get(url))
    software = document.get("software") if document else None
    if not isinstance(software, dict) or not string(software.get("name")):
        return None
    protocols = document.get("protocols") if document else None
    found = Software(name=string(software.get("name")).lower(), version=string(software.get("version")),
                     activitypub="activitypub" in (protocols if isinstance(protocols, list) else []), url=url)
    evidence.append(Evidence(url, "NodeInfo software", f"{found.name} {found.version}".strip()))
    return found


async def actor_url(user: str, domain: str, context: Context, evidence: list[Evidence]) -> str:
    """The account's ActivityPub actor, from WebFinger's ``rel="self"`` link ("" when it names none)."""
    url = f"https://{domain}/.well-known/webfinger?resource=acct:{quote(f'{user}@{domain}', safe='@')}"
    document = json_of(await context.get(url))
    links = document.get("links") if document else None
    for link in links if isinstance(links, list) else []:
        if (isinstance(link, dict) and link.get("rel") == "self"
                and string(link.get("type")).split(";")[0].strip() in (ACTIVITY_JSON, "application/ld+json")):
            href = string(link.get("href"))
            if urlsplit(href).scheme == "https":
                evidence.append(Evidence(url, "links[rel=self]", href))
                return href
    return ""


# -- the actor and its outbox --------------------------------------------------------------

async def read_account(channel: Channel, context: Context, user: str, domain: str, software: Software,
                       evidence: list[Evidence]) -> Activity:
    """The account's Activity, read through WebFinger, its ActivityPub actor and its outbox."""
    runs = f"{urlsplit(software.url).hostname} runs {software.name}"
    actor_at = await actor_url(user, domain, context, evidence)
    if not actor_at:
        return Activity(channel_url=channel.url, status=Status.ERROR, evidence=tuple(evidence),
                        reason=f"{runs}, but WebFinger at {domain} names no ActivityPub actor for {user}@{domain}")
    fetched = await context.get(actor_at, headers=ACCEPT)
    refused = _refusal(channel, fetched, f"the actor of {user}@{domain}", runs, evidence)
    if refused is not None:
        return refused
    actor = json_of(fetched)
    if actor is None:
        return Activity(channel_url=channel.url, status=Status.ERROR, evidence=tuple(evidence),
                        reason=f"{actor_at} did not answer an ActivityPub actor ({fetched.content_type})")
    title = string(actor.get("name")) or string(actor.get("preferredUsername"))
    reasons = [f"read through ActivityPub ({runs}, no Mastodon API)"]
    moved_to = _moved_to(actor)
    if moved_to:
        reasons.append(f"the account says it moved to {moved_to}")
        evidence.append(Evidence(actor_at, "movedTo", moved_to))
    outbox = urljoin(actor_at, string(actor.get("outbox")))
    if not string(actor.get("outbox")):
        return Activity(channel_url=channel.url, status=Status.OK, moved_to=moved_to, title=title, exists=True,
                        reason="; ".join([*reasons, "the actor lists no outbox: activity unknown"]),
                        evidence=tuple(evidence))
    acts, pages, failure = await _read_outbox(outbox, actor_at, context)
    if failure is not None:
        if moved_to:
            reasons.append(f"its outbox could not be read ({failure.describe()})")
        else:
            return _refusal(channel, failure, f"the outbox of {user}@{domain}", runs, evidence) or Activity(
                channel_url=channel.url, status=Status.ERROR, evidence=tuple(evidence),
                reason=f"{outbox} is not a readable outbox")
    if pages > 1:
        evidence.append(Evidence(outbox, "outbox pages read", f"{pages} (the first held no dated act)"))
    items = tuple(_item(act, actor_at) for act in acts)
    newest, when = latest(items, context.as_of)
    source = Evidence(newest.url or outbox, f"newest outbox {newest.kind} published", when.isoformat()) \
        if newest is not None and when is not None else None
    if source is None and not moved_to:
        reasons.append("the outbox holds no dated public act")
    counts = {kind: sum(1 for i in items if i.kind == kind) for kind in ("post", "repost", "reply")}
    reasons.insert(0, f"{counts['post']} posts, {counts['repost']} boosts and {counts['reply']} replies "
                      "read from the outbox")
    return Activity(channel_url=channel.url, status=Status.OK, reason="; ".join(reasons), last_activity=when,
                    last_activity_source=source, items=items, moved_to=moved_to, title=title,
                    evidence=tuple(evidence), exists=True, last_activity_kind=newest.kind if newest else "")


async def _read_outbox(outbox: str, actor: str, context: Context) -> tuple[list[dict[str, Any]], int, Fetched | None]:
    """The outbox's acts by the actor, the pages read, and the answer that stopped the reading (None: read)."""
    fetched = await context.get(outbox, headers=ACCEPT)
    collection = json_of(fetched) if fetched.ok else None
    if collection is None:
        return [], 0, fetched
    acts: list[dict[str, Any]] = []
    page: dict[str, Any] | None = collection
    pages = 0
    following = collection.get("first")
    if isinstance(collection.get("orderedItems"), list):  # the items are embedded in the collection
        following = None
    while page is not None and pages < OUTBOX_PAGES:
        if following is not None:
            if isinstance(following, dict):
                page = following
            else:
                url = urljoin(fetched.final_url, string(following))
                if not url or urlsplit(url).hostname != urlsplit(outbox).hostname:
                    break
                fetched = await context.get(url, headers=ACCEPT)
                page = json_of(fetched) if fetched.ok else None
                if page is None:
                    return acts, pages, fetched if not acts else None
        pages += 1
        items = page.get("orderedItems", page.get("items"))
        acts += [a for a in items if isinstance(a, dict) and _by(a, actor)] if isinstance(items, list) else []
        if any(_published(a) for a in acts):
            break
        following = page.get("next")
        if not following:
            break
    return acts, pages, None


def _by(act: dict[str, Any], actor: str) -> bool:
    """True when the act is the actor's own (an act without ``actor`` is taken as the outbox owner's)."""
    by = act.get("actor")
    by_id = string(by.get("id")) if isinstance(by, dict) else string(by)
    return not by_id or by_id == actor


def _object(act: dict[str, Any]) -> dict[str, Any]:
    target = act.get("object")
    return target if isinstance(target, dict) else {}


def _published(act: dict[str, Any]) -> datetime | None:
    return parse_date(string(act.get("published"))) or parse_date(string(_object(act).get("published")))


def _item(act: dict[str, Any], actor: str) -> Item:
    target = act.get("object")
    shown = _object(act)
    if act.get("type") == "Announce":
        kind = "repost"
    else:
        reply_to = shown.get("inReplyTo")
        reply_to = string(reply_to.get("id")) if isinstance(reply_to, dict) else string(reply_to)
        kind = "reply" if reply_to and not reply_to.startswith(actor.rstrip("/") + "/") else "post"
    url = string(shown.get("url")) or string(shown.get("id")) or string(target) or string(act.get("id"))
    title = " ".join(re.sub(r"<[^>]+>", " ", string(shown.get("name")) or string(shown.get("content"))).split())
    return Item(url=url if urlsplit(url).scheme in ("http", "https") else "", title=title[:80],
                published=_published(act), kind=kind)


def _moved_to(actor: dict[str, Any]) -> str:
    moved = actor.get("movedTo")
    target = string(moved.get("id")) if isinstance(moved, dict) else string(moved)
    return target if urlsplit(target).scheme == "https" else ""


def _refusal(channel: Channel, fetched: Fetched, what: str, runs: str, evidence: list[Evidence]) -> Activity | None:
    """The Activity when ``what`` could not be read (None when it answered 2xx): a wall is unknown, never broken."""
    if fetched.ok:
        return None
    where = fetched.final_url
    found = (*evidence, Evidence(where, f"HTTP {fetched.status}" if fetched.status else "error", fetched.describe()))
    if fetched.status in (401, 403):
        return Activity(channel_url=channel.url, status=Status.LOGIN_WALL if fetched.status == 401 else Status.BLOCKED,
                        exists=True, evidence=found,
                        reason=f"{runs}, which answered HTTP {fetched.status} for {what}: it serves ActivityPub only "
                               "to signed requests (authorized fetch) or signed-in users; activity unknown, "
                               "not broken, not gone")
    if fetched.status == 404:
        return Activity(channel_url=channel.url, status=Status.NOT_FOUND, evidence=found,
                        reason=f"{runs}, which has no {what} (HTTP 404)")
    if fetched.status == 410:
        return Activity(channel_url=channel.url, status=Status.GONE, evidence=found,
                        reason=f"{runs}, which says {what} is gone (HTTP 410: suspended or deleted)")
    return Activity(channel_url=channel.url, status=Status.ERROR, evidence=found,
                    reason=f"{runs}; {what} could not be read: {fetched.describe()}")


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(FediversePlatform())
