"""Mastodon accounts on any instance: when the account last posted, and whether it answers replies.

Reads, through the shared fetcher and without authentication:

* ``GET https://{server}/api/v1/accounts/lookup?acct={user}`` for the account (``id``,
  ``last_status_at`` (a date only), ``statuses_count``, ``moved``, ``suspended``,
  ``limited``). When the handle's domain is not the server (``@news@brand.example``
  served from ``social.brand.example``), or the named host has no Mastodon API, the
  server comes from WebFinger: ``GET https://{domain}/.well-known/webfinger?resource=acct:user@domain``;
* ``GET /api/v1/accounts/{id}/statuses?limit=40``: every public act counts, and each item
  says which it is: a status of its own (``post``), a boost (``repost``: a status whose
  ``reblog`` is set, dated when the account boosted) or a reply to another account
  (``reply``: ``in_reply_to_account_id`` is not its own). The newest act's ``created_at`` is
  the last activity and its kind is ``last_activity_kind``. A ``pinned`` status is never the
  newest. When a page holds no dated act (all pinned, say), the ``Link: rel="next"`` page
  (``max_id``) is read, up to :data:`STATUS_PAGES` pages, and the evidence says how many
  were read. The account's ``last_status_at`` date is the fallback when no status can be
  read, and the evidence says it is a date only;
* ``GET /api/v1/statuses/{id}/context`` for the five most recent own statuses that have
  replies: a reply by another account to one of the account's statuses is an
  interaction, answered at the account's first reply to it (matched by ``in_reply_to_id``
  and ``account.id``, never by name).

A server whose lookup does not answer as Mastodon's does (no API, a login, another
software's error) while its NodeInfo names other ActivityPub software (Misskey, GoToSocial…)
is read through WebFinger, the actor and its outbox by :mod:`auditor.plugins.fediverse`.

Statuses: 404 ``Record not found`` is not_found; 410 or ``suspended: true`` is gone; a
``moved`` account is ok with ``moved_to`` set (collection then audits the new account); 401
(an instance that hides its API from anonymous clients) is login_wall, never gone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import httpx
from selectolax.lexbor import LexborHTMLParser

from auditor.parse.feeds import parse_date
from auditor.fetch.client import Fetched
from auditor.plugin import PlatformSpec, Priority, Signal, hookimpl
from auditor.parse.jsonshape import Unreadable, json_list, json_object, string
from auditor.models import Activity, Channel, Evidence, Interaction, Item, Status
from auditor.plugin import Context, Platform, latest, status_of_failure, unreadable
from auditor.plugin import Registry

from .fediverse import nodeinfo, read_account

STATUS_LIMIT = 40
STATUS_PAGES = 3  # pages of statuses read at most, when the first holds no dated act
THREADS_READ = 5  # context fetches per account: the most recent own statuses with replies

USERNAME = re.compile(r"^[A-Za-z0-9_]+(?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$")
DOMAIN = re.compile(r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$")

# Hosts that use /@name paths for something other than Mastodon accounts.
NOT_MASTODON = frozenset((
    "youtube.com", "tiktok.com", "medium.com", "threads.net", "threads.com", "substack.com",
    "github.com", "gitlab.com", "stackoverflow.com", "stackexchange.com", "x.com", "twitter.com",
    "facebook.com", "instagram.com", "linkedin.com", "bsky.app", "reddit.com", "pinterest.com",
    "vimeo.com", "soundcloud.com", "twitch.tv", "snapchat.com", "dev.to", "hashnode.com", "npmjs.com",
))


@dataclass(frozen=True, slots=True)
class Handle:
    user: str
    domain: str  # the handle's domain (the part after the second @)

    @property
    def acct(self) -> str:
        return f"{self.user}@{self.domain}"


def _host_ok(host: str) -> bool:
    """True for a host name that may be a Mastodon server: well formed, and neither one of
    ``NOT_MASTODON`` nor under one (looked up label by label, not compared with each)."""
    if not DOMAIN.match(host):
        return False
    rest = host
    while rest not in NOT_MASTODON:
        dot = rest.find(".")
        if dot < 0:
            return True
        rest = rest[dot + 1:]
    return False


def parse_handle(channel: Channel) -> Handle:
    """The ``@user@domain`` a channel stands for (from its handle, else from its URL)."""
    text = channel.handle.lstrip("@")
    user, _, domain = text.partition("@")
    if user and domain:
        return Handle(user, domain.lower())
    parts = urlsplit(channel.url)
    return Handle(parts.path.strip("/").lstrip("@").split("/")[-1], (parts.hostname or "").lower())


class MastodonPlatform(Platform):
    spec = PlatformSpec(
        name="mastodon", kind="social", summary="Mastodon accounts, read through the server's public API",
        priority=Priority.SPECIFIC, signals=(Signal.LAST_ACTIVITY, Signal.OWNER_REPLIES)
    )

    def recognise(self, url: str) -> Channel | None:
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            return None
        host = (parts.hostname or "").lower().rstrip(".")
        if parts.scheme not in ("http", "https") or not _host_ok(host):
            return None
        segments = [s for s in parts.path.split("/") if s]
        if len(segments) == 1 and segments[0].startswith("@"):
            user, _, other = segments[0][1:].partition("@")
            domain = other.lower() if other else host
        elif len(segments) == 2 and segments[0] == "users":
            user, domain = segments[1], host
        else:  # /share, /authorize_interaction, /@user/{status id}, /tags/...: not a profile
            return None
        if not USERNAME.match(user) or user.isdigit() or not DOMAIN.match(domain):
            return None
        return Channel(platform=self.name, url=f"https://{domain}/@{user}", kind=self.kind,
                       handle=f"@{user}@{domain}")

    async def collect(self, channel: Channel, context: Context) -> Activity:
        handle = parse_handle(channel)
        evidence: list[Evidence] = []
        server = urlsplit(channel.url).hostname or handle.domain
        if handle.domain != server:
            server = await _webfinger(handle, context, evidence) or server
        lookup = await context.get(_lookup_url(server, handle))
        if _no_mastodon_api(lookup):
            found = await _webfinger(handle, context, evidence)
            if found and found != server:
                server = found
                lookup = await context.get(_lookup_url(server, handle))
        if not lookup.ok and not lookup.error and not _account_error(lookup):
            software = await nodeinfo(server, context, evidence)
            if software is not None and software.activitypub and software.name != "mastodon":
                return await read_account(channel, context, handle.user, handle.domain, software, evidence)
        if _no_mastodon_api(lookup):
            return Activity(channel_url=channel.url, status=Status.ERROR, evidence=tuple(evidence),
                            reason=f"{server} does not answer as a Mastodon server ({lookup.final_url} answered "
                                   f"HTTP {lookup.status} without an API error) and WebFinger named no other server")
        refused = _refusal(channel, lookup, f"@{handle.acct}")
        if refused is not None:
            return refused
        try:
            account = json_object(lookup, "an account object")
            return await self._collect_account(channel, context, server, account, lookup, evidence)
        except Unreadable as exc:
            return unreadable(channel, str(exc), evidence=tuple(evidence))

    async def _collect_account(self, channel: Channel, context: Context, server: str, account: dict[str, Any],
                               lookup: Fetched, evidence: list[Evidence]) -> Activity:
        where = lookup.final_url
        title = string(account.get("display_name")) or string(account.get("acct"))
        if account.get("suspended") is True:
            return Activity(channel_url=channel.url, status=Status.GONE, title=title,
                            reason=f"{server} says the account is suspended",
                            evidence=(*evidence, Evidence(where, "suspended", "true")))
        account_id = string(account.get("id"))
        if not account_id:
            raise Unreadable(f"{where}: the account has no id")
        moved_to = ""
        reasons: list[str] = []
        moved = account.get("moved")
        if isinstance(moved, dict):
            moved_to = string(moved.get("url")) or string(moved.get("acct"))
            reasons.append(f"the account says it moved to {moved_to}")
            evidence.append(Evidence(where, "moved", moved_to))
        if account.get("limited") is True:
            reasons.append(f"{server}'s moderators limited the account (hidden from people who do not follow it)")
            evidence.append(Evidence(where, "limited", "true"))
        last_status_day = _date_only(account.get("last_status_at"))
        if last_status_day is not None:
            evidence.append(Evidence(where, "last_status_at (a date only)", last_status_day.date().isoformat()))
        evidence.append(Evidence(where, "statuses_count", str(account.get("statuses_count", ""))))

        statuses_url = (f"https://{server}/api/v1/accounts/{quote(account_id, safe='')}/statuses"
                        f"?limit={STATUS_LIMIT}")
        acts, pages, failure = await _read_statuses(statuses_url, account_id, context)
        if failure:
            reasons.append(f"its statuses could not be read ({failure})")
        if pages > 1:
            evidence.append(Evidence(statuses_url, "pages of statuses read",
                                     f"{pages} (the first held no dated act but pins)"))
        statuses = [s for s in acts if not s.get("reblog")]  # its own statuses, for the threads of replies
        items = tuple(_item(s, account_id) for s in acts)
        newest, when = latest(tuple(i for i in items if not i.pinned), context.as_of)
        source: Evidence | None = None
        kind = ""
        if newest is not None and when is not None:
            kind = newest.kind
            source = Evidence(newest.url or statuses_url, FIELD_OF_KIND[kind], when.isoformat())
        elif last_status_day is not None:
            when = last_status_day
            source = Evidence(where, "last_status_at (a date only: no status could be read)", when.date().isoformat())
            reasons.append("last activity is the account's last_status_at date, not an exact time")
        else:
            reasons.append("no status found")

        interactions, read = await _interactions(server, account_id, statuses, context)
        evidence.extend(Evidence(url, "thread read for replies", status_id) for url, status_id in read)
        reason = "; ".join([_count(items), *reasons])
        return Activity(channel_url=channel.url, status=Status.OK, reason=reason, last_activity=when,
                        last_activity_source=source, items=items, interactions=interactions,
                        moved_to=moved_to, title=title, evidence=tuple(evidence), last_activity_kind=kind)


# -- fetching and reading ----------------------------------------------------------------

def _lookup_url(server: str, handle: Handle) -> str:
    acct = handle.user if handle.domain == server else handle.acct
    return f"https://{server}/api/v1/accounts/lookup?acct={quote(acct, safe='@')}"


def _no_mastodon_api(fetched: Fetched) -> bool:
    """True when the host answered but not as a Mastodon API (no JSON error body)."""
    if fetched.ok or fetched.error or fetched.status not in (404, 405, 400):
        return False
    try:
        body = fetched.json()
    except ValueError:
        return True
    return not (isinstance(body, dict) and "error" in body)


def _account_error(fetched: Fetched) -> bool:
    """True when a Mastodon API said the account is missing or gone (404/410 with its ``error`` string)."""
    return fetched.status in (404, 410) and bool(_error_message(fetched))


async def _webfinger(handle: Handle, context: Context, evidence: list[Evidence]) -> str:
    """The host serving the account, from WebFinger at the handle's domain ("" if it does not say)."""
    url = f"https://{handle.domain}/.well-known/webfinger?resource=acct:{quote(handle.acct, safe='@')}"
    fetched = await context.get(url)
    if not fetched.ok:
        return ""
    try:
        document = fetched.json()
    except ValueError:
        return ""
    links = document.get("links") if isinstance(document, dict) else None
    for link in links if isinstance(links, list) else []:
        if not isinstance(link, dict):
            continue
        if link.get("rel") == "self" or link.get("rel") == "http://webfinger.net/rel/profile-page":
            host = (urlsplit(string(link.get("href"))).hostname or "").lower()
            if host:
                evidence.append(Evidence(url, f"links[rel={link.get('rel')}]", string(link.get("href"))))
                return host
    return ""


