"""The one way the auditor talks HTTP: polite, bounded, and never raising for a bad site.

A :class:`Fetcher` wraps one shared ``httpx.AsyncClient`` and adds what a crawler of
other people's sites owes them and its user:

* a global and a per-host concurrency limit, plus a minimum gap between request starts
  to one host (stretched by robots.txt ``Crawl-delay`` and by ``Retry-After``);
* retries with exponential backoff and jitter on connect errors, timeouts, 408, 429 and
  5xx, honouring ``Retry-After`` up to a cap (beyond it, the answer is reported as is);
  a host that does not resolve, refuses connections, fails its TLS certificate or that the
  proxy cannot reach is not retried, and is remembered as dead for :data:`DEAD_HOST_SECONDS`,
  so the next request to it (robots.txt, another page) fails at once with the same reason;
* rate-limit headers: a response saying no requests are left in the window
  (``X-RateLimit-Remaining: 0``, ``RateLimit-Remaining: 0``) delays the host's next request
  until the window resets (``X-RateLimit-Reset``/``RateLimit-Reset``: epoch seconds, seconds
  to go, or an ISO time), up to the same cap;
* robots.txt, fetched once per origin and obeyed unless told otherwise;
* a cap on body size (streamed; gzip and deflate are inflated by the fetcher itself no
  further than the cap, each layer of a stacked ``gzip, gzip`` too, and at most two layers, so
  a huge or decompression-bomb body is never held whole), on
  redirects (each hop is checked again), and on total time per request;
* no requests to loopback, private or link-local addresses or non-HTTP schemes unless
  allowed, so a page cannot steer the crawler into an internal network: literals in any
  spelling, and, on direct connections, whatever a name resolves to (:mod:`auditor.fetch.guard`);
* a ``Retry-After`` longer than the cap is reported, never waited for, not even by the
  host's next request.

Every call returns a :class:`Fetched`; failures are values with a kind and a reason.
Proxies and CA bundles come from the environment (``HTTPS_PROXY``, ``NO_PROXY``,
``SSL_CERT_FILE``) exactly as httpx reads them.
"""

from __future__ import annotations

import asyncio
import codecs
import email.message
import email.utils
import functools
import json
import re
import socket
import sys
import time
import zlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import Any, cast
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego
from tenacity import (
    DoAttempt,
    DoSleep,
    RetryCallState,
    Retrying,
    retry_if_exception,
    retry_if_result,
    stop_after_attempt,
    stop_any,
    stop_before_delay,
)
from tenacity.stop import stop_base
from tenacity.wait import wait_exponential_jitter

from auditor import __version__
from auditor.fetch import credentials
from auditor.fetch.guard import AddressRefused, guarded, refusal  # noqa: F401 - refusal is re-exported
from auditor.fetch.pool import keep_idle_connections
from auditor.fetch.wire import DEPARTING, pace_writes
from auditor.models import FetchStats, RequestRecord
from auditor.parse.sitemaps import sitemap_lines

USER_AGENT_TOKEN = "presence-auditor"
USER_AGENT = f"{USER_AGENT_TOKEN}/{__version__} (+https://pypi.org/project/presence-auditor/)"
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Connections kept open (FetchSettings.open_connections, in use or idle): more than may be in use at
# once (max_connections), so each host a batch is still working on keeps its connection between its
# requests (a brand's site is asked five to ten times, each a gap apart, and the shared platform
# hosts all through the batch); when the pool is full the idle one unused the longest makes room.
# The pool's bookkeeping is auditor.fetch.pool's, a lookup per request by origin (httpcore's own
# closes idle connections once more than the idle limit are open in all, and is quadratic):
# benchmarks/throughput.py measures handshakes per request.
DEAD_HOST_SECONDS = 300.0  # how long a host that does not exist or refuses connections stays condemned
MAX_ENCODING_LAYERS = 2  # Content-Encoding layers unwrapped (a server misconfigured twice sends gzip, gzip)
HOSTS_REMEMBERED = 2048  # per-host pacing and robots.txt state kept for this many recent hosts
_RECORDING: ContextVar[list[RequestRecord] | None] = ContextVar("auditor_request_records", default=None)
# Sees each request's record and response as they are made, and may replace them (auditor.archive:
# recorded there, and answered with the recorded timings on replay).
FetchObserver = Callable[[RequestRecord, "Fetched | None"], "tuple[RequestRecord, Fetched | None]"]
_OBSERVER: ContextVar[FetchObserver | None] = ContextVar("auditor_fetch_observer", default=None)


@dataclass(frozen=True, kw_only=True)
class FetchSettings:
    """How hard and how long the auditor may knock. Defaults suit auditing other people's sites."""

    user_agent: str = USER_AGENT
    max_connections: int = 64  # requests in flight at once
    open_connections: int = 256  # connections kept open, in use or idle between a host's requests
    per_host: int = 8
    min_gap: float = 0.05  # seconds between request starts to one host
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0  # per attempt, headers to last byte
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 10
    retries: int = 3  # attempts after the first
    backoff: float = 0.5  # first backoff, doubled each retry, with jitter
    backoff_max: float = 30.0
    retry_after_cap: float = 60.0  # longer Retry-After values end the retries
    respect_robots: bool = True
    allow_private: bool = False


