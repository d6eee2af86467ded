"""Discourse forums: when people last posted, and whether the forum's staff answer new topics.

Reads a forum's public JSON (the same URLs as its pages, plus ``.json``):

* ``{forum}/latest.json``: ``topic_list.topics[]`` (``created_at``, ``last_posted_at``,
  ``posts_count``, ``pinned``, ``category_id``, ``posters[]``) and ``users[]``
  (``admin``/``moderator``). Last activity is the newest ``last_posted_at``;
* ``{forum}/about.json``: ``about.admins``, ``about.moderators`` and
  ``about.category_moderators`` (users, or ``{category_id, moderators}`` groups), whose
  ``last_seen_at`` gives the staff's last visit (evidence);
* ``{forum}/t/{id}.json`` for the newest topics opened by visitors (at most
  ``TOPICS_READ``): ``post_stream.posts[]`` with ``username``, ``created_at``,
  ``post_number`` and the staff markers ``staff``/``admin``/``moderator``/``group_moderator``.

Each visitor topic is an interaction (kind ``topic``, author = original poster); it is
answered when a staff member or a category moderator posted in it, the first such post
being the owner's reply. A topic with one post is unanswered without another request.

A Discourse forum cannot be told from its URL alone, so :meth:`recognise` accepts only
hosts named like forums (``forum.``, ``discuss.``, ``discourse.``, ``community.``) and
:meth:`discover` confirms forums by their ``<meta name="generator" content="Discourse …">``:
on the page itself, or on a forum-looking page the brand's site links to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from auditor.parse.feeds import parse_date
from auditor.fetch.client import Fetched, refusal
from auditor.plugin import GENERATOR, PlatformSpec, Priority, Signal, hookimpl
from auditor.models import Activity, Channel, Confidence, Evidence, Interaction, Item, Status
from auditor.plugin import Context, Page, Platform, failed, json_of
from auditor.plugin import Registry

FORUM_HOST_PREFIXES = ("forum.", "forums.", "discuss.", "discourse.", "community.")
FORUM_PATH_NAMES = frozenset({"forum", "forums", "community", "discuss", "discourse"})
# Forum-wide lists that name the forum itself (anything else, like /t/ or /u/, is one item).
LIST_PATHS = re.compile(r"^/(?:(?:latest|categories|top|new|hot)(?:\.json)?/?|c/.*)?$")
ROUTES = frozenset({"latest", "categories", "top", "new", "hot", "c", "t", "u", "g", "tag", "tags", "about",
                    "search", "login", "signup"})
TOPICS_READ = 10  # newest visitor topics whose posts are read
PROBES = 3  # forum-looking links on a brand page that discover() may fetch
# Every forum host prefix holds a forum path name: a link whose href, and whose page's base URL,
# hold none cannot be a forum link, and is passed over without being resolved.
FORUM_WORDS = re.compile("|".join(sorted(FORUM_PATH_NAMES)), re.IGNORECASE)
_DROPPED_FROM_URLS = str.maketrans("", "", "\t\r\n")  # urlsplit removes these anywhere in a URL
LINKS_SCANNED = 5000  # links of one page looked at for forum links (a hostile page may hold 500,000)


@dataclass(frozen=True)
class Staff:
    """Who speaks for the forum: admins and moderators, and category moderators."""

    names: frozenset[str]
    category_names: frozenset[str]
    last_seen: tuple[datetime, str] | None  # the most recent staff visit, and who

    def speaks_for_forum(self, post: dict[str, Any]) -> bool:
        if any(post.get(flag) is True for flag in ("staff", "admin", "moderator", "group_moderator")):
            return True
        name = str(post.get("username", "")).lower()
        return name in self.names or name in self.category_names


class DiscoursePlatform(Platform):
    spec = PlatformSpec(
        name="discourse", kind="forum", summary='Discourse forums: latest topics and who of the staff answered',
        priority=Priority.SPECIFIC, signals=(Signal.LAST_ACTIVITY, Signal.OWNER_REPLIES), speculative=True
    )

    def recognise(self, url: str) -> Channel | None:
        try:
            parts = urlsplit(url if "//" in url else f"https://{url}")
            host = (parts.hostname or "").lower().rstrip(".")
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or not host.startswith(FORUM_HOST_PREFIXES):
            return None
        if host.count(".") < 1 or not LIST_PATHS.match(parts.path or "/"):
            return None
        netloc = host if parts.port in (None, 443, 80) else f"{host}:{parts.port}"
        return Channel(platform=self.name, url=f"https://{netloc}/", kind=self.kind, handle=host)

    async def discover(self, page: Page, context: Context) -> list[Channel]:
        generator = discourse_generator(page)
        if generator:
            base = forum_base(page.url)
            return [Channel(platform=self.name, url=base, kind=self.kind, handle=urlsplit(base).hostname or "",
                            confidence=Confidence.HIGH,
                            found_by=(Evidence(page.url, '<meta name="generator">', generator),))]
        found: list[Channel] = []
        for url in self._forum_links(page, PROBES):
            fetched = await context.get(url)
            if not fetched.ok or "html" not in fetched.content_type:
                continue
            generator = discourse_generator(context.page(fetched))  # parsed once per audit
            if generator:
                base = forum_base(fetched.final_url)
                found.append(Channel(
                    platform=self.name, url=base, kind=self.kind, handle=urlsplit(base).hostname or "",
                    confidence=Confidence.MEDIUM,
                    found_by=(Evidence(page.url, "link to a forum", url),
                              Evidence(fetched.final_url, '<meta name="generator">', generator))))
        return found

    def _forum_links(self, page: Page, wanted: int) -> list[str]:
        """Up to ``wanted`` links to other hosts named like forums, or to a /forum-style folder of
        this site, from the page's first :data:`LINKS_SCANNED` links."""
        here = urlsplit(page.url)
        anywhere = FORUM_WORDS.search(page.base_url.translate(_DROPPED_FROM_URLS)) is not None  # links inherit it
        links: list[str] = []
        for node in page.css("a[href]")[:LINKS_SCANNED]:
            if len(links) >= wanted:
                break
            href = (node.attributes.get("href") or "").strip()
            if not anywhere and FORUM_WORDS.search(href.translate(_DROPPED_FROM_URLS)) is None:
                continue
            url = urljoin(page.base_url, href)
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            first = parts.path.strip("/").split("/")[0].lower()
            other_forum = host != here.hostname and host.startswith(FORUM_HOST_PREFIXES)
            same_site_forum = host == here.hostname and first in FORUM_PATH_NAMES
            if (other_forum or same_site_forum) and not refusal(url):
                url = url.split("#")[0]
                if url not in links:
                    links.append(url)
        return links

    async def collect(self, channel: Channel, context: Context) -> Activity:
        base = channel.url if channel.url.endswith("/") else channel.url + "/"
        latest_url = urljoin(base, "latest.json")
        fetched = await context.get(latest_url)
        if not fetched.ok:
            return _failure(channel, fetched)
        data = json_of(fetched)
        topic_list = data.get("topic_list") if data else None
        topics = topic_list.get("topics") if isinstance(topic_list, dict) else None
        if data is None or not isinstance(topics, list):  # topics only come from data
            return Activity(channel_url=channel.url, status=Status.ERROR,
                            reason=f"{fetched.final_url} is not a Discourse topic list (no topic_list.topics)")
        topics = [t for t in topics if isinstance(t, dict) and isinstance(t.get("id"), int)]
        users = {u.get("id"): u for u in (data.get("users") or []) if isinstance(u, dict)}

        evidence: list[Evidence] = []
        staff = await _staff(base, context, evidence)
        items = tuple(_item(base, t) for t in topics)
        newest: tuple[datetime, dict[str, Any]] | None = None
        for topic in topics:
            when = parse_date(topic.get("last_posted_at")) or parse_date(topic.get("bumped_at"))
            if when is not None and when <= context.as_of and (newest is None or when > newest[0]):
                newest = (when, topic)
        source = None
        if newest is not None:
            source = Evidence(_topic_url(base, newest[1]), "topic last_posted_at", newest[0].isoformat())

        interactions: list[Interaction] = []
        visitor_topics = [t for t in topics if not _opened_by_staff(t, users, staff)]
        visitor_topics.sort(key=lambda t: parse_date(t.get("created_at")) or datetime.min.replace(
            tzinfo=context.as_of.tzinfo), reverse=True)
        unread = 0
        for topic in visitor_topics[:TOPICS_READ]:
            interaction = await _topic_interaction(base, topic, users, staff, context)
            if interaction is None:
                unread += 1
            else:
                interactions.append(interaction)
        if unread:
            evidence.append(Evidence(base, "responsiveness incomplete", f"{unread} topics could not be read"))

        reason = f"{len(topics)} topics listed; {len(interactions)} recent visitor topics read"
        if not topics:
            reason = "the forum lists no topics"
        return Activity(
            channel_url=channel.url,
            status=Status.OK,
            reason=reason,
            last_activity=newest[0] if newest else None,
            last_activity_source=source,
            items=items,
            interactions=tuple(interactions),
            title=channel.title,
            evidence=tuple(evidence),
        )