def _refusal(channel: Channel, fetched: Fetched, who: str) -> Activity | None:
    """The Activity for an account lookup that did not answer 2xx, or None when it did."""
    if fetched.ok:
        return None
    where = fetched.final_url
    message = _error_message(fetched)
    if fetched.status == 401:
        return Activity(channel_url=channel.url, status=Status.LOGIN_WALL,
                        reason=f"{urlsplit(where).hostname} hides its API from anonymous clients "
                               f"({message or 'HTTP 401'}); {who}'s activity cannot be seen",
                        evidence=(Evidence(where, "HTTP 401", message),))
    if fetched.status == 404 and message:
        return Activity(channel_url=channel.url, status=Status.NOT_FOUND,
                        reason=f"{urlsplit(where).hostname} has no account {who} ({message})",
                        evidence=(Evidence(where, "error", message),))
    if fetched.status == 410:
        return Activity(channel_url=channel.url, status=Status.GONE,
                        reason=f"{urlsplit(where).hostname} says {who} is gone (HTTP 410: suspended or deleted)",
                        evidence=(Evidence(where, "HTTP 410", message),))
    outcome = status_of_failure(fetched)
    status, reason = outcome if outcome is not None else (Status.ERROR, _describe(fetched))
    return Activity(channel_url=channel.url, status=status, reason=reason)