@dataclass(frozen=True)
class Fetched:
    """The outcome of one GET: a response (any status) or a failure with a kind and a reason."""

    url: str
    final_url: str
    status: int | None
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes = b""
    error: str = ""  # for a person: why there is no usable response
    error_kind: str = ""  # timeout | connect | tls | too_large | redirects | robots | refused | protocol
    redirects: tuple[str, ...] = ()
    redirect_statuses: tuple[int, ...] = ()  # the status of each hop in ``redirects`` (301, 302, 307, 308)
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def ok(self) -> bool:
        return not self.error and self.status is not None and 200 <= self.status < 300

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        """The body decoded by its declared charset, else UTF-8; undecodable bytes are replaced.

        The charset is the header's; for an HTML page whose header names none, the page's own
        ``<meta charset>`` (or ``http-equiv`` Content-Type) in its first 1024 bytes, as browsers do.
        """
        for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
            if self.body.startswith(bom):  # a byte-order mark outranks any label, as in browsers
                return self.body.decode(codec, errors="replace").lstrip("\ufeff")
        charset = _header_charset(self.headers.get("content-type"))
        if charset is None and self.content_type in ("", "text/html", "application/xhtml+xml"):
            charset = _meta_charset(self.body)
        if charset:
            try:
                return self.body.decode(charset, errors="replace")
            except (LookupError, ValueError):  # a charset Python does not know, or one with a NUL in it
                pass
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError:  # unlabelled and not UTF-8: the web's default legacy encoding
            return self.body.decode("cp1252", errors="replace")

    def json(self) -> Any:
        """The body as JSON; raises ValueError for anything else (an HTML error page, say)."""
        return json.loads(self.body)

    def describe(self) -> str:
        """One line for a report: the failure, or the status."""
        if self.error:
            return self.error
        return f"HTTP {self.status} from {self.final_url}"


_META_CHARSET = re.compile(rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
# Labels the web treats as windows-1252, whatever Python's codec of the same name does with 0x80-0x9F.
_WINDOWS_1252_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii",
                                  "cp819", "ibm819", "iso_8859-1"})


@functools.lru_cache(maxsize=256)
def _header_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type value, read as httpx reads it (``Response.charset_encoding``),
    looked up once per distinct value: a batch sees a handful, and building a Response for it costs 0.1 ms."""
    if content_type is None:
        return None
    message = email.message.Message()
    message["content-type"] = content_type
    return message.get_content_charset(failobj=None)


def _meta_charset(body: bytes) -> str | None:
    """The charset a page declares in a meta tag within its first 1024 bytes, if Python knows it."""
    match = _META_CHARSET.search(body[:1024])
    if match is None:
        return None
    label = match.group(1).decode("ascii").lower()
    if label in _WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "utf-8" if name.startswith("utf-16") else name  # bytes read as ASCII cannot be UTF-16


@dataclass(frozen=True)
class _Raw:
    status: int
    headers: httpx.Headers
    body: bytes


class _Failure(Exception):
    def __init__(self, kind: str, message: str, *, transient: bool, sent: bool = True) -> None:
        super().__init__(message)
        self.kind = kind
        self.transient = transient
        self.sent = sent  # False when no request left: the host was already known dead
        self.attempts = 1


def _retried_failure(exc: BaseException) -> bool:
    """The retry policy for a failed attempt: only a transient failure is tried again."""
    return isinstance(exc, _Failure) and exc.transient


def _retried_answer(raw: _Raw) -> bool:
    """The retry policy for an answer: only the statuses that say "later" are asked again."""
    return raw.status in RETRY_STATUSES


@dataclass
class _HostSlot:
    semaphore: asyncio.Semaphore
    gap: float
    next_start: float = 0.0  # the time booked for the next attempt to start
    last_sent: float = float("-inf")  # when the latest request's headers were written
    active: int = 0  # attempts waiting for or holding the semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # held by the request whose headers are leaving
    dead: tuple[str, str] | None = None  # (kind, reason) of a final connect or TLS failure
    dead_until: float = 0.0  # when that verdict lapses and the host may be tried again
    # True once the host is seen to speak HTTP/1.1 (or its transport reports no headers leaving): each
    # request takes its turn as its headers start; until then, before it enters the pool (HTTP/2).
    turn_at_headers: bool = False


@dataclass
class _Departure:
    """One attempt's turn to send its headers to its host (see :meth:`Fetcher._send_pacer`)."""

    slot: _HostSlot
    sleep: Callable[[float], Awaitable[None]]
    holding: bool = False
    tunnelling: bool = False  # the proxy's CONNECT is sending its headers (not a request to the host)
    reported: bool = False  # the transport told when this request's headers left
    at_write: bool = False  # the turn is taken as the headers are written (:mod:`auditor.fetch.wire`)

    async def take_turn(self) -> None:
        """Hold the host until these headers are out, one gap after the previous request's."""
        await self.slot.lock.acquire()
        self.holding = True
        wait = self.slot.last_sent + self.slot.gap - time.monotonic()
        if wait > 0:  # the previous request's headers left less than a gap ago
            await self.sleep(wait)

    def leave(self) -> None:
        """The headers are out (or failed): the next request to the host may go one gap from now."""
        if self.holding:
            self.holding = False
            self.slot.last_sent = time.monotonic()
            self.slot.lock.release()