def discourse_generator(page: Page) -> str:
    """The generator meta's content when it names Discourse, else ""."""
    for node in page.css(GENERATOR):
        content = (node.attributes.get("content") or "").strip()
        if content.lower().startswith("discourse"):
            return content
    return ""


def forum_base(url: str) -> str:
    """The forum's root URL for one of its pages (subfolder installs keep their folder)."""
    parts = urlsplit(url)
    kept: list[str] = []
    for segment in [s for s in parts.path.split("/") if s]:
        if segment.lower() in ROUTES:
            break
        kept.append(segment)
    path = "/" + "".join(f"{s}/" for s in kept)
    return f"{parts.scheme}://{parts.netloc}{path}"


async def _staff(base: str, context: Context, evidence: list[Evidence]) -> Staff:
    """The forum's staff from about.json; an empty set (noted) when it cannot be read."""
    about_url = urljoin(base, "about.json")
    fetched = await context.get(about_url)
    data = json_of(fetched) if fetched.ok else None
    about = data.get("about") if data else None
    if not isinstance(about, dict):
        evidence.append(Evidence(about_url, "staff unknown", fetched.describe() if not fetched.ok else "no about"))
        return Staff(frozenset(), frozenset(), None)
    staff_users = [u for key in ("admins", "moderators") for u in _list(about.get(key)) if isinstance(u, dict)]
    category_users: list[dict[str, Any]] = []
    for entry in _list(about.get("category_moderators")):
        if isinstance(entry, dict) and isinstance(entry.get("moderators"), list):
            category_users += [u for u in entry["moderators"] if isinstance(u, dict)]
        elif isinstance(entry, dict):
            category_users.append(entry)
    seen = [(when, str(u.get("username", ""))) for u in staff_users + category_users
            if (when := parse_date(u.get("last_seen_at"))) is not None and when <= context.as_of]
    last_seen = max(seen) if seen else None
    if last_seen is not None:
        evidence.append(Evidence(about_url, "last staff activity", f"{last_seen[0].isoformat()} ({last_seen[1]})"))
    return Staff(
        names=frozenset(str(u.get("username", "")).lower() for u in staff_users if u.get("username")),
        category_names=frozenset(str(u.get("username", "")).lower() for u in category_users if u.get("username")),
        last_seen=last_seen,
    )


