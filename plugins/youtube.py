"""YouTube channels: when the channel last uploaded, and (with an API key) whether it answers comments.

Reads, through the shared fetcher:

* the channel page (``/@handle``, ``/c/name``, ``/user/name``) for the channel ID
  (``UC`` + 22 characters): ``<link rel="canonical">``, ``<meta itemprop="identifier">``
  or ``itemprop="channelId"``, ``"externalId":"UC…"`` in the page's data, or the RSS
  ``<link rel="alternate">``. An unknown channel answers 404; a terminated one says so;
* a consent page (``consent.youtube.com``), cookie wall, robot check or age gate in place of
  the channel page is never a verdict: the channel ID is then taken from the brand's own
  page that linked the channel (a ``/channel/UC…`` link or a subscribe button's
  ``data-channelid``), and when none names it the status is blocked with the wall in
  ``interstitial`` (activity unknown; never broken, never gone);
* the uploads feed ``https://www.youtube.com/feeds/videos.xml?channel_id=UC…`` (Atom, the
  latest 15 videos): the newest video's ``published`` is the last activity, except
  - the channel trailer (the channel page's featured video for visitors,
    ``channelVideoPlayerRenderer``), which is marked pinned and is never the newest. It is
    known when the channel page was read for the ID (``/@handle``, ``/c/``, ``/user/``); a
    channel named by its ID costs the feed alone, so its trailer is not looked for;
  - a scheduled premiere or live stream: the feed lists it, dated when it was set up, before
    anyone can watch it (``media:statistics views="0"``). For such a newest entry the watch
    page is read (at most :data:`PREMIERE_CHECKS`); a ``startDate`` after the audit's time
    (with ``isLiveBroadcast``) makes the item dated when it airs, never the newest. The feed
  answers 404 or 500 now and then for channels that exist, so a failed feed is checked
  against the channel page: a page that answers 200 means the channel exists (status
  ok, last activity unknown, and the reason says why); only a 404 page means not_found;
* with ``YOUTUBE_API_KEY`` in the credentials (sent as the ``X-Goog-Api-Key`` header, so
  the key never appears in URLs, logs or reports), the Data API's
  ``commentThreads?part=snippet,replies&videoId=…`` for the five newest videos: each
  top-level comment by someone else is an interaction, answered at the first reply whose
  ``authorChannelId.value`` is the channel's ID (``comments?parentId=…`` is read when the
  thread holds more replies than the answer includes). Without a key, comments are not
  read and the reason says so.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from selectolax.lexbor import LexborHTMLParser

from auditor.parse.feeds import FeedError, parse_date, parse_feed
from auditor.collect.interstitial import interstitial_of
from auditor.fetch.client import Fetched
from auditor.plugin import PlatformSpec, Priority, Signal, hookimpl
from auditor.parse.jsonshape import string
from auditor.models import Activity, Channel, Evidence, Interaction, Item, Status
from auditor.plugin import Context, Platform, latest, status_of_failure
from auditor.plugin import Registry

SITE = "https://www.youtube.com"
API = "https://www.googleapis.com/youtube/v3"
KEY_NAME = "YOUTUBE_API_KEY"
VIDEOS_READ = 5  # newest videos whose comments are read
REPLY_PAGES = 10  # comments?parentId= reads per channel, for threads with more replies than shown
PREMIERE_CHECKS = 3  # watch pages read per channel, for unwatched newest entries that may be scheduled

CHANNEL_ID = re.compile(r"^UC[0-9A-Za-z_-]{22}$")
ID_IN_TEXT = re.compile(r"/channel/(UC[0-9A-Za-z_-]{22})|channel_id=(UC[0-9A-Za-z_-]{22})")
EXTERNAL_ID = re.compile(r'"externalId"\s*:\s*"(UC[0-9A-Za-z_-]{22})"')
NAME = re.compile(r"^[^\s/?#@]{1,100}$")
HOSTS = ("youtube.com", "www.youtube.com", "m.youtube.com")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
TERMINATED = ("This account has been terminated", "This channel was removed because it violated")
YT = "{http://www.youtube.com/xml/schemas/2015}"
ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
TRAILER = re.compile(r'"channelVideoPlayerRenderer"\s*:\s*\{\s*"videoId"\s*:\s*"([0-9A-Za-z_-]{11})"')


class YouTubePlatform(Platform):
    spec = PlatformSpec(
        name="youtube", kind="video", summary='YouTube channels: uploads feed; comments with an API key',
        hosts=('youtube.com',), priority=Priority.SPECIFIC, signals=(Signal.LAST_ACTIVITY, Signal.OWNER_REPLIES),
        credentials=('YOUTUBE_API_KEY',)
    )

    def recognise(self, url: str) -> Channel | None:
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in HOSTS:
            return None  # youtu.be and youtube-nocookie.com only ever link videos
        segments = [s for s in parts.path.split("/") if s]
        if not segments:
            return None
        first = segments[0]
        if first.startswith("@") and NAME.match(first[1:]):
            handle = first.lower()
            return Channel(platform=self.name, url=f"{SITE}/{handle}", kind=self.kind, handle=handle)
        if first == "channel" and len(segments) >= 2 and CHANNEL_ID.match(segments[1]):
            return Channel(platform=self.name, url=f"{SITE}/channel/{segments[1]}", kind=self.kind,
                           handle=segments[1])
        if first in ("c", "user") and len(segments) >= 2 and NAME.match(segments[1]):
            return Channel(platform=self.name, url=f"{SITE}/{first}/{segments[1]}", kind=self.kind,
                           handle=segments[1])
        if segments == ["feeds", "videos.xml"]:
            ids = parse_qs(parts.query).get("channel_id", [])
            if ids and CHANNEL_ID.match(ids[0]):
                return Channel(platform=self.name, url=f"{SITE}/channel/{ids[0]}", kind=self.kind, handle=ids[0])
        return None  # watch?v=, /shorts/, /embed/, /live/, /playlist, /results, ...

    async def collect(self, channel: Channel, context: Context) -> Activity:
        evidence: list[Evidence] = []
        page: Fetched | None = None
        path = urlsplit(channel.url).path
        channel_id = path.split("/")[-1] if path.startswith("/channel/") else ""
        if not channel_id:
            page = await context.get(channel.url)
            wall = interstitial_of(page)
            if wall:
                channel_id, found_in = _id_from_brand_pages(channel, context)
                if not channel_id:
                    return _walled(channel, page, wall)
                evidence.append(Evidence(page.final_url, f"{wall} page instead of the channel", page.final_url))
                page = None
            else:
                missing = _missing(channel, page)
                if missing is not None:
                    return missing
                channel_id, found_in = _channel_id(page)
                if not channel_id:
                    return Activity(channel_url=channel.url, status=Status.ERROR,
                                    reason=f"{page.final_url} answered, but no channel ID could be read from it")
            evidence.append(Evidence(page.final_url if page is not None else channel.url,
                                     f"channel ID ({found_in})", channel_id))

        feed_url = f"{SITE}/feeds/videos.xml?channel_id={channel_id}"
        feed = await context.get(feed_url)
        if not feed.ok:
            return await self._feed_failed(channel, context, channel_id, page, feed, evidence)
        try:
            parsed = parse_feed(feed.body)
        except FeedError as exc:
            return Activity(channel_url=channel.url, status=Status.ERROR, reason=f"{feed_url}: {exc}",
                            evidence=tuple(evidence))
        videos, unwatched = _feed_videos(feed.body, parsed.items)
        items, scheduled = await _not_uploads(parsed.items, videos, unwatched, page, context, evidence)
        newest, when = latest(tuple(i for i in items if not i.pinned and i.url not in scheduled), context.as_of)
        source = None
        reasons = [f"{len(items)} videos in the uploads feed (it lists the latest 15)"]
        if newest is not None and when is not None:
            source = Evidence(newest.url or feed_url, "newest video published", when.isoformat())
        else:
            reasons.append("the uploads feed lists no dated video")

        interactions: tuple[Interaction, ...] = ()
        key = context.credentials.get(KEY_NAME, "")
        if key:
            interactions, note = await _comments(channel_id, videos, key, context, evidence)
            if note:
                reasons.append(note)
        else:
            reasons.append(f"comments not read: they need the YouTube Data API and no {KEY_NAME} was given")
            evidence.append(Evidence(channel.url, "responsiveness", f"not read (no {KEY_NAME})"))
        return Activity(channel_url=channel.url, status=Status.OK, reason="; ".join(reasons), last_activity=when,
                        last_activity_source=source, items=items, interactions=interactions,
                        title=parsed.title or channel.title, evidence=tuple(evidence))

    async def _feed_failed(self, channel: Channel, context: Context, channel_id: str, page: Fetched | None,
                           feed: Fetched, evidence: list[Evidence]) -> Activity:
        """A failed uploads feed proves nothing by itself: the channel page decides whether the channel exists."""
        trouble = feed.error or f"HTTP {feed.status}"
        evidence.append(Evidence(feed.url, "uploads feed", trouble))
        if page is None:
            page = await context.get(f"{SITE}/channel/{channel_id}")
            missing = _missing(channel, page, f"the uploads feed also failed ({trouble})")
            if missing is not None:
                return missing
        evidence.append(Evidence(page.final_url, "channel page", f"HTTP {page.status}"))
        return Activity(channel_url=channel.url, status=Status.OK, last_activity=None, evidence=tuple(evidence),
                        title=_page_title(page) or channel.title,
                        reason=f"uploads feed unavailable ({trouble}; YouTube's feed fails now and then for "
                               f"channels that exist); the channel page answered {page.status}, so the channel "
                               f"exists, but its last upload is unknown")


# -- the trailer and scheduled premieres ----------------------------------------------------

async def _not_uploads(items: tuple[Item, ...], pairs: list[tuple[str, Item]], unwatched: set[str],
                       page: Fetched | None, context: Context,
                       evidence: list[Evidence]) -> tuple[tuple[Item, ...], set[str]]:
    """The feed's items with the channel trailer marked pinned and scheduled premieres dated when they
    air, and the URLs of those scheduled items (neither is ever the newest upload). ``pairs`` and
    ``unwatched`` are the feed's videos as :func:`_feed_videos` read them."""
    if not pairs:
        return items, set()
    match = TRAILER.search(page.text()) if page is not None and page.ok and not interstitial_of(page) else None
    trailer = match.group(1) if match else ""
    changed: dict[int, Item] = {}
    scheduled: set[str] = set()
    for video, item in pairs:
        if page is not None and video == trailer:
            changed[id(item)] = replace(item, pinned=True)
            evidence.append(Evidence(page.final_url, "channel trailer (never the newest)", item.url or video))
    checks = 0
    for video, item in pairs:
        if video == trailer:
            continue
        if video not in unwatched or checks >= PREMIERE_CHECKS:
            break
        checks += 1
        watch = await context.get(f"{SITE}/watch?v={quote(video, safe='')}")
        start = _scheduled_start(watch)
        if start is None or start <= context.as_of:
            break  # a fresh upload nobody has watched yet, or a premiere that has aired: an upload
        changed[id(item)] = replace(item, published=start, updated=None)
        scheduled.add(item.url)
        evidence.append(Evidence(watch.final_url, "scheduled premiere (startDate; not yet aired)", start.isoformat()))
    return tuple(changed.get(id(i), i) for i in items), scheduled