@dataclass(frozen=True)
class CacheSettings:
    """An HTTP cache kept between runs: successful GETs are reused for ``max_age`` seconds."""

    directory: Path
    max_age: float = 3600.0

    @property
    def database(self) -> Path:
        return self.directory / "http-cache.sqlite"


def make_client(
    settings: FetchSettings = FetchSettings(), *, cache: CacheSettings | None = None, **overrides: Any
) -> httpx.AsyncClient:
    """The shared client: HTTP/1.1 and HTTP/2, our timeouts and pool size, proxies from the environment.

    With ``cache``, responses are kept in a SQLite file between runs (hishel), so a nightly
    job re-fetches only what is older than ``max_age``; proxies and CA settings still apply.
    """
    options: dict[str, Any] = dict(
        http2=True,
        timeout=httpx.Timeout(
            settings.read_timeout, connect=settings.connect_timeout, pool=settings.total_timeout
        ),
        limits=httpx.Limits(
            max_connections=max(settings.max_connections, settings.open_connections),
            max_keepalive_connections=max(settings.max_connections, settings.open_connections),
        ),
        headers={"User-Agent": settings.user_agent},
        # No cookies are kept: an audit reads public pages, and a jar shared across brands
        # would carry one site's state into the next request and cost time on every call.
        cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
        follow_redirects=False,
    )
    options.update(overrides)
    if cache is None:
        return keep_idle_connections(guarded(httpx.AsyncClient(**options), allow_private=settings.allow_private))
    from hishel.httpx import AsyncCacheClient

    from auditor.fetch.cache import cache_storage

    cache.directory.mkdir(parents=True, exist_ok=True)
    storage = cache_storage(cache.database, cache.max_age)  # never stores a credentialed exchange
    return keep_idle_connections(guarded(AsyncCacheClient(storage=storage, **options),
                                         allow_private=settings.allow_private))



def _from_cache(response: httpx.Response) -> bool:
    """Whether the HTTP cache (hishel) answered: no request left, which says nothing of the host."""
    return bool(getattr(response.extensions.get("caching"), "from_cache", False))


class stop_when(stop_base):
    """A tenacity stop condition from a plain predicate over the retry state."""

    def __init__(self, predicate: Callable[[RetryCallState], bool]) -> None:
        self.predicate = predicate

    def __call__(self, retry_state: RetryCallState) -> bool:
        return self.predicate(retry_state)