def _error_message(fetched: Fetched) -> str:
    try:
        body = fetched.json()
    except ValueError:
        return ""
    return string(body.get("error")) if isinstance(body, dict) else ""


def _account_id(status: dict[str, Any]) -> str:
    account = status.get("account")
    return string(account.get("id")) if isinstance(account, dict) else ""


FIELD_OF_KIND = {"post": "newest own status created_at", "repost": "newest boost created_at",
                 "reply": "newest own status created_at"}  # a reply to another account is its own status too


async def _read_statuses(first_url: str, account_id: str,
                         context: Context) -> tuple[list[dict[str, Any]], int, str]:
    """The account's own acts (its statuses and boosts), the pages read, and why reading stopped early ("").

    The next page (``Link: rel="next"``) is read only while no page so far holds a dated act
    that is not pinned, up to :data:`STATUS_PAGES` pages.
    """
    acts: list[dict[str, Any]] = []
    url, pages = first_url, 0
    while url and pages < STATUS_PAGES:
        fetched = await context.get(url)
        if not fetched.ok:
            return acts, pages, _describe(fetched)
        pages += 1
        acts += [s for s in json_list(fetched, "a list of statuses") if _account_id(s) == account_id]
        if any(s.get("pinned") is not True and parse_date(string(s.get("created_at"))) for s in acts):
            break
        url = _next_link(fetched)
    return acts, pages, ""


