"""Blogger / Blogspot: posts and comments from the blog's public JSON feeds.

Reads ``/feeds/posts/default?alt=json`` and ``/feeds/comments/default?alt=json`` (no API key
needed). A comment is the owner's when its ``author[0].uri`` (a blogger.com profile) is the
commented post's author's; a threaded reply names its parent comment at the end of its
``link[rel=related]``; an owner comment starting "@Name" answers Name's earlier comment.
Last activity is the newest post or owner reply.

Recognises ``*.blogspot.com`` (and country forms like ``*.blogspot.co.uk``); discovery also
finds custom-domain blogs by ``<meta name="generator" content="blogger">``. The channel URL is
the posts feed, so the web plugin's declaration of the same feed merges into it.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import urlsplit

from auditor.parse.page import Comment, interactions_from, link_flat_replies
from auditor.parse.pages import owner_activity
from auditor.parse.feeds import parse_date
from auditor.fetch.client import Fetched
from auditor.plugin import PlatformSpec, Priority, Signal, hookimpl
from auditor.models import Activity, Channel, Confidence, Evidence, Interaction, Item, Status
from auditor.plugin import Context, Page, Platform, failed, unreadable
from auditor.plugin import Registry

BLOGSPOT = re.compile(r"^(?P<name>[a-z0-9-]+)\.blogspot\.(?:com|[a-z]{2,3}(?:\.[a-z]{2})?)$")
POSTS = "/feeds/posts/default"
COMMENTS = "/feeds/comments/default"
_TAGS = re.compile(r"<[^>]+>")


class ShapeError(ValueError):
    """The feed is JSON of an unexpected shape."""


class BloggerPlatform(Platform):
    spec = PlatformSpec(
        name="blogger", kind="blog", summary='Blogger blogs, read through their JSON feeds with comments',
        hosts=('blogspot.com', 'blogger.com'), priority=Priority.BLOG_ENGINE,
        signals=(Signal.LAST_ACTIVITY, Signal.OWNER_REPLIES)
    )
    discover_fetches = False  # discover reads the page it is given, nothing more

    def recognise(self, url: str) -> Channel | None:
        parts = urlsplit(url)
        match = BLOGSPOT.match((parts.hostname or "").lower())
        if parts.scheme not in ("http", "https") or match is None:
            return None
        if parts.path not in ("", "/", POSTS, POSTS + "/"):
            return None  # a post, a label page or a search: not the blog itself
        return Channel(platform=self.name, url=f"https://{match.group('name')}.blogspot.com{POSTS}", kind=self.kind,
                       handle=match.group("name"))

    def covers(self, channel: Channel, url: str) -> bool:
        """Every format of the blog's posts feed is this channel."""
        site, target = urlsplit(channel.url), urlsplit(url)
        return site.netloc == target.netloc and target.path.rstrip("/") == POSTS.rstrip("/")

    async def discover(self, page: Page, context: Context) -> list[Channel]:
        parts = urlsplit(page.url)
        channel = self.recognise(f"{parts.scheme}://{parts.netloc}/")
        generator = page.generator(with_content=True)
        is_blogger = generator is not None and (generator.attributes.get("content") or "").lower() == "blogger"
        if channel is None and not is_blogger:
            return []
        url = channel.url if channel else f"{parts.scheme}://{parts.netloc}{POSTS}"
        how = '<meta name="generator" content="blogger">' if is_blogger else "a blogspot.com host"
        title = page.tree.css_first("title")
        return [Channel(platform=self.name, url=url, kind=self.kind, handle=channel.handle if channel else "",
                        title=" ".join(title.text().split()) if title is not None else "",
                        confidence=Confidence.HIGH, found_by=(Evidence(page.url, how, url),))]

    async def collect(self, channel: Channel, context: Context) -> Activity:
        parts = urlsplit(channel.url)
        base = f"{parts.scheme}://{parts.netloc}"
        fetched = await context.get(f"{base}{POSTS}?alt=json")
        failure = failed(channel, fetched)
        if failure is not None:
            return failure
        try:
            feed = feed_of(fetched)
            posts = [post_of(entry) for entry in entries(feed)]
        except ShapeError as exc:
            return unreadable(channel, f"{fetched.final_url}: {exc}")
        blog_author = author_uri(feed)
        evidence = [Evidence(fetched.final_url, "posts", f"{len(posts)} of openSearch$totalResults "
                                                         f"{value(feed.get('openSearch$totalResults')) or '?'}")]
        comments_fetched = await context.get(f"{base}{COMMENTS}?alt=json")
        interactions: tuple[Interaction, ...] = ()
        owner_comments: list[Comment] = []
        if comments_fetched.ok:
            try:
                interactions, owner_comments = thread(entries(feed_of(comments_fetched)), posts, blog_author)
                evidence.append(Evidence(comments_fetched.final_url, "comments",
                                         f"{len(interactions) + len(owner_comments)} ({len(owner_comments)} by the owner)"))
            except ShapeError as exc:
                evidence.append(Evidence(comments_fetched.final_url, "comments not read", str(exc)))
        else:
            evidence.append(Evidence(comments_fetched.final_url, "comments not read", comments_fetched.describe()))
        candidates = [(p.item.published, Evidence(p.item.url, "post published", p.item.published.isoformat()))
                      for p in posts if p.item.published]
        candidates += [(c.at, Evidence(c.url, "owner reply (author uri is the post author's)",
                                       c.at.isoformat())) for c in owner_comments if c.at]
        last, source = owner_activity(candidates, context.as_of)
        return Activity(channel_url=channel.url, status=Status.OK,
                        reason=f"{len(posts)} posts and {len(interactions)} reader comments read from the JSON feeds",
                        last_activity=last, last_activity_source=source, items=tuple(p.item for p in posts),
                        interactions=interactions, title=value(feed.get("title")) or channel.title,
                        evidence=tuple(evidence))