class Fetcher:
    """Polite GETs through one shared client. Create one per audit run and share it."""

    # On a host known to speak HTTP/1.1, a request takes its turn as its headers are written to the
    # connection (:mod:`auditor.fetch.wire`) when the client's pools allow it; else through the
    # transport's ``trace`` extension (:meth:`_send_pacer`), which costs more per request.
    turns_at_write = True

    def __init__(
        self,
        client: httpx.AsyncClient,
        settings: FetchSettings = FetchSettings(),
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        keep_records: bool = True,
    ) -> None:
        self.client = client
        self.settings = settings
        self.keep_records = keep_records
        self.records: list[RequestRecord] = []  # every request, when keep_records (off for big batches)
        self._sleep = sleep
        self._at_write = self.turns_at_write and pace_writes(client)
        self._global = asyncio.Semaphore(settings.max_connections)
        # Per-host state, least recently used first; idle hosts beyond HOSTS_REMEMBERED are
        # forgotten so a batch of any length holds a bounded amount (a forgotten host that comes
        # back gets a fresh slot and its robots.txt read again).
        self._slots: OrderedDict[str, _HostSlot] = OrderedDict()
        self._robots: OrderedDict[str, asyncio.Future[Protego | str | None]] = OrderedDict()
        self._robots_sitemaps: dict[str, tuple[str, ...]] = {}  # kept small: only the Sitemap lines
        self._backoff = wait_exponential_jitter(multiplier=settings.backoff, max=settings.backoff_max)
        # One policy for every request, asked what to do next by :meth:`_retried`, each request's
        # state in its own RetryCallState; the callbacks below never await, so concurrent fetches
        # share the object safely (its statistics, unused, are the latest call's).
        self._retrying = Retrying(
            # No attempt starts once total_timeout has passed since the first: a server that
            # trickles or stalls costs at most two total timeouts, however many retries are allowed.
            stop=stop_any(stop_after_attempt(settings.retries + 1), stop_when(self._stop_on_long_retry_after),
                          stop_before_delay(settings.total_timeout)),
            wait=self._wait,
            retry=retry_if_exception(_retried_failure) | retry_if_result(_retried_answer),
            reraise=True,
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
        )

    # -- public ----------------------------------------------------------------------
    async def get(self, url: str, *, headers: dict[str, str] | None = None) -> Fetched:
        """GET ``url``, following redirects; every outcome is a :class:`Fetched`."""
        started = time.monotonic()
        deadline = asyncio.get_running_loop().time() + 2 * self.settings.total_timeout
        attempts = 0
        hops: list[str] = []
        hop_statuses: list[int] = []
        current = url
        result: Fetched | None = None
        try:
            for _ in range(self.settings.max_redirects + 1):
                reason = refusal(current, allow_private=self.settings.allow_private)
                if reason:
                    raise _Failure("refused", reason, transient=False)
                try:  # one deadline for the URL, however many hops and retries it takes
                    async with asyncio.timeout_at(deadline):
                        if self.settings.respect_robots:
                            await self._check_robots(current)
                        response, tries = await self._with_retries(current, headers)
                except TimeoutError:
                    raise _Failure("timeout", f"no answer from {url} within {2 * self.settings.total_timeout:g} s "
                                   "(redirects and retries included)", transient=False) from None
                attempts += tries
                location = header(response.headers, "location") if response.status in REDIRECT_STATUSES else None
                if location:
                    hops.append(current)
                    hop_statuses.append(response.status)
                    current = urljoin(current, location.strip())
                    headers = credentials.for_redirect(headers, hops[-1], current)  # none to another origin
                    if current in hops:
                        raise _Failure("redirects", f"redirect loop: {' -> '.join([*hops, current])}", transient=False)
                    if time.monotonic() - started > self.settings.total_timeout:  # a slow chain ends too
                        raise _Failure("timeout", f"{url} did not arrive within {self.settings.total_timeout:g} s "
                                                  f"({len(hops)} redirects)", transient=False)
                    continue
                result = Fetched(url, current, response.status, response.headers, response.body, redirects=tuple(hops),
                                 redirect_statuses=tuple(hop_statuses))
                break
            else:
                raise _Failure(
                    "redirects", f"more than {self.settings.max_redirects} redirects from {url}", transient=False
                )
        except _Failure as failure:
            result = Fetched(url, current, None, error=str(failure), error_kind=failure.kind, redirects=tuple(hops))
            attempts += failure.attempts
        return self._record(url, result.status, result.body, started, attempts, result.error, result) or result

    def _record(self, url: str, status: int | None, body: bytes, started: float, attempts: int, error: str,
                fetched: Fetched | None = None) -> Fetched | None:
        record = RequestRecord(url, status, len(body), round(time.monotonic() - started, 6), attempts, error)
        observer = _OBSERVER.get()
        if observer is not None:
            record, fetched = observer(record, fetched)
        if self.keep_records:
            self.records.append(record)
        bucket = _RECORDING.get()
        if bucket is not None:
            bucket.append(record)
        return fetched

    @contextmanager
    def recording(self) -> Iterator[list[RequestRecord]]:
        """Collect the records of the requests made by this task and the tasks it starts (one audit)."""
        bucket: list[RequestRecord] = []
        token = _RECORDING.set(bucket)
        try:
            yield bucket
        finally:
            _RECORDING.reset(token)

    @staticmethod
    @contextmanager
    def observed(observer: FetchObserver) -> Iterator[None]:
        """Show ``observer`` every request made by this task and the tasks it starts (one audit)."""
        token = _OBSERVER.set(observer)
        try:
            yield
        finally:
            _OBSERVER.reset(token)

    def stats(self, records: list[RequestRecord] | None = None) -> FetchStats:
        """Totals over ``records`` (one audit's, see :meth:`recording`), or over all kept records."""
        return summarise(self.records if records is None else records)


    # -- retries ---------------------------------------------------------------------
    async def _with_retries(self, url: str, headers: dict[str, str] | None) -> tuple[_Raw, int]:
        key = _slot_key(url)
        dead = self._known_dead(self._slots.get(key))
        if dead is not None:  # nothing is sent: the host failed for good a moment ago
            dead.attempts = 0
            raise dead
        tries = [0]
        try:
            response: _Raw = await self._retried(self._counted_attempt, tries, url, key, headers)
        except _Failure as failure:
            failure.attempts = tries[0] if failure.sent else tries[0] - 1
            raise
        return response, tries[0]

    async def _retried(self, attempt: Callable[..., Awaitable[_Raw]], *args: Any) -> _Raw:
        """``attempt(*args)`` as often as the retry policy says, sleeping its waits. The policy is
        tenacity's synchronous one, driven here: its asyncio wrapper costs twice as much per request.
        Nearly every first attempt is final (an answer that is not retried, or a failure that is
        not transient): that one is returned, or raised, without asking the policy, whose answer
        it already knows (asking cost more per request than the rest of this method)."""
        began = time.monotonic()
        try:
            first = await attempt(*args)
        except _Failure as failure:
            if not _retried_failure(failure):
                raise
            state = self._retry_state(began)
            state.set_exception(sys.exc_info())  # type: ignore[arg-type]
        else:
            if not _retried_answer(first):
                return first
            state = self._retry_state(began)
            state.set_result(first)
        self._retrying.begin()
        while True:
            do = self._retrying.iter(state)
            if isinstance(do, DoAttempt):
                try:
                    state.set_result(await attempt(*args))
                except BaseException:  # the policy decides: retried, or re-raised
                    state.set_exception(sys.exc_info())  # type: ignore[arg-type]
            elif isinstance(do, DoSleep):
                state.prepare_for_next_attempt()
                await self._sleep(do)
            else:
                return cast(_Raw, do)

    def _retry_state(self, began: float) -> RetryCallState:
        """The policy's state for a request whose first attempt started at ``began`` (monotonic)."""
        state = RetryCallState(self._retrying, fn=None, args=(), kwargs={})
        state.start_time = began
        return state

    async def _counted_attempt(self, tries: list[int], url: str, key: str, headers: dict[str, str] | None) -> _Raw:
        tries[0] += 1
        slot = self._slot(key)
        slot.active += 1
        try:
            return await self._attempt_in(slot, url, headers)
        finally:
            slot.active -= 1

    @staticmethod
    def _known_dead(slot: _HostSlot | None) -> _Failure | None:
        """The failure that condemned the slot's host, while the verdict lasts."""
        if slot is None or slot.dead is None:
            return None
        if time.monotonic() >= slot.dead_until:
            slot.dead = None  # lapsed: the host gets another chance
            return None
        kind, reason = slot.dead
        return _Failure(kind, reason, transient=False, sent=False)

    @staticmethod
    def _condemn(slot: _HostSlot, failure: _Failure) -> _Failure:
        """Remember a final failure to reach the host, so its next requests are not sent."""
        if not failure.transient:
            slot.dead = (failure.kind, str(failure))
            slot.dead_until = time.monotonic() + DEAD_HOST_SECONDS
        return failure

    def _retry_after(self, state: RetryCallState) -> float | None:
        if state.outcome is None or state.outcome.failed:
            return None
        headers = state.outcome.result().headers
        delay = parse_retry_after(header(headers, "retry-after"))
        return delay if delay is not None else rate_limit_delay(headers)

    def _stop_on_long_retry_after(self, state: RetryCallState) -> bool:
        delay = self._retry_after(state)
        return delay is not None and delay > self.settings.retry_after_cap

    def _wait(self, state: RetryCallState) -> float:
        delay = self._retry_after(state)
        if delay is not None:
            return delay
        return self._backoff(state)

    # -- one attempt -----------------------------------------------------------------
    async def _attempt_in(self, slot: _HostSlot, url: str, headers: dict[str, str] | None) -> _Raw:
        async with self._global, slot.semaphore:
            await self._pace(slot)
            dead = self._known_dead(slot)
            if dead is not None:  # condemned while this attempt waited its turn
                raise dead
            departure = _Departure(slot, self._sleep, at_write=slot.turn_at_headers and self._at_write)
            departing = DEPARTING.set(departure)
            try:
                async with asyncio.timeout(self.settings.total_timeout):
                    if not slot.turn_at_headers:  # HTTP/2, or not known yet: the turn comes before the pool
                        await departure.take_turn()
                    extensions = {} if departure.at_write else {"trace": self._send_pacer(departure)}
                    async with self.client.stream("GET", url, headers=headers, extensions=extensions) as response:
                        body = await self._read_capped(response)
                    if not departure.reported and not _from_cache(response):  # a transport that never says when
                        slot.turn_at_headers = True  # headers leave (a test's, a replay): nothing to wait for there
            except TimeoutError as exc:
                raise _Failure("timeout", f"no complete answer from {url} within {self.settings.total_timeout:g} s",
                               transient=True) from exc
            except httpx.TimeoutException as exc:
                raise _Failure("timeout", f"timed out talking to {url} ({type(exc).__name__})", transient=True) from exc
            except httpx.ProxyError as exc:
                raise self._condemn(slot, _Failure("connect", f"cannot reach {_host(url)} (the proxy said: {exc})",
                                                   transient=not _proxy_refused(exc))) from exc
            except httpx.ConnectError as exc:
                text = str(exc)
                if isinstance(exc.__cause__, AddressRefused):  # the guard would not dial what the name resolved to
                    raise _Failure("refused", text, transient=False) from exc
                if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
                    raise self._condemn(slot, _Failure("tls", f"TLS failure for {_host(url)}: {text}",
                                                       transient=False)) from exc
                raise self._condemn(slot, _Failure("connect", f"cannot connect to {_host(url)}: "
                                                   f"{text or type(exc).__name__}",
                                                   transient=not _unreachable(exc))) from exc
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
                raise _Failure("protocol", f"{_host(url)} broke off the exchange: {exc or type(exc).__name__}",
                               transient=True) from exc
            except httpx.HTTPError as exc:
                raise _Failure("protocol", f"{url}: {exc or type(exc).__name__}", transient=False) from exc
            finally:
                departure.leave()  # cancelled or failed while its headers were leaving: free the host
                DEPARTING.reset(departing)
            delay = asked_pause(response.status_code, response.headers)
            if delay and delay <= self.settings.retry_after_cap:  # longer: reported as is, not waited for
                slot.next_start = max(slot.next_start, time.monotonic() + delay)
            return _Raw(response.status_code, response.headers, body)

    async def _read_capped(self, response: httpx.Response) -> bytes:
        limit = self.settings.max_bytes
        declared = header(response.headers, "content-length") or ""
        if declared.isdigit() and int(declared) > limit:
            raise _Failure("too_large", f"{response.url} declares {int(declared):,} bytes; the cap is {limit:,}",
                           transient=False)
        parts: list[bytes] = []  # joined once at the end: a bytearray grown chunk by chunk is copied again
        size = 0
        try:
            decoder = _BoundedDecoder.for_encoding(header(response.headers, "content-encoding") or "")
        except ValueError as exc:  # layers we will not unwrap
            raise _Failure("protocol", f"{response.url} sent {exc}", transient=False) from exc
        if decoder is None or response.is_stream_consumed:  # identity, br, zstd; or already read
            decoder = None
            chunks = response.aiter_bytes()
        else:  # gzip/deflate inflated by us, never more than the room left under the cap
            chunks = response.aiter_raw()
        async for chunk in chunks:
            if decoder is not None:
                try:
                    chunk = decoder.decode(chunk, limit + 1 - size)
                except zlib.error as exc:
                    raise _Failure("protocol", f"{response.url} sent a body that does not decompress: {exc}",
                                   transient=False) from exc
                except _LayerTooLarge as exc:
                    raise _Failure("too_large", f"{response.url} sent more than {limit:,} bytes (the cap) in {exc}; "
                                   "stopped reading", transient=False) from exc
            parts.append(chunk)
            size += len(chunk)
            if size > limit:
                raise _Failure("too_large", f"{response.url} sent more than {limit:,} bytes (the cap); stopped reading",
                               transient=False)
        return b"".join(parts)

    def _slot(self, key: str) -> _HostSlot:
        """The state of the host ``key`` (:func:`_slot_key`), made on its first request."""
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = _HostSlot(asyncio.Semaphore(self.settings.per_host), self.settings.min_gap)
            self._forget_idle_hosts()
        else:
            self._slots.move_to_end(key)
        return slot

    def _send_pacer(self, departure: _Departure) -> Callable[[str, dict[str, Any]], Awaitable[None]]:
        """A transport trace hook that holds a request's headers until its host's gap has passed.

        Attempts are spaced at their start (:meth:`_pace`), but that is not enough: a request
        that must first open a connection (proxy tunnel, TLS) reaches the server later than one
        sent on an open connection, and a busy event loop may wake a request late, so two
        spaced starts could still arrive together. So before its headers leave, a request also
        takes the host's lock and waits until one gap has passed since the previous request's
        headers were written (the lock is held until its own are). A proxy's ``CONNECT`` is not
        a request to the host and is not held.

        That wait happens here, as the headers start, only on a host known to speak HTTP/1.1,
        where each request has its connection to itself. On HTTP/2 every request to the host is
        a stream of one connection, and httpcore numbers a stream before its headers start: a
        request held at that point would let the next one take the same number and fail. So until
        a host is seen to speak HTTP/1.1 the turn is taken before the request enters the pool
        (:meth:`_Departure.take_turn`), and this hook only ends it.

        Once a host is known to speak HTTP/1.1, its requests go without this hook when the client's
        pools let the fetcher see their bytes leave (:mod:`auditor.fetch.wire`): the same turn is
        taken there, as the headers are written, without a callback on every step of the exchange.
        """
        slot = departure.slot

        async def trace(event: str, info: dict[str, Any]) -> None:
            if ".send_request_headers." not in event:
                return
            started = event.endswith(".started")
            if started and getattr(info.get("request"), "method", b"") == b"CONNECT":
                departure.tunnelling = True  # its .complete (which names no request) is the tunnel's too
                return
            if departure.tunnelling:
                departure.tunnelling = False
                return
            departure.reported = True
            slot.turn_at_headers = event.startswith("http11.")
            if not started:  # .complete or .failed
                departure.leave()
            elif not departure.holding:  # HTTP/1.1 (or a transport starting the same headers again)
                await departure.take_turn()

        return trace

    async def _pace(self, slot: _HostSlot) -> None:
        """Book this attempt's start one gap after the previous booking (and after any
        ``Retry-After``) and one gap after the latest request's headers left, and wait for it.

        The second bound is the one the turn at the headers keeps (:meth:`_Departure.take_turn`):
        booking it here too spares an attempt whose host's previous request is already out a
        second wait (a request's headers leave some milliseconds after its start, tens of them
        when it opens a connection), and the event loop a second wake-up."""
        now = time.monotonic()
        start = max(now, slot.next_start, slot.last_sent + slot.gap)
        slot.next_start = start + slot.gap
        if start > now:
            await self._sleep(start - now)

    # -- robots.txt ------------------------------------------------------------------
    async def robots_sitemaps(self, url: str) -> tuple[str, ...]:
        """The ``Sitemap:`` URLs in the robots.txt of ``url``'s site (fetched once per run and shared)."""
        origin = _origin(url)
        await self._robots_rules(origin)
        return self._robots_sitemaps.get(origin, ())

    def _robots_rules(self, origin: str) -> asyncio.Future[Protego | str | None]:
        task = self._robots.get(origin)
        if task is None:
            task = self._robots[origin] = asyncio.ensure_future(self._load_robots(origin))
        else:
            self._robots.move_to_end(origin)
        return task

    def _forget_idle_hosts(self) -> None:
        now = time.monotonic()
        while len(self._slots) > HOSTS_REMEMBERED:
            key, slot = next(iter(self._slots.items()))
            busy = slot.active or slot.lock.locked() or slot.next_start > now or slot.last_sent + slot.gap > now
            if busy:  # the oldest is still in use: look again when the next host arrives
                break
            del self._slots[key]
        while len(self._robots) > HOSTS_REMEMBERED:
            origin, task = next(iter(self._robots.items()))
            if not task.done():
                break
            del self._robots[origin]
            self._robots_sitemaps.pop(origin, None)

    async def _check_robots(self, url: str) -> None:
        origin = _origin(url)
        rules = await self._robots_rules(origin)
        if isinstance(rules, str):
            raise _Failure("robots", rules, transient=False)
        if rules is not None and not rules.can_fetch(url, USER_AGENT_TOKEN):
            path = urlsplit(url).path or "/"
            raise _Failure("robots", f"{origin}/robots.txt disallows {path} for {USER_AGENT_TOKEN} "
                                     "(use --ignore-robots to audit anyway)", transient=False)

    async def _load_robots(self, origin: str) -> Protego | str | None:
        """Parsed rules; None to allow everything; a string when the whole site is off limits."""
        robots_url = origin + "/robots.txt"
        started = time.monotonic()
        try:
            response, attempts = await self._with_retries(robots_url, None)
        except _Failure as failure:
            self._record(robots_url, None, b"", started, failure.attempts, str(failure))
            return None  # unreachable: the real request will report why
        self._record(robots_url, response.status, response.body, started, attempts, "")
        if response.status >= 500:
            return (f"{robots_url} answered {response.status}; RFC 9309 says to treat the site as disallowed "
                    "(use --ignore-robots to audit anyway)")
        if response.status != 200:
            return None
        text = response.body.decode("utf-8", errors="replace")
        self._robots_sitemaps[origin] = tuple(sitemap_lines(text))
        rules = Protego.parse(text)
        delay = rules.crawl_delay(USER_AGENT_TOKEN)
        if delay:
            slot = self._slot(_slot_key(origin))
            slot.gap = max(slot.gap, min(float(delay), 30.0))
        return rules