def _opened_by_staff(topic: dict[str, Any], users: dict[Any, Any], staff: Staff) -> bool:
    """Whether the topic's original poster speaks for the forum (their topics are not questions to it)."""
    for poster in _list(topic.get("posters")):
        if isinstance(poster, dict) and "original poster" in str(poster.get("description", "")).lower():
            user = users.get(poster.get("user_id")) or {}
            if user.get("admin") or user.get("moderator"):
                return True
            return str(user.get("username", "")).lower() in staff.names | staff.category_names
    return False


async def _topic_interaction(base: str, topic: dict[str, Any], users: dict[Any, Any], staff: Staff,
                             context: Context) -> Interaction | None:
    url = _topic_url(base, topic)
    opened = parse_date(topic.get("created_at"))
    if opened is None:
        return None
    if topic.get("posts_count") == 1:
        return Interaction(url=url, author=_original_poster(topic, users), at=opened, parent=base, kind="topic")
    fetched = await context.get(urljoin(base, f"t/{topic['id']}.json"))
    data = json_of(fetched) if fetched.ok else None
    stream = data.get("post_stream") if data else None
    posts = [p for p in _list(stream.get("posts") if isinstance(stream, dict) else None) if isinstance(p, dict)]
    if not posts:
        return None
    first = min(posts, key=_post_number)
    if staff.speaks_for_forum(first):
        return None  # the staff opened it (a flag that latest.json's users[] did not show)
    replies = [when for p in posts
               if isinstance(p.get("post_number"), int) and p["post_number"] > 1 and staff.speaks_for_forum(p)
               and (when := parse_date(p.get("created_at"))) is not None]
    return Interaction(url=url, author=str(first.get("username", "")), at=opened, parent=base,
                       owner_replied_at=min(replies) if replies else None, kind="topic")


def _original_poster(topic: dict[str, Any], users: dict[Any, Any]) -> str:
    for poster in _list(topic.get("posters")):
        if isinstance(poster, dict) and "original poster" in str(poster.get("description", "")).lower():
            return str((users.get(poster.get("user_id")) or {}).get("username", ""))
    return ""


def _topic_url(base: str, topic: dict[str, Any]) -> str:
    slug = topic.get("slug") if isinstance(topic.get("slug"), str) else "topic"
    return urljoin(base, f"t/{slug}/{topic['id']}")


def _item(base: str, topic: dict[str, Any]) -> Item:
    return Item(url=_topic_url(base, topic), title=str(topic.get("title", "")),
                published=parse_date(topic.get("created_at")), updated=parse_date(topic.get("last_posted_at")))


def _failure(channel: Channel, fetched: Fetched) -> Activity:
    """Discourse's JSON errors: not_found, not_logged_in (a login-only forum), else the HTTP status.

    A 404 without Discourse's JSON body means the host is some other site, not a missing forum.
    """
    data = json_of(fetched)
    error_type = str(data.get("error_type", "")) if data else ""
    if fetched.status in (401, 403) and error_type in ("not_logged_in", "invalid_access"):
        return Activity(channel_url=channel.url, status=Status.LOGIN_WALL,
                        reason=f"{fetched.final_url}: the forum is visible to members only ({error_type})")
    failure = failed(channel, fetched)
    assert failure is not None
    if fetched.status == 404 and not error_type:
        return Activity(channel_url=channel.url, status=Status.ERROR,
                        reason=f"{fetched.final_url} answered 404 without Discourse's JSON error: "
                               "this does not look like a Discourse forum")
    if error_type:
        return Activity(channel_url=channel.url, status=failure.status, reason=f"{failure.reason} ({error_type})")
    return failure


def _post_number(post: dict[str, Any]) -> int:
    number = post.get("post_number")
    return number if isinstance(number, int) else 1 << 30


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(DiscoursePlatform())
