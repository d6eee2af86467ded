"""The two transports under the shared client: one that records every exchange, one that answers from records.

:class:`RecordingTransport` wraps the client's real transports (direct and proxied): each
response's body is kept as the fetcher reads it and written, with its request, when the
fetcher closes it (a failure is written at once). :class:`ReplayTransport` replaces them: it
answers each request from the archived run of the brand being audited (else from any brand's),
the n-th ask for a URL with its n-th archived answer (the last one again past the end), an
archived error by raising it again, and a response the fetcher stopped reading early by
withholding the rest (so a cap or a timeout happens again). A URL never archived is
:class:`NotArchived`, which the fetcher reports as that request's failure.

Which brand a request belongs to is the audit's scope (:mod:`auditor.archive`), a context
variable, so concurrent brands sharing one client each get their own.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from typing import Any

import httpx

from auditor.archive.reader import Answer, Archived, BrandRun, archive_key
from auditor.archive.scrub import Secrets
from auditor.archive.writer import BrandArchive
from auditor.fetch.guard import AddressRefused

RECORDING: ContextVar[BrandArchive | None] = ContextVar("auditor_archive_brand", default=None)
REPLAYING: ContextVar["BrandReplay | None"] = ContextVar("auditor_replay_brand", default=None)


class NotArchived(httpx.TransportError):
    """A request the archived run never made: replay has no answer for it."""


def _target(request: httpx.Request) -> str:
    return request.url.raw_path.decode("ascii", errors="replace")


def _pairs(headers: httpx.Headers) -> list[tuple[str, str]]:
    """Headers as sent or received: names in their own case, values byte for byte."""
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers.raw]


class _Tee(httpx.AsyncByteStream):
    """The response body as it is read, handed to ``done`` (with whether it was read to its end) on close."""

    def __init__(self, inner: httpx.AsyncByteStream, done: Callable[[bytes, bool], None]) -> None:
        self.inner = inner
        self.done = done
        self.body = bytearray()
        self.complete = False
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.inner:
            self.body += chunk
            yield chunk
        self.complete = True

    async def aclose(self) -> None:
        try:
            await self.inner.aclose()
        finally:
            if not self.closed:
                self.closed = True
                self.done(bytes(self.body), self.complete)


class RecordingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, close: Callable[[], None]) -> None:
        self.inner = inner
        self._close = close

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        brand = RECORDING.get()
        if brand is None:
            return await self.inner.handle_async_request(request)
        url, target, sent = str(request.url), _target(request), _pairs(request.headers)
        method = request.method
        try:
            response = await self.inner.handle_async_request(request)
        except (Exception, asyncio.CancelledError) as exc:
            brand.failure(method=method, url=url, target=target, request_headers=sent, error=exc)
            raise
        version = response.extensions.get("http_version", b"HTTP/1.1").decode("ascii", errors="replace")
        reason = response.extensions.get("reason_phrase", b"").decode("ascii", errors="replace")

        def done(body: bytes, complete: bool) -> None:
            brand.exchange(method=method, url=url, target=target, request_headers=sent, version=version,
                           status=response.status_code, reason=reason, response_headers=_pairs(response.headers),
                           body=body, complete=complete)

        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(response.status_code, headers=response.headers, stream=_Tee(response.stream, done),
                              extensions=response.extensions)

    async def aclose(self) -> None:
        try:
            await self.inner.aclose()
        finally:
            self._close()


class BrandReplay:
    """One brand's archived run as it is replayed: how far each URL's answers and timings have got."""

    def __init__(self, run: BrandRun | None, archived: Archived, secrets: Secrets) -> None:
        self.run = run
        self.archived = archived
        self.secrets = secrets
        self._answered: dict[str, int] = {}
        self._timed: dict[str, int] = {}

    def key(self, url: str, method: str = "GET") -> str:
        """How an exchange is archived: the URL with its secrets out, after its method unless a GET."""
        return archive_key(method, self.secrets.for_url(url).url(url))

    def _runs(self) -> list[BrandRun]:
        return ([self.run] if self.run is not None else []) + [r for r in self.archived.runs if r is not self.run]

    def answer(self, url: str, method: str = "GET") -> Answer | None:
        return self._next(lambda run: run.answers, self._answered, self.key(url, method))

    def timing(self, url: str) -> Any:
        return self._next(lambda run: run.timings, self._timed, self.key(url))

    def _next(self, table: Callable[[BrandRun], dict[Any, list[Any]]], served: dict[Any, int], key: Any) -> Any:
        """The next entry recorded under ``key`` (the last one again once all were served), this brand's run first."""
        for run in self._runs():
            entries = table(run).get(key)
            if entries:
                index = served.get(key, 0)
                served[key] = index + 1
                return entries[min(index, len(entries) - 1)]
        return None

    def record_id(self, url: str) -> str:
        return self.run.responses.get(self.key(url), "") if self.run is not None else ""


def _raise(answer: Answer) -> None:
    kind = getattr(httpx, answer.error_type, None)
    if not (isinstance(kind, type) and issubclass(kind, httpx.TransportError)):
        kind = httpx.TransportError
    error = kind(answer.error_message)
    if answer.error_cause == "AddressRefused":
        raise error from AddressRefused(answer.error_message)
    if answer.error_cause == "ConnectionRefusedError":
        raise error from ConnectionRefusedError(answer.error_message)
    raise error


class _Withheld(httpx.AsyncByteStream):
    """An archived body, and then, if the fetcher stopped reading it early, nothing more ever."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self.answer.body:
            yield self.answer.body
        if not self.answer.complete:
            await asyncio.Event().wait()  # the fetcher's cap or its clock ends this, as it did when recorded

    async def aclose(self) -> None:
        return None


class ReplayTransport(httpx.AsyncBaseTransport):
    def __init__(self, archived: Archived, secrets: Secrets) -> None:
        self.archived = archived
        self.secrets = secrets
        self._anyone = BrandReplay(None, archived, secrets)  # for requests outside any brand's audit

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        brand = REPLAYING.get() or self._anyone
        url = str(request.url)
        answer = brand.answer(url, request.method)
        if answer is None:
            raise NotArchived(f"not in the archive: the archived run never fetched {brand.key(url, request.method)}")
        if answer.error_type == "CancelledError":  # the recorded fetch was stopped waiting: so is this one
            await asyncio.Event().wait()
        if answer.error_type:
            _raise(answer)
        return httpx.Response(answer.status, headers=list(answer.headers), stream=_Withheld(answer),
                              extensions={"http_version": answer.version.encode("ascii"),
                                          "reason_phrase": answer.reason.encode("ascii", errors="replace")})