class _BoundedDecoder:
    """Inflates gzip or deflate bodies at most ``room`` bytes at a time, so a decompression bomb
    costs no more memory than the cap (httpx's own decoders inflate each network read whole:
    64 KiB of a bomb is 64 MB)."""

    def __init__(self, wbits: int) -> None:
        self._inflater = zlib.decompressobj(wbits)
        self._deflate = wbits == zlib.MAX_WBITS
        self._started = False

    @classmethod
    def for_encoding(cls, encoding: str) -> "_BoundedDecoder | _Layers | None":
        """The decoder for a Content-Encoding; None when httpx decodes it (one br or zstd layer) or there
        is nothing to do; ValueError for more than :data:`MAX_ENCODING_LAYERS` layers or a stack with
        a layer other than gzip and deflate (each layer is held to the cap, see :class:`_Layers`)."""
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip().lower() not in ("", "identity")]
        if len(codings) > 1:
            if len(codings) > MAX_ENCODING_LAYERS:
                raise ValueError(f"a body in {len(codings)} layers of Content-Encoding; at most "
                                 f"{MAX_ENCODING_LAYERS} are read")
            layers = [cls.for_encoding(coding) for coding in codings]
            if any(layer is None for layer in layers):
                raise ValueError(f"a body in stacked Content-Encoding {', '.join(codings)}; only gzip and "
                                 "deflate are unwrapped more than once")
            return _Layers(tuple(reversed(layers)))  # type: ignore[arg-type]
        coding = codings[0] if codings else ""
        if coding in ("gzip", "x-gzip"):
            return cls(zlib.MAX_WBITS | 16)
        if coding == "deflate":
            return cls(zlib.MAX_WBITS)
        return None

    def decode(self, data: bytes, room: int) -> bytes:
        if self._deflate and not self._started and data:
            self._started = True
            try:  # "deflate" is meant to be zlib-wrapped, but some servers send it raw
                return self._inflater.decompress(data, max(room, 1))
            except zlib.error:
                self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        return self._inflater.decompress(data, max(room, 1))