def _next_link(fetched: Fetched) -> str:
    """The ``rel="next"`` URL of a paged answer's Link header, on the same host ("" when there is none)."""
    link = httpx.Response(200, headers={"link": fetched.headers.get("link", "")}).links.get("next", {})
    url = urljoin(fetched.final_url, link.get("url", ""))
    return url if link and urlsplit(url).hostname == urlsplit(fetched.final_url).hostname else ""


def _kind(status: dict[str, Any], account_id: str) -> str:
    if isinstance(status.get("reblog"), dict):
        return "repost"
    to = string(status.get("in_reply_to_account_id"))
    return "reply" if to and to != account_id else "post"


def _count(items: tuple[Item, ...]) -> str:
    counts = {kind: sum(1 for i in items if i.kind == kind) for kind in ("post", "repost", "reply")}
    extra = [f"{n} {word}" for kind, word in (("repost", "boosts"), ("reply", "replies to others"))
             if (n := counts[kind])]
    return f"{counts['post']} own statuses read" + (f" (and {', '.join(extra)})" if extra else "")


def _item(status: dict[str, Any], account_id: str = "") -> Item:
    kind = _kind(status, account_id)
    shown = status["reblog"] if kind == "repost" else status
    return Item(url=string(status.get("url")) or string(status.get("uri")) or string(shown.get("url")),
                title=_snippet(shown.get("content")), published=parse_date(string(status.get("created_at"))),
                updated=None if kind == "repost" else parse_date(string(status.get("edited_at"))),
                kind=kind, pinned=status.get("pinned") is True)


def _snippet(html: object, length: int = 80) -> str:
    if not isinstance(html, str) or not html.strip():
        return ""
    text = " ".join((LexborHTMLParser(html).text(separator=" ") or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


async def _interactions(server: str, account_id: str, statuses: list[dict[str, Any]],
                        context: Context) -> tuple[tuple[Interaction, ...], list[tuple[str, str]]]:
    """Replies by others to the account's statuses, from the threads of its most recent replied-to statuses."""
    replied = [s for s in statuses if isinstance(s.get("replies_count"), int) and s["replies_count"] > 0]
    replied.sort(key=lambda s: parse_date(string(s.get("created_at"))) or datetime.min.replace(tzinfo=timezone.utc),
                 reverse=True)
    found: dict[str, Interaction] = {}
    read: list[tuple[str, str]] = []
    urls = {string(s.get("id")): string(s.get("url")) for s in statuses}
    for status in replied[:THREADS_READ]:
        status_id = string(status.get("id"))
        context_url = f"https://{server}/api/v1/statuses/{quote(status_id, safe='')}/context"
        fetched = await context.get(context_url)
        if not fetched.ok:
            continue
        try:
            thread = fetched.json()
        except ValueError:
            continue
        descendants = thread.get("descendants") if isinstance(thread, dict) else None
        if not isinstance(descendants, list):
            continue
        read.append((context_url, status_id))
        posts = [d for d in descendants if isinstance(d, dict)]
        urls.update((string(d.get("id")), string(d.get("url"))) for d in posts)
        own_ids = {status_id} | {string(d.get("id")) for d in posts if _account_id(d) == account_id}
        for post in posts:
            post_id = string(post.get("id"))
            at = parse_date(string(post.get("created_at")))
            if post_id in found or at is None or _account_id(post) == account_id:
                continue
            if string(post.get("in_reply_to_id")) not in own_ids:
                continue  # one visitor answering another is not said to the account
            answers = [parse_date(string(d.get("created_at"))) for d in posts
                       if _account_id(d) == account_id and string(d.get("in_reply_to_id")) == post_id]
            answered = min((a for a in answers if a is not None), default=None)
            account = post.get("account")
            author = account if isinstance(account, dict) else {}
            found[post_id] = Interaction(url=string(post.get("url")) or string(post.get("uri")),
                                         author=string(author.get("acct")), at=at,
                                         parent=urls.get(string(post.get("in_reply_to_id"))) or
                                         string(post.get("in_reply_to_id")),
                                         owner_replied_at=answered,
                                         kind="comment")
    return tuple(sorted(found.values(), key=lambda i: (i.at, i.url))), read


def _date_only(value: object) -> datetime | None:
    """``last_status_at`` is a date (``2026-11-18``); read it as that day's midnight UTC."""
    if not isinstance(value, str):
        return None
    moment = parse_date(value)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0) if moment else None


def _describe(fetched: Fetched) -> str:
    message = _error_message(fetched)
    return f"{fetched.describe()}: {message}" if message else fetched.describe()


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(MastodonPlatform())