def _scheduled_start(watch: Fetched) -> datetime | None:
    """When a live broadcast or premiere starts, from its watch page's ``startDate`` (None: not one)."""
    if not watch.ok:
        return None
    tree = LexborHTMLParser(watch.text())
    live = tree.css_first('meta[itemprop="isLiveBroadcast"]')
    start = tree.css_first('meta[itemprop="startDate"]')
    if live is None or start is None or (live.attributes.get("content") or "").strip().lower() != "true":
        return None
    return parse_date((start.attributes.get("content") or "").strip())


# -- the channel page ------------------------------------------------------------------------

BRAND_CHANNEL_ID = re.compile(r'/channel/(UC[0-9A-Za-z_-]{22})|data-channelid="(UC[0-9A-Za-z_-]{22})"')


def _id_from_brand_pages(channel: Channel, context: Context) -> tuple[str, str]:
    """The channel ID the brand's own pages that link the channel name (a subscribe button, a
    ``/channel/UC…`` link), when they name exactly one; nothing is fetched."""
    for evidence in channel.found_by:
        page = context.pages.get(evidence.url)
        if page is None or not page.ok:
            continue
        ids = {a or b for a, b in BRAND_CHANNEL_ID.findall(page.text())}
        if len(ids) == 1:
            return ids.pop(), f"the brand's page {evidence.url}"
    return "", ""