class _LayerTooLarge(Exception):
    """An inner Content-Encoding layer inflated past the cap."""


class _Layers:
    """Several Content-Encoding layers (``gzip, gzip``), undone outermost first, each through a
    :class:`_BoundedDecoder`: no layer may inflate past the room left under the cap, so the cap holds
    for every layer and not only the last (a 5 KB body of two gzip layers is otherwise gigabytes)."""

    def __init__(self, layers: tuple[_BoundedDecoder, ...]) -> None:
        self._layers = layers
        self._sizes = [0] * len(layers)  # bytes each layer has given so far

    def decode(self, data: bytes, room: int) -> bytes:
        limit = room + self._sizes[-1]  # the room of the last layer is what the caller leaves
        for index, layer in enumerate(self._layers):
            data = layer.decode(data, max(limit - self._sizes[index], 1)) if data else b""
            self._sizes[index] += len(data)
            if index < len(self._layers) - 1 and self._sizes[index] >= limit:
                raise _LayerTooLarge(f"layer {index + 1} of its {len(self._layers)} Content-Encoding layers")
        return data


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None for anything else;
    never raises, whatever a server sends (``²`` is a digit to Python but not to HTTP; a year 99999
    overflows the date types)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)  # a huge one is inf: longer than any cap
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def asked_pause(status: int, headers: httpx.Headers) -> float:
    """Seconds an answer asks the client to leave its host alone: until the rate-limit window
    resets when it says none are left, and on 429 or 503 its Retry-After; the longer, else 0."""
    delay = rate_limit_delay(headers) or 0.0
    if status in (429, 503):
        delay = max(delay, parse_retry_after(header(headers, "retry-after")) or 0.0)
    return delay


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


