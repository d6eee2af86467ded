"""Self-hosted WordPress: posts and comments through the REST API, or feeds and pages when it is closed.

Discovery: a homepage that declares ``<link rel="https://api.w.org/">`` (or the same in a
``Link`` header, or a ``WordPress`` generator meta) is a WordPress site; its channel is the
REST root it declares (``…/wp-json/``). The web plugin still yields the site's ``/feed/``
as a separate feed channel.

Collection tries, in order, and says in the evidence which one it used:

1. ``/wp-json/wp/v2/posts?per_page=…&_fields=…`` (pages while ``X-WP-TotalPages`` says there
   are more and posts are younger than a year, or while no page so far holds a dated post
   that is not sticky, up to :data:`MAX_POST_PAGES`), then ``/wp/v2/comments?post=ID&per_page=100``
   for the newest posts. A comment whose ``author`` is not 0 was written by a site user: the
   owner (the post's author, or another user of the site). ``parent`` threads it.
2. ``/?rest_route=/wp/v2/posts…`` when the pretty route answers 401/403, 404 or not JSON
   (pretty permalinks off; some security plugins block only one form).
3. ``/feed/`` for posts, ``/comments/feed/`` to learn which posts have comments, and the
   HTML of those and the newest posts (bounded) read with :func:`auditor.parse.page.extract_page`.

Last activity is the newest post or owner reply. A ``sticky`` post (read from the posts'
``sticky`` field) is shown on top whatever its date, so it is never the newest.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from html import unescape
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from auditor.parse.page import Comment, interactions_from, link_flat_replies
from auditor.parse.pages import owner_activity, page_activity, read_posts
from auditor.parse.feeds import FeedError, parse_date, parse_feed
from auditor.fetch.client import Fetched, refusal
from auditor.plugin import PlatformSpec, Priority, Signal, hookimpl
from auditor.models import Activity, Channel, Confidence, Evidence, Interaction, Item, Status
from auditor.plugin import Context, Page, Platform, latest, status_of_failure
from auditor.plugin import Registry

API_REL = "https://api.w.org/"
POSTS_PER_PAGE = 10
MAX_POST_PAGES = 3
COMMENT_POSTS = 5  # the newest posts whose comments are read
MAX_COMMENT_PAGES = 3
MAX_HTML_POSTS = 3  # post pages read on the feed path
LOOKBACK = timedelta(days=365)
POST_FIELDS = "id,date_gmt,modified_gmt,author,comment_status,link,title,sticky"
_TAGS = re.compile(r"<[^>]+>")


class ShapeError(ValueError):
    """The API answered JSON of an unexpected shape."""


def api_link(headers: httpx.Headers) -> str:
    """The REST API root a ``Link:`` header names (``rel="https://api.w.org/"``), or "".

    Read by httpx's parser, which splits the header once (linear in its length; a regex
    looking for ``<…>`` took 22 s on a 99 KB header of unclosed brackets)."""
    links = httpx.Response(200, headers={"link": headers.get("link", "")}).links
    return next((link.get("url", "") for link in links.values() if API_REL in link.get("rel", "").split()), "")


class WordPressPlatform(Platform):
    spec = PlatformSpec(
        name="wordpress", kind="blog",
        summary='WordPress sites through the REST API (posts and comments), or their feeds',
        hosts=('wordpress.com',), priority=Priority.HOSTED_BLOG,
        signals=(Signal.LAST_ACTIVITY, Signal.OWNER_REPLIES)
    )
    discover_fetches = False  # discover reads the page it is given, nothing more

    def recognise(self, url: str) -> Channel | None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return None
        path = parts.path.rstrip("/")
        if path.endswith("/wp-json") or (path == "" and "rest_route=" in parts.query):
            root = path.removesuffix("/wp-json")
            return Channel(platform=self.name, url=f"{parts.scheme}://{parts.netloc}{root}/wp-json/", kind=self.kind)
        return None

    def covers(self, channel: Channel, url: str) -> bool:
        """The site's main posts and comments feeds are read by this channel's feed fallback."""
        site, target = urlsplit(channel.url), urlsplit(url)
        if (site.scheme, site.netloc) != (target.scheme, target.netloc):
            return False
        root = site.path.removesuffix("/wp-json/").rstrip("/")
        path = target.path.rstrip("/")
        return path in {f"{root}/feed", f"{root}/comments/feed", f"{root}/feed/atom", f"{root}/feed/rss2"} or (
            path == root and target.query in ("feed=rss2", "feed=atom"))

    async def discover(self, page: Page, context: Context) -> list[Channel]:
        api, how = "", ""
        node = page.tree.css_first(f'link[rel="{API_REL}"][href]')
        if node is not None:
            api, how = urljoin(page.base_url, (node.attributes.get("href") or "").strip()), f'<link rel="{API_REL}">'
        elif API_REL in page.fetched.headers.get("link", ""):
            target = api_link(page.fetched.headers)
            if target:
                api, how = urljoin(page.url, target), f'Link header rel="{API_REL}"'
        if not api:
            generator = page.generator(with_content=True)
            if generator is None or not (generator.attributes.get("content") or "").startswith("WordPress"):
                return []
            parts = urlsplit(page.url)
            api, how = f"{parts.scheme}://{parts.netloc}/wp-json/", '<meta name="generator" content="WordPress …">'
        channel = self.recognise(api)
        if channel is None or refusal(channel.url):
            return []
        title = page.tree.css_first("title")
        return [Channel(platform=self.name, url=channel.url, kind=self.kind,
                        title=" ".join(title.text().split()) if title is not None else "",
                        confidence=Confidence.HIGH, found_by=(Evidence(page.url, how, api),))]

    async def collect(self, channel: Channel, context: Context) -> Activity:
        site = site_root(channel.url)
        refusals: list[str] = []
        for style in ("pretty", "plain"):
            first = await context.get(posts_url(site, style, 1))
            verdict = rest_verdict(first)
            if verdict is None:
                try:
                    return await collect_rest(channel, context, site, style, first)
                except ShapeError as exc:
                    return Activity(channel_url=channel.url, status=Status.ERROR,
                                    reason=f"{first.final_url}: unexpected REST API answer: {exc}")
            refusals.append(f"{first.final_url}: {verdict}")
        return await collect_feeds(channel, context, site, refusals)


def site_root(api_url: str) -> str:
    parts = urlsplit(api_url)
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/').removesuffix('/wp-json')}"


def route_url(site: str, style: str, route: str, query: str) -> str:
    if style == "pretty":
        return f"{site}/wp-json{route}?{query}"
    return f"{site}/?rest_route={route}&{query}"


def posts_url(site: str, style: str, page: int) -> str:
    query = f"per_page={POSTS_PER_PAGE}&_fields={POST_FIELDS}" + (f"&page={page}" if page > 1 else "")
    return route_url(site, style, "/wp/v2/posts", query)


def comments_url(site: str, style: str, post_id: int, page: int) -> str:
    query = f"post={post_id}&per_page=100" + (f"&page={page}" if page > 1 else "")
    return route_url(site, style, "/wp/v2/comments", query)


def rest_verdict(fetched: Fetched) -> str | None:
    """None when the answer is a usable REST posts list; otherwise why this route is closed."""
    if fetched.error:
        return fetched.error
    try:
        body = fetched.json()
    except ValueError:
        body = None
    code = body.get("code") if isinstance(body, dict) else None
    if fetched.status in (401, 403):
        return f"HTTP {fetched.status}" + (f" {code}" if code else "") + " (the REST API is closed to visitors)"
    if fetched.status == 404:
        return "HTTP 404" + (f" {code}" if code else " (no REST route)")
    if not fetched.ok:
        return f"HTTP {fetched.status}" + (f" {code}" if code else "")
    if body is None:
        return f"not JSON ({fetched.content_type or 'no content type'})"
    if not isinstance(body, list):
        return "JSON that is not a list of posts" + (f" ({code})" if code else "")
    return None


def total_pages(fetched: Fetched) -> int:
    try:
        return max(1, int(fetched.headers.get("x-wp-totalpages", "1")))
    except ValueError:
        return 1


def gmt(value: Any, what: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ShapeError(f"{what} is {type(value).__name__}, not a date string")
    parsed = parse_date(value)
    if parsed is None:
        raise ShapeError(f"{what} {value!r} is not a date")
    return parsed  # date_gmt has no offset: parse_date reads it as UTC, which it is


def rendered(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("rendered", "")
    return " ".join(unescape(_TAGS.sub(" ", value if isinstance(value, str) else "")).split())


def post_record(raw: Any) -> tuple[int, int, Item]:
    if not isinstance(raw, dict):
        raise ShapeError("a post is not an object")
    post_id, author = raw.get("id"), raw.get("author", 0)
    if not isinstance(post_id, int) or not isinstance(author, int):
        raise ShapeError("a post has no integer id or author")
    item = Item(url=str(raw.get("link") or ""), title=rendered(raw.get("title")),
                published=gmt(raw.get("date_gmt"), f"post {post_id} date_gmt"),
                updated=gmt(raw.get("modified_gmt"), f"post {post_id} modified_gmt"),
                pinned=raw.get("sticky") is True)
    return post_id, author, item


def comment_record(raw: Any, post_author: int, post_url: str) -> Comment:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), int):
        raise ShapeError("a comment is not an object with an integer id")
    ident, user, parent = raw["id"], raw.get("author", 0), raw.get("parent", 0)
    if not isinstance(user, int) or not isinstance(parent, int):
        raise ShapeError(f"comment {ident} has a non-integer author or parent")
    when = gmt(raw.get("date_gmt"), f"comment {ident} date_gmt")
    because = ("comment author is the post's author (user %d)" % user if user == post_author
               else "comment by a user of the site (user %d)" % user if user else "")
    return Comment(id=f"comment-{ident}", author=str(raw.get("author_name") or ""), at=when,
                   url=str(raw.get("link") or f"{post_url}#comment-{ident}"),
                   parent=f"comment-{parent}" if parent else "", is_owner=user != 0, owner_because=because,
                   text=rendered(raw.get("content"))[:300])


async def collect_rest(channel: Channel, context: Context, site: str, style: str, first: Fetched) -> Activity:
    route = "/wp-json/" if style == "pretty" else "?rest_route="
    evidence = [Evidence(channel.url, "read through", f"the REST API ({route})")]
    posts: list[tuple[int, int, Item]] = []
    fetched, page = first, 1
    while True:
        body = fetched.json()
        if not isinstance(body, list):
            raise ShapeError("the posts answer is not a list")
        posts.extend(post_record(raw) for raw in body)
        oldest = min((p[2].published for p in posts if p[2].published and not p[2].pinned), default=None)
        if page >= min(total_pages(fetched), MAX_POST_PAGES) or (oldest and oldest < context.as_of - LOOKBACK):
            break
        page += 1
        fetched = await context.get(posts_url(site, style, page))
        if rest_verdict(fetched) is not None:
            evidence.append(Evidence(fetched.final_url, "posts page not read", fetched.describe()))
            break
    evidence.append(Evidence(first.final_url, "posts read", f"{len(posts)} of X-WP-Total "
                                                          f"{first.headers.get('x-wp-total', '?')}"))
    stickies = sum(1 for p in posts if p[2].pinned)
    if stickies:
        evidence.append(Evidence(first.final_url, "sticky posts (never the newest)", str(stickies)))
    if page > 1:
        evidence.append(Evidence(first.final_url, "pages of posts read",
                                 f"{page} of X-WP-TotalPages {total_pages(first)} (at most {MAX_POST_PAGES})"))
    items = tuple(p[2] for p in posts)
    recent = sorted((p for p in posts if p[2].published and p[2].published >= context.as_of - LOOKBACK),
                    key=lambda p: p[2].published, reverse=True)[:COMMENT_POSTS]  # type: ignore[arg-type, return-value]
    interactions: list[Interaction] = []
    owner_replies: list[Comment] = []
    for post_id, author, item in recent:
        comments = await read_comments(context, site, style, post_id, author, item.url, evidence)
        interactions.extend(interactions_from(comments, item.url))
        owner_replies.extend(c for c in comments if c.is_owner)
    newest, when = latest(tuple(i for i in items if not i.pinned), context.as_of)
    candidates = [(when, Evidence(newest.url, "post date_gmt", when.isoformat()) if newest and when else None)]
    candidates += [(c.at, Evidence(c.url, f"owner reply ({c.owner_because})", c.at.isoformat() if c.at else ""))
                   for c in owner_replies]
    last, source = owner_activity(((w, e) for w, e in candidates if e is not None), context.as_of)
    return Activity(channel_url=channel.url, status=Status.OK,
                    reason=f"{len(posts)} posts and comments on the newest {len(recent)} read through the REST API",
                    last_activity=last, last_activity_source=source, items=items,
                    interactions=tuple(interactions), title=channel.title, evidence=tuple(evidence))


async def read_comments(context: Context, site: str, style: str, post_id: int, post_author: int, post_url: str,
                        evidence: list[Evidence]) -> list[Comment]:
    comments: list[Comment] = []
    for page in range(1, MAX_COMMENT_PAGES + 1):
        fetched = await context.get(comments_url(site, style, post_id, page))
        if rest_verdict(fetched) is not None:
            evidence.append(Evidence(fetched.final_url, "comments not read", rest_verdict(fetched) or ""))
            break
        comments.extend(comment_record(raw, post_author, post_url) for raw in fetched.json())
        if page >= total_pages(fetched):
            break
    comments.sort(key=lambda c: (c.at or datetime.min.replace(tzinfo=timezone.utc), c.id))
    return link_flat_replies(comments)


async def collect_feeds(channel: Channel, context: Context, site: str, refusals: list[str]) -> Activity:
    why = "; ".join(refusals)
    feed_url = f"{site}/feed/"
    fetched = await context.get(feed_url)
    failure = status_of_failure(fetched)
    if failure is not None:
        return Activity(channel_url=channel.url, status=failure[0],
                        reason=f"REST API closed ({why}) and the feed failed: {failure[1]}")
    try:
        feed = parse_feed(fetched.body)
    except FeedError as exc:
        return Activity(channel_url=channel.url, status=Status.ERROR,
                        reason=f"REST API closed ({why}) and {fetched.final_url}: {exc}")
    evidence = [Evidence(channel.url, "read through", "the feeds and post pages (the REST API is closed)"),
                *(Evidence(site, "REST API refused", r) for r in refusals),
                Evidence(fetched.final_url, "posts feed", f"{len(feed.items)} items ({feed.format})")]
    comment_posts: list[str] = []
    comments_feed = await context.get(f"{site}/comments/feed/")
    if comments_feed.ok:
        try:
            comment_items = parse_feed(comments_feed.body).items
            newest_first = sorted(comment_items, key=lambda i: i.published or datetime.min.replace(tzinfo=timezone.utc),
                                  reverse=True)
            comment_posts = [i.url.split("#", 1)[0] for i in newest_first if i.url]
            evidence.append(Evidence(comments_feed.final_url, "comments feed", f"{len(comment_items)} items"))
        except FeedError as exc:
            evidence.append(Evidence(comments_feed.final_url, "comments feed not read", str(exc)))
    else:
        evidence.append(Evidence(comments_feed.final_url, "comments feed not read", comments_feed.describe()))
    posts = sorted((i for i in feed.items if i.url), key=lambda i: i.published or datetime.min.replace(
        tzinfo=timezone.utc), reverse=True)
    order = [posts[0].url] if posts else []
    order += comment_posts + [p.url for p in posts[1:]]
    read = await read_posts(order, context, MAX_HTML_POSTS)
    evidence.extend(read.evidence)
    newest, when = latest(feed.items, context.as_of)
    candidates = [(when, Evidence(newest.url if newest else feed_url, f"{feed.format} item {feed.date_field}",
                                  when.isoformat() if when else ""))]
    candidates += [c for c in page_activity(read.pages) if "owner reply" in c[1].field]
    last, source = owner_activity(candidates, context.as_of)
    return Activity(channel_url=channel.url, status=Status.OK,
                    reason=f"REST API closed ({why}); read the feed ({len(feed.items)} posts) "
                           f"and {len(read.pages)} post pages",
                    last_activity=last, last_activity_source=source, items=feed.items,
                    interactions=read.interactions, title=feed.title or channel.title, evidence=tuple(evidence))


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(WordPressPlatform())