def _walled(channel: Channel, page: Fetched, wall: str) -> Activity:
    """A channel page hidden behind a consent page, cookie wall, robot check or age gate: activity unknown."""
    return Activity(channel_url=channel.url, status=Status.BLOCKED, interstitial=wall,
                    reason=f"YouTube showed a {wall} page ({page.final_url}) instead of the channel, and no "
                           "channel ID could be found another way: activity unknown (not broken, not gone)",
                    evidence=(Evidence(page.final_url, "interstitial", wall),))


def _missing(channel: Channel, page: Fetched, also: str = "") -> Activity | None:
    """The Activity when the channel page shows no usable channel (missing, terminated, failed)."""
    tail = f"; {also}" if also else ""
    text = page.text() if page.body else ""
    if any(marker in text for marker in TERMINATED):
        return Activity(channel_url=channel.url, status=Status.GONE,
                        reason=f"{page.final_url} says the channel was terminated{tail}",
                        evidence=(Evidence(page.final_url, "page text", "This account has been terminated"),))
    if page.ok:
        wall = interstitial_of(page)
        return _walled(channel, page, wall) if wall else None
    if page.status == 404:
        return Activity(channel_url=channel.url, status=Status.NOT_FOUND,
                        reason=f"{page.final_url} answered 404 Not Found: no such channel{tail}")
    outcome = status_of_failure(page)
    status, reason = outcome if outcome is not None else (Status.ERROR, page.describe())
    return Activity(channel_url=channel.url, status=status, reason=reason + tail)