RATE_LIMIT_REMAINING = ("x-ratelimit-remaining", "ratelimit-remaining")
RATE_LIMIT_RESET = ("x-ratelimit-reset", "ratelimit-reset")
_EPOCH_THRESHOLD = 1_000_000_000.0  # a reset this large is a Unix time, not seconds to go


def rate_limit_delay(headers: httpx.Headers, *, now: float | None = None) -> float | None:
    """Seconds until the rate-limit window resets, when the response says none are left; else None.

    Reads ``X-RateLimit-Remaining``/``RateLimit-Remaining`` (GitHub, Mastodon, Bluesky,
    Reddit; Reddit sends floats such as ``0.0``) and the matching reset header, which is
    Unix seconds (GitHub, Bluesky), seconds to go (Reddit, the IETF draft) or an ISO 8601
    time (Mastodon). ``now`` is Unix seconds, the wall clock by default.
    """
    remaining = _header_number(headers, RATE_LIMIT_REMAINING)
    if remaining is None or remaining > 0:
        return None
    reset = next((given.strip() for name in RATE_LIMIT_RESET if (given := header(headers, name))), "")
    if not reset:
        return None
    clock = time.time() if now is None else now
    try:
        value = float(reset)
    except ValueError:
        try:
            when = datetime.fromisoformat(reset)
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return max(0.0, when.timestamp() - clock)
    if value >= _EPOCH_THRESHOLD:
        return max(0.0, value - clock)
    return max(0.0, value)