class Post:
    __slots__ = ("ref", "item", "author")

    def __init__(self, ref: str, item: Item, author: str) -> None:
        self.ref, self.item, self.author = ref, item, author


def value(node: Any) -> str:
    """A GData ``{"$t": …}`` text node's text ("" when absent)."""
    return str(node.get("$t", "")) if isinstance(node, dict) else ""


def feed_of(fetched: Fetched) -> dict[str, Any]:
    try:
        document = fetched.json()
    except ValueError:
        raise ShapeError(f"not JSON ({fetched.content_type or 'no content type'})") from None
    feed = document.get("feed") if isinstance(document, dict) else None
    if not isinstance(feed, dict):
        raise ShapeError("JSON without a feed object")
    return feed


def entries(feed: dict[str, Any]) -> list[dict[str, Any]]:
    found = feed.get("entry", [])
    if not isinstance(found, list) or not all(isinstance(e, dict) for e in found):
        raise ShapeError("feed.entry is not a list of objects")
    return found


def author_uri(node: dict[str, Any]) -> str:
    authors = node.get("author")
    return value(authors[0].get("uri")) if isinstance(authors, list) and authors and isinstance(authors[0], dict) else ""


def author_name(node: dict[str, Any]) -> str:
    authors = node.get("author")
    return value(authors[0].get("name")) if isinstance(authors, list) and authors and isinstance(authors[0], dict) else ""


def link(node: dict[str, Any], rel: str, kind: str = "") -> str:
    for entry in node.get("link", []) if isinstance(node.get("link"), list) else []:
        if isinstance(entry, dict) and entry.get("rel") == rel and (not kind or entry.get("type") == kind):
            return str(entry.get("href", ""))
    return ""


def post_of(entry: dict[str, Any]) -> Post:
    ref = value(entry.get("id"))
    if not ref:
        raise ShapeError("a post has no id")
    item = Item(url=link(entry, "alternate", "text/html"), title=value(entry.get("title")),
                published=parse_date(value(entry.get("published"))), updated=parse_date(value(entry.get("updated"))))
    return Post(ref, item, author_uri(entry))


def thread(raw: list[dict[str, Any]], posts: list[Post], blog_author: str
           ) -> tuple[tuple[Interaction, ...], list[Comment]]:
    """Comments grouped by post, threaded, owners marked; the visitors' as interactions, and the owner's."""
    by_ref = {p.ref: p for p in posts}
    grouped: dict[str, list[Comment]] = {}
    urls: dict[str, str] = {}
    for entry in raw:
        ident = value(entry.get("id")).rsplit("post-", 1)[-1]
        reply_to = entry.get("thr$in-reply-to")
        if not ident or not isinstance(reply_to, dict):
            raise ShapeError("a comment has no id or thr$in-reply-to")
        ref, post_url = str(reply_to.get("ref", "")), str(reply_to.get("href", ""))
        post = by_ref.get(ref)
        owner = (post.author if post else "") or blog_author
        related = link(entry, "related")
        parent = "c" + related.rstrip("/").rsplit("/", 1)[-1] if related else ""
        uri = author_uri(entry)
        text = " ".join(unescape(_TAGS.sub(" ", value(entry.get("content")))).split())
        grouped.setdefault(ref, []).append(Comment(
            id=f"c{ident}", author=author_name(entry), at=parse_date(value(entry.get("published"))),
            url=link(entry, "alternate", "text/html") or f"{post_url}#c{ident}", parent=parent,
            is_owner=bool(uri) and uri == owner,
            owner_because="author uri is the post author's" if uri and uri == owner else "", text=text[:300]))
        urls[ref] = post_url
    interactions: list[Interaction] = []
    owners: list[Comment] = []
    for ref, comments in grouped.items():
        comments.sort(key=lambda c: (c.at is None, c.at, c.id))
        linked = link_flat_replies(comments)
        interactions.extend(interactions_from(linked, urls[ref]))
        owners.extend(c for c in linked if c.is_owner)
    return tuple(sorted(interactions, key=lambda i: (i.at, i.url))), owners


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(BloggerPlatform())