def _channel_id(page: Fetched) -> tuple[str, str]:
    """The channel ID a channel page declares, and where it was found ("" if nowhere)."""
    text = page.text()
    tree = LexborHTMLParser(text)
    canonical = tree.css_first('link[rel="canonical"]')
    found = _id_in(canonical.attributes.get("href") if canonical is not None else None)
    if found:
        return found, 'link rel="canonical"'
    for prop in ("identifier", "channelId"):
        meta = tree.css_first(f'meta[itemprop="{prop}"]')
        value = (meta.attributes.get("content") or "").strip() if meta is not None else ""
        if CHANNEL_ID.match(value):
            return value, f'meta itemprop="{prop}"'
    match = EXTERNAL_ID.search(text)
    if match:
        return match.group(1), '"externalId"'
    for link in tree.css('link[rel="alternate"]'):
        if "rss" in (link.attributes.get("type") or ""):
            found = _id_in(link.attributes.get("href"))
            if found:
                return found, 'RSS link rel="alternate"'
    return "", ""


def _id_in(href: str | None) -> str:
    match = ID_IN_TEXT.search(href or "")
    return (match.group(1) or match.group(2)) if match else ""


def _page_title(page: Fetched) -> str:
    if not page.ok:
        return ""
    meta = LexborHTMLParser(page.text()).css_first('meta[property="og:title"]')
    return (meta.attributes.get("content") or "").strip() if meta is not None else ""


def _feed_videos(body: bytes, items: tuple[Item, ...]) -> tuple[list[tuple[str, Item]], set[str]]:
    """From one read of the uploads feed: (yt:videoId, item) for its entries, newest first, and the
    IDs of the videos nobody has watched yet (``media:statistics views="0"``)."""
    try:
        root = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, SafeET.ParseError):
        return [], set()
    ids: list[str] = []
    unwatched: set[str] = set()
    for entry in root.iter(f"{ATOM}entry"):
        video = (entry.findtext(f"{YT}videoId") or "").strip()
        ids.append(video)
        statistics = entry.find(f"{MEDIA}group/{MEDIA}community/{MEDIA}statistics")
        if statistics is not None and (statistics.get("views") or "").strip() == "0":
            unwatched.add(video)
    pairs = [(video, item) for video, item in zip(ids, items) if video]
    return sorted(pairs, key=lambda p: p[1].published or p[1].updated or _EPOCH, reverse=True), unwatched