def header(headers: httpx.Headers, name: str) -> str | None:
    """``headers.get(name)``, without the ``KeyError`` that httpx raises and catches inside ``get``
    when the header is missing (as most of the headers asked about here are, on most responses)."""
    return headers[name] if name in headers else None


def _header_number(headers: httpx.Headers, names: tuple[str, ...]) -> float | None:
    for name in names:
        raw = header(headers, name)
        if raw is None:
            continue
        try:
            return float(raw.split(",")[0].strip())
        except ValueError:
            return None
    return None


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _slot_key(url: str) -> str:
    return urlsplit(url).netloc.lower()


# What a resolver or the kernel says when a host does not exist or nothing listens there
# (glibc, macOS, musl and Windows wordings); "Temporary failure in name resolution" is not final.
_UNREACHABLE_TEXTS = ("name or service not known", "nodename nor servname", "no address associated",
                      "name does not resolve", "getaddrinfo failed", "connection refused")
_PROXY_STATUS = re.compile(r"^\s*(\d{3})\b")


def _unreachable(exc: BaseException) -> bool:
    """Whether a connect error says the host does not resolve or refuses connections: retrying cannot help."""
    seen: list[BaseException] = [exc]
    while seen:
        error = seen.pop()
        if isinstance(error, ConnectionRefusedError):
            return True
        if isinstance(error, socket.gaierror):
            return error.errno not in (socket.EAI_AGAIN, getattr(socket, "EAI_SYSTEM", None))
        if isinstance(error, BaseExceptionGroup):  # every address tried: final when every one was
            return all(_unreachable(inner) for inner in error.exceptions)
        if any(text in str(error).lower() for text in _UNREACHABLE_TEXTS):
            return True
        if error.__cause__ is not None:
            seen.append(error.__cause__)
    return False


def _proxy_refused(exc: httpx.ProxyError) -> bool:
    """Whether the proxy's answer to ``CONNECT`` is final: 502 (it could not resolve or reach the
    host) or a 4xx other than 408 and 429; a 503 or 504 may pass."""
    match = _PROXY_STATUS.match(str(exc))
    if match is None:
        return False
    status = int(match.group(1))
    return status == 502 or (400 <= status < 500 and status not in (408, 429))


def summarise(records: list[RequestRecord]) -> FetchStats:
    """Totals over request records: counts, bytes, time, and requests per final status."""
    by_status: dict[str, int] = {}
    for record in records:
        key = str(record.status) if record.status is not None else "error"
        by_status[key] = by_status.get(key, 0) + 1
    return FetchStats(
        requests=len(records),
        attempts=sum(r.attempts for r in records),
        errors=sum(1 for r in records if r.error),
        bytes=sum(r.bytes for r in records),
        seconds=round(sum(r.seconds for r in records), 3),
        by_status=dict(sorted(by_status.items())),
    )
