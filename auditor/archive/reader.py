"""Reading the evidence archive back: every brand's runs, each exchange and fetch timing by URL.

Takes a directory of files written by :mod:`auditor.archive.writer`; gives an :class:`Archived`
holding each brand's run (:class:`BrandRun`): the brand, its as-of, the credentials it had (names
only), and per archived URL, in the order they happened, the answers (a response, or the error
that took its place) and the fetch timings. ArchiveError for a directory with no archive in it
or a file that is not one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime
from pathlib import Path

from auditor.archive.writer import FORMAT, SUFFIX, ArchiveError
from auditor.models import Brand


@dataclass(frozen=True)
class Answer:
    """One recorded exchange: a response, or the error that took its place."""

    status: int = 0
    reason: str = ""
    version: str = "HTTP/1.1"
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    complete: bool = True  # False: the fetcher stopped reading (the cap, a timeout) after ``body``
    error_type: str = ""  # the exception met instead of a response
    error_cause: str = ""
    error_message: str = ""


@dataclass(frozen=True)
class Timing:
    """What one fetch of the audit cost, as its report carried it."""

    seconds: float
    bytes: int
    fetched_at: datetime | None


@dataclass
class BrandRun:
    brand: Brand
    as_of: datetime
    run: str
    credentials: tuple[str, ...]
    answers: dict[str, list[Answer]] = field(default_factory=dict)  # archived URL → its answers, in order
    timings: dict[str, list[Timing]] = field(default_factory=dict)  # archived URL → its fetches, in order
    responses: dict[str, str] = field(default_factory=dict)  # archived URL → its latest response's WARC-Record-ID
    finished: int = 0  # the brand's place in the order the archived run finished its audits


@dataclass(frozen=True)
class Archived:
    runs: tuple[BrandRun, ...]  # oldest first

    def latest_as_of(self) -> datetime:
        return max(run.as_of for run in self.runs)

    def chosen(self, as_of: datetime | None) -> dict[str, BrandRun]:
        """Each brand's run to replay, by brand name: its latest at ``as_of`` (default: the latest as-of)."""
        moment = as_of or self.latest_as_of()
        return {run.brand.name: run for run in self.runs if run.as_of == moment}


def archive_key(method: str, uri: str) -> str:
    """What an exchange is looked up by: its archived URL, after its method unless a GET."""
    return uri if method.upper() == "GET" else f"{method.upper()} {uri}"


def warc_files(directory: Path) -> list[Path]:
    """The archive's files, each brand's parts in the order they were written."""
    return sorted(directory.glob(f"*{SUFFIX}"))


def load(directory: Path) -> Archived:
    """The archive in ``directory``, read once per process while its files stay as they are (a replay asks
    twice: the command line to choose the brands and the as-of, then the transport that answers)."""
    try:  # imported when an archive is read, not with the package
        import warcio  # noqa: F401
    except ImportError:
        raise ArchiveError("--replay needs the warcio library: pip install warcio") from None
    if not directory.is_dir():
        raise ArchiveError(f"--replay {directory}: not a directory")
    files = warc_files(directory)
    if not files:
        raise ArchiveError(f"--replay {directory}: no archive there (no *{SUFFIX} file; write one with --archive)")
    try:
        signature = tuple((str(path.resolve()), path.stat().st_size, path.stat().st_mtime_ns) for path in files)
    except OSError as exc:
        raise ArchiveError(f"--replay {directory}: {exc}") from None
    return _read_files(signature)


@lru_cache(maxsize=4)
def _read_files(signature: tuple[tuple[str, int, int], ...]) -> Archived:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    runs: dict[tuple[str, str, datetime], BrandRun] = {}
    for name, _size, _modified in signature:
        path = Path(name)
        try:
            with path.open("rb") as stream:
                _read(ArchiveIterator(stream), runs, path)
        except (OSError, ArchiveLoadFailed, ValueError) as exc:
            raise ArchiveError(f"--replay: cannot read {path}: {exc}") from None
    return Archived(tuple(runs.values()))


def _fields(data: bytes) -> dict[str, str]:
    found = {}
    for line in data.decode("utf-8").splitlines():
        name, _, value = line.partition(":")
        if name.strip():
            found[name.strip()] = value.strip()
    return found


def _read(records: Iterable, runs: dict[tuple[str, str, datetime], BrandRun], path: Path) -> None:
    infos: dict[str, BrandRun] = {}
    for record in records:
        kind = record.rec_type
        headers = record.rec_headers
        if kind == "warcinfo":
            info = _fields(record.content_stream().read())
            if info.get("format") != FORMAT:
                raise ValueError("not an auditor archive (its warcinfo names no presence-auditor format)")
            given = json.loads(info["brand"])
            brand = Brand(name=str(given["name"]), homepages=tuple(given.get("homepages", ())),
                          channels=tuple(given.get("channels", ())), handles=tuple(given.get("handles", ())))
            as_of = datetime.fromisoformat(info["as-of"])
            key = (info["run"], brand.name, as_of)
            run = runs.get(key)
            if run is None:
                names = tuple(n for n in info.get("credentials", "").split(",") if n)
                run = runs[key] = BrandRun(brand, as_of, info["run"], names)
            infos[headers.get_header("WARC-Record-ID")] = run
            continue
        run = infos.get(headers.get_header("WARC-Warcinfo-ID") or "")
        if run is None:
            continue
        uri = headers.get_header("WARC-Target-URI") or ""
        lookup = archive_key(headers.get_header("WARC-Auditor-Method") or "GET", uri)
        if kind == "response":
            http = record.http_headers
            status, _, reason = http.statusline.partition(" ")
            answer = Answer(int(status), reason, http.protocol or "HTTP/1.1", tuple(http.headers),
                            record.raw_stream.read(), complete=not headers.get_header("WARC-Truncated"))
            run.answers.setdefault(lookup, []).append(answer)
            run.responses[uri] = headers.get_header("WARC-Record-ID")
        elif kind == "metadata":
            fields = _fields(record.content_stream().read())
            if "audit-finished" in fields:
                run.finished = int(fields["audit-finished"])
            elif headers.get_header("WARC-Auditor-Fetch"):
                moment = fields.get("fetched-at")
                run.timings.setdefault(uri, []).append(Timing(float(fields["fetch-seconds"]),
                                                              int(fields["fetch-bytes"]),
                                                              datetime.fromisoformat(moment) if moment else None))
            elif "error-type" in fields:
                message = json.loads(fields.get("error-message", '""'))
                run.answers.setdefault(lookup, []).append(Answer(error_type=fields["error-type"],
                                                              error_cause=fields.get("error-cause", ""),
                                                              error_message=message))