# -- comments (Data API) ----------------------------------------------------------------------

async def _comments(channel_id: str, videos: list[tuple[str, Item]], key: str, context: Context,
                    evidence: list[Evidence]) -> tuple[tuple[Interaction, ...], str]:
    """Top-level comments by others on the newest videos, with the channel's first reply to each."""
    headers = {"X-Goog-Api-Key": key}
    found: list[Interaction] = []
    reply_pages = 0
    for video_id, item in videos[:VIDEOS_READ]:
        url = f"{API}/commentThreads?part=snippet,replies&videoId={quote(video_id, safe='')}&maxResults=100"
        fetched = await context.get(url, headers=headers)
        if not fetched.ok:
            reason = _api_reason(fetched)
            if reason == "commentsDisabled":
                evidence.append(Evidence(url, "comments", "disabled on this video"))
                continue
            return _sorted(found), (f"comments not read past video {video_id}: the Data API answered "
                                    f"{fetched.status or fetched.error} ({reason or 'no reason given'})")
        try:
            threads = fetched.json().get("items")
        except (ValueError, AttributeError):
            return _sorted(found), f"comments not read: {url} did not answer Data API JSON"
        if not isinstance(threads, list):
            return _sorted(found), f"comments not read: {url} answered JSON without items"
        evidence.append(Evidence(url, "comment threads read", str(len(threads))))
        for thread in threads:
            snippet = _dict(thread, "snippet")
            top = _dict(_dict(snippet, "topLevelComment"), "snippet")
            at = parse_date(string(top.get("publishedAt")))
            if at is None or _author_id(top) == channel_id:
                continue  # the owner's own comments are not said to it
            shown = _dict(thread, "replies").get("comments")
            replies = [_dict(r, "snippet") for r in shown if isinstance(r, dict)] if isinstance(shown, list) else []
            answered = _first_owner_reply(replies, channel_id)
            total = snippet.get("totalReplyCount")
            if answered is None and isinstance(total, int) and total > len(replies) and reply_pages < REPLY_PAGES:
                reply_pages += 1
                parent_id = string(_dict(snippet, "topLevelComment").get("id")) or string(thread.get("id"))
                answered = await _all_replies(parent_id, channel_id, headers, context)
            comment_id = string(thread.get("id"))
            found.append(Interaction(url=f"{SITE}/watch?v={video_id}&lc={comment_id}",
                                     author=string(top.get("authorDisplayName")), at=at, parent=item.url,
                                     owner_replied_at=answered, kind="comment"))
    return _sorted(found), ""


def _sorted(interactions: list[Interaction]) -> tuple[Interaction, ...]:
    return tuple(sorted(interactions, key=lambda i: (i.at, i.url)))


async def _all_replies(parent_id: str, channel_id: str, headers: dict[str, str],
                       context: Context) -> datetime | None:
    """The channel's first reply among all replies to one comment (None: none, or unreadable)."""
    url = f"{API}/comments?part=snippet&parentId={quote(parent_id, safe='')}&maxResults=100"
    fetched = await context.get(url, headers=headers)
    if not fetched.ok:
        return None
    try:
        comments = fetched.json().get("items")
    except (ValueError, AttributeError):
        return None
    if not isinstance(comments, list):
        return None
    return _first_owner_reply([_dict(c, "snippet") for c in comments if isinstance(c, dict)], channel_id)


def _first_owner_reply(replies: list[dict[str, Any]], channel_id: str) -> datetime | None:
    times = [parse_date(string(r.get("publishedAt"))) for r in replies if _author_id(r) == channel_id]
    return min((t for t in times if t is not None), default=None)


def _author_id(snippet: dict[str, Any]) -> str:
    return string(_dict(snippet, "authorChannelId").get("value"))


def _api_reason(fetched: Fetched) -> str:
    try:
        errors = fetched.json()["error"]["errors"]
        return string(errors[0]["reason"])
    except (ValueError, KeyError, IndexError, TypeError):
        return ""


def _dict(value: object, *keys: str) -> dict[str, Any]:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else {}


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(YouTubePlatform())
