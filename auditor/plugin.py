"""The plugin kit: what a platform or a rule implements, the hooks that register them, and the registry.

Plugins and rules import this module; it imports neither. A plugin is any module or object
registered under the ``auditor.plugins`` entry-point group (the built-ins use the same group).
It implements a hook by defining a function with the hook's name, decorated with
:data:`hookimpl`, taking only the arguments it needs.

A platform knows one kind of channel. It may

* ``recognise`` a URL the user named as one of its channels (canonical form or None);
* ``discover`` channel candidates on a page of the brand's own site;
* ``collect`` a channel's :class:`~auditor.models.Activity` through the shared fetcher.

It never raises for a misbehaving site: every failure becomes the Activity's status and
reason. When it cannot see activity (a login wall) it says so and never guesses.
"""

from __future__ import annotations

import asyncio
import enum
import sys
from collections.abc import Coroutine, Iterable
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Protocol, overload

import pluggy
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from auditor.collect.interstitial import interstitial_of, wall_of
from auditor.fetch.client import Fetched, Fetcher
from auditor.parse.feeds import FeedError, ParsedFeed, parse_feed
from auditor.parse.htmldepth import parse_html
from auditor.models import Activity, Brand, Channel, Evidence, Interaction, Item, Severity, Status

PROJECT = "auditor"
ENTRY_POINT_GROUP = "auditor.plugins"

hookspec: pluggy.HookspecMarker = pluggy.HookspecMarker(PROJECT)
hookimpl: pluggy.HookimplMarker = pluggy.HookimplMarker(PROJECT)


class Priority(enum.IntEnum):
    """The order in which platforms are asked to recognise a URL: lower goes first."""

    SPECIFIC = 20  # a platform with its own hosts (mastodon.social, github.com, ...)
    WALLED = 30  # a platform whose profiles sit behind a login
    HOSTED_BLOG = 40  # a blog host recognised by its domain (medium.com, *.wordpress.com, ...)
    BLOG_ENGINE = 45  # a blog engine recognised by its markup or paths
    FEED = 50  # a feed URL on any host
    DEFAULT = 100  # a platform that set none
    PAGE_SCRAPER = 900  # dates read from HTML pages: after every platform with an API or a feed
    CATCH_ALL = 1000  # any http(s) URL

# A date this far past as_of is a clock error or a scheduled post, not activity.
FUTURE_TOLERANCE = timedelta(days=1)


GENERATOR = 'meta[name="generator"]'
REL_LINKS = "a[rel][href], link[rel][href]"


