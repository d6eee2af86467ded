"""The evidence archive: what an audit read, kept as WARC files, and the audit re-run from them alone.

``--archive DIR`` (``AuditOptions.archive``): :func:`install` wraps the shared client's
transports so every exchange of a brand's audit is written to that brand's WARC files, secrets
stripped first (:mod:`auditor.archive.scrub`, :mod:`auditor.archive.writer`); each fetch's
timing is written beside it, and each finding's evidence names the WARC-Record-ID of the
response it was read from.

``--replay DIR`` (``AuditOptions.replay``): :func:`install` replaces the client's transports with
one that answers from the archive (:mod:`auditor.archive.transport`); no request leaves the
process. Each fetch reports its archived timing and time of fetch, so the same ``--as-of`` gives
the same report, byte for byte. Plugins choose their requests by the credentials they have: the
command line gives a replay a stand-in for each one the archived run had (:func:`placeholders`);
a library caller passes ``credentials=placeholders(replay_runs(DIR, as_of)[1])`` to do the same.

:func:`brand_scope` is the one call an audit makes: within it, requests belong to that brand.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

import httpx

from auditor.archive.reader import Archived, BrandRun, load
from auditor.archive.scrub import Secrets
from auditor.archive.transport import RECORDING, REPLAYING, BrandReplay, RecordingTransport, ReplayTransport
from auditor.archive.writer import Archive, ArchiveError, BrandArchive, check_directory
from auditor.fetch.client import Fetched, Fetcher, make_client
from auditor.fetch.credentials import resolved
from auditor.models import Audit, Brand, Evidence, RequestRecord

if TYPE_CHECKING:  # the options import the plugin kit, which imports the stages that import this
    from auditor.options import AuditOptions

__all__ = ["ArchiveError", "Archived", "brand_scope", "check_archive_flags", "check_directory", "install", "load",
           "placeholders", "replay_order", "replay_runs"]

_INSTALLED: "weakref.WeakKeyDictionary[httpx.AsyncClient, Archive | ReplayTransport]" = weakref.WeakKeyDictionary()
T = TypeVar("T")
PLACEHOLDER = "archived-{name}"  # what a replay sends for a credential the archived run had


def archiving(options: AuditOptions) -> bool:
    return options.archive is not None or options.replay is not None


def install(client: httpx.AsyncClient, options: AuditOptions) -> httpx.AsyncClient:
    """``client`` recording into ``options.archive`` or answering from ``options.replay`` (neither: as it is)."""
    if options.replay is not None:
        transport = ReplayTransport(load(options.replay), Secrets.of(resolved(options.credentials)))
        client._transport = transport  # every URL, whatever proxy the environment names
        client._mounts = {}
        _INSTALLED[client] = transport
    elif options.archive is not None:
        check_directory(options.archive)
        archive = Archive(options.archive, dict(resolved(options.credentials)), cap=options.fetch.max_bytes)
        client._transport = RecordingTransport(client._transport, archive.close)
        client._mounts = {pattern: None if inner is None else RecordingTransport(inner, archive.close)
                          for pattern, inner in client._mounts.items()}
        _INSTALLED[client] = archive
    return client


def archive_client(options: AuditOptions) -> httpx.AsyncClient:
    """A client of its own for one audit, installed (see :func:`install`)."""
    return install(make_client(options.fetch), options)


def placeholders(runs: dict[str, BrandRun]) -> dict[str, str]:
    """Credentials for a replay: one stand-in for each the archived runs had (so plugins take the same paths)."""
    names = sorted({name for run in runs.values() for name in run.credentials})
    return {name: PLACEHOLDER.format(name=name) for name in names}


def check_archive_flags(*, archive: Path | None, cluster: str | None, replay: Path | None = None) -> None:
    """What --archive and --replay cannot be combined with; ArchiveError naming it."""
    if archive is not None and replay is not None:
        raise ArchiveError("--archive and --replay: a replay reads an archive, it does not write one; choose one")
    if cluster is not None:
        raise ArchiveError("--archive and --replay run in this process: drop --cluster")


def replay_runs(directory: Path, as_of: datetime | None) -> tuple[datetime, dict[str, BrandRun]]:
    """The as-of a replay judges at (``as_of``, else the archive's latest) and each brand's run at it."""
    archived = load(directory)
    moment = as_of or archived.latest_as_of()
    runs = archived.chosen(moment)
    if not runs:
        known = ", ".join(sorted({run.as_of.isoformat() for run in archived.runs}))
        raise ArchiveError(f"--replay {directory}: no run as of {moment.isoformat()} (archived: {known})")
    return moment, runs


def replay_order(specs: list[T], runs: dict[str, BrandRun]) -> list[T]:
    """``specs`` (anything with a ``brand``) in the order the archived run finished their audits; brands
    it did not audit last, as given."""
    unknown = len(runs) + 1
    return sorted(specs, key=lambda spec: runs[spec.brand.name].finished  # type: ignore[attr-defined]
                  if spec.brand.name in runs else unknown)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Scope:
    """One brand's audit inside the archive: how its fetches are seen, and where its evidence points."""

    observe: Callable[[RequestRecord, Fetched | None], tuple[RequestRecord, Fetched | None]]
    record_id: Callable[[str], str]

    def annotate(self, audit: Audit) -> Audit:
        """Each finding's evidence with the WARC-Record-ID of the archived response it was read from."""
        def point(evidence: Evidence) -> Evidence:
            found = self.record_id(evidence.url) if evidence.url else ""
            return replace(evidence, warc_record=found) if found else evidence

        findings = tuple(replace(f, evidence=tuple(point(e) for e in f.evidence)) for f in audit.findings)
        return replace(audit, findings=findings)


def _recording_scope(files: BrandArchive) -> Scope:
    def observe(record: RequestRecord, fetched: Fetched | None) -> tuple[RequestRecord, Fetched | None]:
        files.fetch(record, fetched.fetched_at if fetched is not None else None)
        return record, fetched

    def record_id(url: str) -> str:
        return files.responses.get(files.secrets.for_url(url).url(url), "")

    return Scope(observe, record_id)


def _replay_scope(replay: BrandReplay) -> Scope:
    def observe(record: RequestRecord, fetched: Fetched | None) -> tuple[RequestRecord, Fetched | None]:
        timing = replay.timing(record.url)
        if timing is None:
            return record, fetched
        record = replace(record, seconds=timing.seconds, bytes=timing.bytes)
        if fetched is not None and timing.fetched_at is not None:
            fetched = replace(fetched, fetched_at=timing.fetched_at)
        return record, fetched

    return Scope(observe, replay.record_id)


@contextmanager
def brand_scope(fetcher: Fetcher, brand: Brand, as_of: datetime) -> Iterator[Scope | None]:
    """Within this, the fetcher's requests are ``brand``'s: archived in its files, or answered from its run."""
    installed = _INSTALLED.get(fetcher.client)
    if installed is None:
        yield None
        return
    if isinstance(installed, Archive):
        files = installed.brand(brand, as_of)
        try:
            with _within(fetcher, _recording_scope(files), RECORDING, files) as scope:
                yield scope
        finally:
            installed.finish(files)
        return
    replay = BrandReplay(installed.archived.chosen(as_of).get(brand.name), installed.archived, installed.secrets)
    with _within(fetcher, _replay_scope(replay), REPLAYING, replay) as scope:
        yield scope


@contextmanager
def _within(fetcher: Fetcher, scope: Scope, variable: ContextVar[T | None], value: T) -> Iterator[Scope]:
    """``scope`` observing ``fetcher``'s requests, with ``variable`` (what the transport reads) set to ``value``."""
    token = variable.set(value)
    try:
        with fetcher.observed(scope.observe):
            yield scope
    finally:
        variable.reset(token)
