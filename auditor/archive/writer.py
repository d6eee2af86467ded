"""Writing the evidence archive: one run's exchanges as WARC files, one set of files per brand.

Takes a directory, the run's credentials and each exchange as the transport saw it; gives files
``DIR/<brand-slug>-<as-of>-<n>.warc.gz`` (WARC 1.1, gzip per record, written with ``warcio``), a
new ``n`` when a file passes :data:`MAX_FILE_BYTES`, each opening with a ``warcinfo`` record
naming the run, the brand and the as-of. Records:

* ``request`` and ``response`` for each exchange (the response body as it came off the wire, its
  ``Transfer-Encoding`` undone), ``WARC-Truncated`` when the fetcher stopped reading early;
* ``request`` and ``metadata`` (``error-type``, ``error-message``) for an exchange that got no
  response (a refused connection, a proxy's 502, a timeout);
* ``metadata`` for each fetch the audit made (``fetch-seconds``, ``fetch-bytes``, ``fetched-at``):
  the timings its report carries, so that a replay reports the same ones.

Everything goes through :class:`~auditor.archive.scrub.Secrets` first. Nothing is written for
fetches made outside a brand's audit.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from auditor import __version__
from auditor.archive.scrub import Secrets
from auditor.models import Brand, RequestRecord

if TYPE_CHECKING:
    from warcio.warcwriter import WARCWriter

MAX_FILE_BYTES = 100 * 1024 * 1024  # a file past this size is closed and the brand's next one opened
SUFFIX = ".warc.gz"
FORMAT = "presence-auditor evidence archive 1"
_DROPPED = frozenset({"transfer-encoding"})  # undone by the HTTP library before the body is seen


class ArchiveError(Exception):
    """The archive directory cannot be written or read; the message is the one line to show."""


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "brand"


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def check_directory(directory: Path) -> None:
    """Make ``directory`` (and its parents) and prove a file can be written in it; ArchiveError if not."""
    try:
        import warcio  # noqa: F401 - a missing library is one line now, not a crash mid-audit
    except ImportError:
        raise ArchiveError("--archive needs the warcio library: pip install warcio") from None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / f".auditor-probe-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ArchiveError(f"cannot write the archive in {directory} (--archive): {exc.strerror or exc}") from None


@dataclass
class BrandArchive:
    """One brand's files in one run; each write goes to the current file, rotated by size."""

    directory: Path
    brand: Brand
    as_of: datetime
    run: str
    secrets: Secrets
    max_bytes: int = MAX_FILE_BYTES
    cap: int = 5 * 1024 * 1024  # the fetcher's body cap: an encoded body is inflated no further
    _file: BinaryIO | None = field(default=None, repr=False)
    _writer: "WARCWriter | None" = field(default=None, repr=False)
    _info_id: str = ""
    part: int = 0
    paths: list[Path] = field(default_factory=list)
    responses: dict[str, str] = field(default_factory=dict)  # archived URL → its latest response's WARC-Record-ID

    def _open(self) -> "WARCWriter":
        from warcio.warcwriter import WARCWriter  # imported when an archive is written, not with the package

        if self._writer is not None and self._file is not None and self._file.tell() < self.max_bytes:
            return self._writer
        self.close()
        stem = f"{slug(self.brand.name)}-{stamp(self.as_of)}"
        while True:
            self.part += 1
            path = self.directory / f"{stem}-{self.part:05d}{SUFFIX}"
            try:
                self._file = path.open("xb")  # never another run's file
                break
            except FileExistsError:
                continue
            except OSError as exc:
                raise ArchiveError(f"cannot write {path} (--archive): {exc.strerror or exc}") from None
        self.paths.append(path)
        self._writer = WARCWriter(self._file, gzip=True, warc_version="1.1")
        info = self._writer.create_warcinfo_record(path.name, {
            "software": f"presence-auditor/{__version__}",
            "format": FORMAT,
            "run": self.run,
            "brand": json.dumps(self._scrubbed_brand(), ensure_ascii=False),
            "as-of": self.as_of.isoformat(),
            "credentials": ",".join(sorted(n for n in self.secrets.credentials if not n.startswith("query:"))),
        })
        self._info_id = info.rec_headers.get_header("WARC-Record-ID")
        self._writer.write_record(info)
        return self._writer

    def _scrubbed_brand(self) -> dict[str, object]:
        """The brand as given, its URLs without the credentials a user may have put in them."""
        brand = asdict(self.brand)
        for name in ("homepages", "channels"):
            brand[name] = [self.secrets.for_url(url).url(url) for url in brand[name]]
        return brand

    def _warc(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """WARC headers for a record of the current file (opened first)."""
        return {"WARC-Warcinfo-ID": self._info_id, **(extra or {})}

    def _request(self, writer: "WARCWriter", method: str, uri: str, headers: list[tuple[str, str]],
                 target: str) -> Any:
        from warcio.statusandheaders import StatusAndHeaders

        http = StatusAndHeaders(f"{method} {target} HTTP/1.1", headers, is_http_request=True)
        return writer.create_warc_record(uri, "request", payload=BytesIO(b""), length=None, http_headers=http,
                                         warc_headers_dict=self._warc())

    def exchange(self, *, method: str, url: str, target: str, request_headers: list[tuple[str, str]], version: str,
                 status: int, reason: str, response_headers: list[tuple[str, str]], body: bytes, complete: bool) -> str:
        """Write one request and its response; the response record's WARC-Record-ID."""
        secrets = self.secrets.for_url(url)
        uri = secrets.url(url)
        kept = [(n, v) for n, v in response_headers if n.lower() not in _DROPPED]
        kept, body = secrets.response_body(secrets.headers(kept), body, self.cap)
        from warcio.statusandheaders import StatusAndHeaders

        writer = self._open()
        http = StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol=version)
        extra = {} if complete else {"WARC-Truncated": "unspecified"}
        extra.update(_method(method))
        response = writer.create_warc_record(uri, "response", payload=BytesIO(body), length=None, http_headers=http,
                                             warc_headers_dict=self._warc(extra))
        request = self._request(writer, method, uri, secrets.headers(request_headers), secrets.url(target))
        writer.write_request_response_pair(request, response)
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        self.responses[uri] = record_id
        return record_id

    def failure(self, *, method: str, url: str, target: str, request_headers: list[tuple[str, str]],
                error: BaseException) -> None:
        """Write a request that got no response, and why."""
        secrets = self.secrets.for_url(url)
        uri = secrets.url(url)
        writer = self._open()
        request = self._request(writer, method, uri, secrets.headers(request_headers), secrets.url(target))
        writer.write_record(request)
        cause = error.__cause__ or error.__context__
        fields = {"error-type": type(error).__name__, "error-cause": type(cause).__name__ if cause else "",
                  "error-message": json.dumps(secrets.text.text(str(error)), ensure_ascii=False)}
        concurrent = {"WARC-Concurrent-To": request.rec_headers.get_header("WARC-Record-ID"), **_method(method)}
        writer.write_record(writer.create_warc_record(
            uri, "metadata", payload=BytesIO(_fields(fields)), length=None,
            warc_headers_dict=self._warc(concurrent)))

    def fetch(self, record: RequestRecord, fetched_at: datetime | None) -> None:
        """Write what one fetch of the audit cost (the timings its report carries)."""
        writer = self._open()
        fields = {"fetch-seconds": repr(record.seconds), "fetch-bytes": str(record.bytes),
                  "fetch-attempts": str(record.attempts), "fetch-status": str(record.status or "")}
        if fetched_at is not None:
            fields["fetched-at"] = fetched_at.isoformat()
        writer.write_record(writer.create_warc_record(
            self.secrets.for_url(record.url).url(record.url), "metadata", payload=BytesIO(_fields(fields)),
            length=None, warc_headers_dict=self._warc({"WARC-Auditor-Fetch": "1"})))

    def finished(self, place: int) -> None:
        """Write that the brand's audit was the run's ``place``-th to finish (a replay keeps the order)."""
        writer = self._open()
        writer.write_record(writer.create_warc_record(
            "", "metadata", payload=BytesIO(_fields({"audit-finished": str(place)})), length=None,
            warc_headers_dict=self._warc()))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        self._file = None
        self._writer = None