@dataclass(frozen=True)
class Page:
    """One fetched HTML page of the brand's site, parsed once for every plugin to read."""

    url: str  # the final URL, after redirects
    fetched: Fetched
    tree: LexborHTMLParser
    role: str = "home"  # why discovery read it: "home" (a homepage the user gave), "about", "blog"
    # What each selector found, so plugins asking the same question walk the tree once (shared by role copies).
    found: dict[str, list[LexborNode]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def parse(cls, fetched: Fetched, role: str = "home") -> "Page":
        return cls(fetched.final_url, fetched, parse_html(fetched.text()), role)

    def css(self, selector: str) -> list[LexborNode]:
        """``tree.css(selector)``, run once per page however many plugins ask (do not change the list)."""
        nodes = self.found.get(selector)
        if nodes is None:
            nodes = self.found[selector] = self.tree.css(selector)
        return nodes

    def generator(self, *, with_content: bool = False) -> LexborNode | None:
        """The first ``<meta name="generator">`` (with ``with_content``, the first that has a content attribute)."""
        return next((n for n in self.css(GENERATOR) if not with_content or "content" in n.attributes), None)

    def links_with_rel(self) -> list[LexborNode]:
        """``link[rel][href]``, read from the one query for ``a[rel][href], link[rel][href]``."""
        return [n for n in self.css(REL_LINKS) if n.tag == "link"]

    @cached_property
    def base_url(self) -> str:
        """The URL the page's links are relative to (its ``<base href>``, else its own), looked up once."""
        base = self.tree.css_first("base[href]")
        href = base.attributes.get("href") if base is not None else None
        return urljoin(self.url, href.strip()) if href and href.strip() else self.url


class _InFlight:
    """One fetch under way in an audit: the answer its later askers wait for, and how many wait."""

    __slots__ = ("done", "waiters", "task")

    def __init__(self) -> None:
        self.done: asyncio.Future[Fetched] = asyncio.get_running_loop().create_future()
        self.waiters = 0
        self.task: asyncio.Task[None] | None = None  # the fetch restarted for the waiters, kept alive here

    async def wait(self) -> Fetched:
        self.waiters += 1
        try:  # shielded: a waiter's cancellation must not cancel the answer the others wait for
            return await asyncio.shield(self.done)
        finally:
            self.waiters -= 1

    def hand_off(self, fetch: Coroutine[Any, Any, None]) -> None:
        self.task = asyncio.ensure_future(fetch)

    def fail(self, exc: BaseException) -> None:
        if not self.waiters:  # nobody would read it (and asyncio would complain that nobody did)
            return
        if isinstance(exc, asyncio.CancelledError):
            self.done.cancel()
        else:
            self.done.set_exception(exc)


@dataclass(frozen=True)
class Context:
    """What discovery and collection may use: the fetcher, the audit's time, its credentials, and every
    response already fetched in this audit.

    Fetch through :meth:`get`: within one audit each URL (with the same headers) is requested once,
    however many platforms, pages or stages ask for it; concurrent asks share one request.
    """

    fetcher: Fetcher
    as_of: datetime
    pages: dict[str, Fetched] = field(default_factory=dict)  # done responses, by request key (see request_key)
    credentials: Mapping[str, str] = field(default_factory=dict)  # API keys and tokens, by variable name
    _pending: dict[str, _InFlight] = field(default_factory=dict, repr=False)
    parsed: dict[int, Page] = field(default_factory=dict, repr=False)  # pages parsed, by id of their response

    async def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> Fetched:
        """The response to GET ``url``: fetched earlier in this audit, in flight, or fetched now.

        The first to ask fetches in its own task; later asks wait for that answer. If the first
        asker is cancelled (its channel ran out of time) while others wait, the fetch is started
        again for them in a task of its own, so one channel's deadline never costs another its page.
        """
        key = request_key(url, headers)
        known = self.pages.get(key)
        if known is not None:
            return known
        flight = self._pending.get(key)
        if flight is not None:
            return await flight.wait()
        flight = self._pending[key] = _InFlight()
        try:
            fetched = await self._fetch(url, headers)
        except asyncio.CancelledError:
            if flight.waiters:
                flight.hand_off(self._fetch_for_waiters(key, url, headers, flight))
            else:
                del self._pending[key]
            raise
        except BaseException as exc:
            del self._pending[key]
            flight.fail(exc)
            raise
        self._settle(key, flight, fetched)
        return fetched

    async def _fetch_for_waiters(self, key: str, url: str, headers: Mapping[str, str] | None,
                                 flight: _InFlight) -> None:
        try:
            fetched = await self._fetch(url, headers)
        except BaseException as exc:
            self._pending.pop(key, None)
            flight.fail(exc)
            raise
        self._settle(key, flight, fetched)

    def _fetch(self, url: str, headers: Mapping[str, str] | None) -> Coroutine[Any, Any, Fetched]:
        return self.fetcher.get(url, headers=dict(headers) if headers else None)

    def _settle(self, key: str, flight: _InFlight, fetched: Fetched) -> None:
        del self._pending[key]
        self.pages[key] = fetched
        flight.done.set_result(fetched)

    def page(self, fetched: Fetched, role: str = "home") -> Page:
        """``fetched`` parsed as HTML, once per audit however many stages and plugins read it."""
        known = self.parsed.get(id(fetched))
        if known is None or known.fetched is not fetched:
            known = self.parsed[id(fetched)] = Page.parse(fetched, role)
        return known if known.role == role else replace(known, role=role)

    def seen(self, url: str) -> bool:
        """True when ``url`` was already fetched (without extra headers) in this audit."""
        return request_key(url, None) in self.pages



def request_key(url: str, headers: Mapping[str, str] | None) -> str:
    """What makes two GETs the same request: the URL and any extra headers."""
    if not headers:
        return url
    return url + "\x1f" + "\x1f".join(f"{k.lower()}={v}" for k, v in sorted(headers.items()))


class Signal(str, enum.Enum):
    """What a platform can read about a channel, for the README's table and ``auditor plugins``."""

    LAST_ACTIVITY = "last activity"  # the date of the newest public act
    OWNER_REPLIES = "owner replies"  # visitors' comments or questions, and whether the owner answered
    EXISTENCE = "existence"  # only whether the account exists (a login wall hides the rest)


@dataclass(frozen=True)
class PlatformSpec:
    """One platform's row: what it is, which URLs are its, and what it can see.

    A platform class sets ``spec``; its ``name``, ``kind``, ``priority`` and ``speculative``
    come from it. ``hosts`` are the hosts whose URLs it recognises (empty: it decides by
    markup or path, on any host).
    """

    name: str
    kind: str  # "website", "blog", "social", "forum", "video", "code"
    summary: str = ""
    hosts: tuple[str, ...] = ()
    priority: int = Priority.DEFAULT
    walled: bool = False  # activity sits behind a login: reported unknown, never guessed
    signals: tuple[Signal, ...] = (Signal.LAST_ACTIVITY,)
    speculative: bool = False  # recognition is a guess from the URL's shape; used only for URLs users name
    credentials: tuple[str, ...] = ()  # environment variables that unlock more (API keys)


class Platform(ABC):
    """A platform plugin: set ``spec`` (a :class:`PlatformSpec`) and implement :meth:`collect`."""

    spec: PlatformSpec = PlatformSpec(name="", kind="")
    name: str = ""
    kind: str = ""  # "website", "blog", "social", "forum", "video", "code"
    priority: int = Priority.DEFAULT  # lower recognises first; catch-alls go last
    # True when recognise() only guesses from the URL's shape (a forum-like host name): the
    # guess is used for URLs the user names, never for links found on pages.
    speculative: bool = False
    # False when discover() only reads the page it is given and never fetches: it then runs inline,
    # without a task of its own beside the fetching ones (a task per plugin per page read costs more
    # than such a discover). Saying False of a discover that fetches makes its fetches wait their turn.
    discover_fetches: bool = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "spec" in cls.__dict__:  # the row is the truth; the attributes are its short names
            cls.name, cls.kind, cls.priority, cls.speculative = (cls.spec.name, cls.spec.kind, cls.spec.priority,
                                                                 cls.spec.speculative)
        elif "name" in cls.__dict__:  # a plugin written before PlatformSpec: its row from its attributes
            cls.spec = PlatformSpec(name=cls.name, kind=cls.kind, priority=cls.priority, speculative=cls.speculative)

    def recognise(self, url: str) -> Channel | None:
        """This platform's channel for a URL (canonical url, kind, handle), or None if it is not ours.

        Return the channel with default ``confidence`` and ``found_by``: whoever found the
        URL (the user, a page's footer, a sameAs list) sets those with ``dataclasses.replace``.
        Reject share/intent links, single posts and other non-profile forms here.
        """
        return None

    def profile_url(self, handle: str) -> str | None:
        """The profile URL a bare handle would have here, for probing; None if handles mean nothing here."""
        return None

    def covers(self, channel: Channel, url: str) -> bool:
        """True when collecting ``channel`` already reads ``url`` (say, the site's own feed), so a
        separate channel for that URL would fetch and judge the same posts twice."""
        return False

    async def discover(self, page: Page, context: Context) -> list[Channel]:
        """Channel candidates found on one page of the brand's site."""
        return []

    @abstractmethod
    async def collect(self, channel: Channel, context: Context) -> Activity:
        """The channel's activity; failures become its status and reason."""


def status_of_failure(fetched: Fetched) -> tuple[Status, str] | None:
    """The Activity status for a fetch that did not answer 2xx, or None if it did."""
    if fetched.ok:
        return None
    if fetched.error:
        blocked = fetched.error_kind in ("robots", "refused")
        return (Status.BLOCKED if blocked else Status.ERROR), fetched.error
    code = fetched.status
    where = fetched.final_url
    if code == 404:
        return Status.NOT_FOUND, f"{where} answered 404 Not Found"
    if code == 410:
        return Status.GONE, f"{where} answered 410 Gone"
    if code in (401, 403, 451, 999):
        return Status.BLOCKED, f"{where} refused the request (HTTP {code})"
    if code == 429:
        return Status.ERROR, f"{where} kept rate-limiting the audit (HTTP 429)"
    return Status.ERROR, f"{where} answered HTTP {code}"


def latest(items: tuple[Item, ...], as_of: datetime) -> tuple[Item | None, datetime | None]:
    """The most recent item dated no later than ``as_of`` (plus a day of tolerance), and its date."""
    limit = as_of + FUTURE_TOLERANCE
    best: tuple[Item | None, datetime | None] = (None, None)
    for item in items:
        when = item.published or item.updated
        if when is not None and when <= limit and (best[1] is None or when > best[1]):
            best = (item, when)
    return best


def failed(channel: Channel, fetched: Fetched) -> Activity | None:
    """The channel's Activity for a fetch that failed (its status from :func:`status_of_failure`) or that
    answered 2xx with a wall instead of the channel (:func:`~auditor.collect.interstitial.wall_of`), or None."""
    outcome = status_of_failure(fetched)
    if outcome is None:
        wall = wall_of(fetched)  # a consent, age or login wall served with 200
        return behind_wall(channel, fetched, wall) if wall else None
    status, reason = outcome
    wall = "" if fetched.error else interstitial_of(fetched)
    if wall:  # a challenge or wall answered with an error code is not the channel failing
        return behind_wall(channel, fetched, wall)
    return Activity(channel_url=channel.url, status=status, reason=reason)


def behind_wall(channel: Channel, fetched: Fetched, wall: str) -> Activity:
    """The Activity of a channel hidden behind a wall: blocked, with the wall named; activity unknown."""
    return Activity(channel_url=channel.url, status=Status.BLOCKED, interstitial=wall,
                    reason=f"{fetched.final_url} showed a {wall} page (HTTP {fetched.status}) instead of the "
                           "channel; activity unknown, not broken, not gone",
                    evidence=(Evidence(fetched.final_url, "interstitial", wall),))


def unreadable(channel: Channel, reason: str, *, status: Status = Status.ERROR,
               evidence: tuple[Evidence, ...] = ()) -> Activity:
    """The Activity of a channel whose answer could not be used (junk, wrong shape, a wall): never a guess."""
    return Activity(channel_url=channel.url, status=status, reason=reason, evidence=evidence)


def activity_from(
    channel: Channel,
    items: tuple[Item, ...],
    as_of: datetime,
    *,
    date_field: str,
    fallback_url: str,
    reason: str,
    interactions: tuple[Interaction, ...] = (),
    evidence: tuple[Evidence, ...] = (),
    title: str = "",
    **facts: Any,
) -> Activity:
    """An ``ok`` Activity from what a plugin read: its last activity is the newest item no later than
    ``as_of`` (plus a day), cited as ``date_field`` at the item's URL (or ``fallback_url``)."""
    newest, when = latest(items, as_of)
    source = None
    if newest is not None and when is not None:
        source = Evidence(newest.url or fallback_url, date_field, when.isoformat())
    return Activity(channel_url=channel.url, status=Status.OK, reason=reason, last_activity=when,
                    last_activity_source=source, items=items, interactions=interactions,
                    title=title or channel.title, evidence=evidence, **facts)


@overload
def json_of(fetched: Fetched, shape: type[dict[str, Any]] = ...) -> dict[str, Any] | None: ...
@overload
def json_of(fetched: Fetched, shape: type[list[Any]]) -> list[Any] | None: ...
def json_of(fetched: Fetched, shape: type[dict[str, Any]] | type[list[Any]] = dict) -> dict[str, Any] | list[Any] | None:
    """The answer's JSON if it has ``shape`` (an object or a list), else None (junk is never an exception)."""
    try:
        document = fetched.json()
    except ValueError:
        return None
    return document if isinstance(document, shape) else None


def feed_of(channel: Channel, fetched: Fetched) -> ParsedFeed | Activity:
    """The feed an answer holds, or the channel's ``error`` Activity saying it is not a readable feed."""
    try:
        return parse_feed(fetched.body)
    except FeedError as exc:
        wall = interstitial_of(fetched)  # not the feed: a wall's markers say which wall
        if wall:
            return behind_wall(channel, fetched, wall)
        return unreadable(channel, f"{fetched.final_url}: {exc}")  # the error says what it is instead


@dataclass(frozen=True, slots=True)
class Violation:
    """What a rule found on one channel: a message a person can act on, and the facts behind it."""

    message: str
    evidence: tuple[Evidence, ...] = ()


class Rule(Protocol):
    """What a rule module (or object) provides; see :mod:`auditor.judge.rules` for the conventions."""

    CODE: str
    NAME: str
    CATEGORY: str
    SEVERITY: Severity
    Options: type[Any]
    __doc__: str | None

    def check(
        self, brand: Brand, channel: Channel, activity: Activity, options: Any, as_of: datetime
    ) -> Iterable[Violation]: ...


class UnknownName(LookupError):
    """A platform name or rule code that no plugin registered."""


@dataclass(frozen=True)
class PluginInfo:
    """One installed plugin as ``auditor plugins`` shows it: where it came from and what it added."""

    name: str  # the entry point's name
    module: str  # what the entry point loads
    distribution: str = ""  # the package that installed it
    version: str = ""
    platforms: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    error: str = ""  # why it failed to load ("" when it loaded)


@dataclass
class Registry:
    platforms: dict[str, Platform] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    load_errors: list[str] = field(default_factory=list)  # plugins that failed to load, for a person
    plugins: list[PluginInfo] = field(default_factory=list)  # the entry points read, in load order

    def add_platform(self, platform: Platform) -> None:
        if platform.name in self.platforms:
            raise ValueError(f"platform {platform.name!r} is registered twice")
        self.platforms[platform.name] = platform

    def add_rule(self, rule: Rule) -> None:
        if rule.CODE in self.rules:
            raise ValueError(f"rule {rule.CODE} is registered twice")
        self.rules[rule.CODE] = rule

    def platform(self, name: str) -> Platform:
        try:
            return self.platforms[name]
        except KeyError:
            raise UnknownName(f"unknown platform {name!r}; known: {', '.join(sorted(self.platforms))}") from None

    def rule(self, code: str) -> Rule:
        try:
            return self.rules[code.upper()]
        except KeyError:
            raise UnknownName(f"unknown rule code {code!r}; known: {', '.join(sorted(self.rules))}") from None

    def platforms_by_priority(self) -> list[Platform]:
        return sorted(self.platforms.values(), key=lambda p: (p.priority, p.name))


@hookspec
def auditor_register_platforms(registry: Registry) -> None:
    """Add platform objects (see :class:`Platform`) with ``registry.add_platform``."""


@hookspec
def auditor_register_rules(registry: Registry) -> None:
    """Add rule modules or objects (see :class:`Rule`) with ``registry.add_rule``."""


def load_registry(plugins: Iterable[object] | None = None, *, blocked: Iterable[str] = ()) -> Registry:
    """Registry from the installed ``auditor.plugins`` entry points, or from ``plugins`` when given.

    A plugin that fails to import is skipped and named in ``load_errors`` (and in its
    :class:`PluginInfo`); one bad third-party plugin must not stop an audit.
    """
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(sys.modules[__name__])
    registry = Registry()
    loaded: list[tuple[EntryPoint, str]] = []
    if plugins is None:
        skip = set(blocked)
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            if entry.name in skip or manager.has_plugin(entry.name):
                continue
            try:
                manager.register(entry.load(), name=entry.name)
                loaded.append((entry, ""))
            except Exception as exc:  # noqa: BLE001 - any import-time failure of a third-party plugin
                registry.load_errors.append(f"plugin {entry.name!r} ({entry.value}) failed to load: {exc}")
                loaded.append((entry, f"{type(exc).__name__}: {exc}"))
    else:
        for plugin in plugins:
            manager.register(plugin)
    manager.check_pending()
    manager.hook.auditor_register_platforms(registry=registry)
    manager.hook.auditor_register_rules(registry=registry)
    named = _distribution_names(entry for entry, _ in loaded)
    registry.plugins.extend(_info(entry, error, registry, named) for entry, error in loaded)
    return registry


def _distribution_names(entries: Iterable[EntryPoint]) -> dict[EntryPoint, tuple[str, str]]:
    """(name, version) of the distribution of each entry point, each distribution's metadata read
    once: the built-in plugins are two dozen entry points of one package. (The entry points hold
    their distributions, so no ``id`` below is reused while this runs.)"""
    read: dict[int, tuple[str, str]] = {}
    named: dict[EntryPoint, tuple[str, str]] = {}
    for entry in entries:
        dist = entry.dist
        if dist is None:
            named[entry] = ("", "")
            continue
        if id(dist) not in read:
            metadata = dist.metadata
            read[id(dist)] = (metadata["Name"], metadata["Version"])
        named[entry] = read[id(dist)]
    return named


def _info(entry: EntryPoint, error: str, registry: Registry, named: dict[EntryPoint, tuple[str, str]]) -> PluginInfo:
    """What one entry point added, told apart by the modules its platforms and rules are defined in."""
    module = entry.value.split(":")[0]

    def ours(defined_in: str) -> bool:
        return defined_in == module or defined_in.startswith(module + ".")

    platforms = tuple(name for name, p in registry.platforms.items() if ours(type(p).__module__))
    rules = tuple(code for code, r in registry.rules.items()
                  if ours(getattr(r, "__name__", "") or type(r).__module__))
    distribution, version = named[entry]
    return PluginInfo(name=entry.name, module=entry.value, distribution=distribution, version=version,
                      platforms=platforms, rules=rules, error=error)