def _method(method: str) -> dict[str, str]:
    """The WARC header naming an exchange's method, which replay looks it up by; none for a GET."""
    return {} if method.upper() == "GET" else {"WARC-Auditor-Method": method.upper()}


def _fields(fields: dict[str, str]) -> bytes:
    """``application/warc-fields`` content: one ``name: value`` line each, values on one line."""
    return "".join(f"{name}: {' '.join(value.split())}\r\n" for name, value in fields.items()).encode("utf-8")


class Archive:
    """One run's archive: a :class:`BrandArchive` per brand audited, opened on its first exchange."""

    def __init__(self, directory: Path, credentials: dict[str, str], *, max_bytes: int | None = None,
                 cap: int = 5 * 1024 * 1024) -> None:
        self.directory = directory
        self.secrets = Secrets.of(credentials)
        self.max_bytes = MAX_FILE_BYTES if max_bytes is None else max_bytes
        self.cap = cap
        self.run = str(uuid.uuid4())
        self._brands: dict[tuple[str, datetime], BrandArchive] = {}
        self.finished = 0  # brands whose audit has finished

    def finish(self, brand: BrandArchive) -> None:
        self.finished += 1
        brand.finished(self.finished)

    def brand(self, brand: Brand, as_of: datetime) -> BrandArchive:
        key = (brand.name, as_of)
        found = self._brands.get(key)
        if found is None:
            found = self._brands[key] = BrandArchive(self.directory, brand, as_of, self.run, self.secrets,
                                                     self.max_bytes, self.cap)
        return found

    def close(self) -> None:
        for brand in self._brands.values():
            brand.close()
