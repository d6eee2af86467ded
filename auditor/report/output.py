"""Where reports go: stdout, one file, or one file per brand, each safe against interruption.

* one file, JSON, several brands: JSON Lines, each brand's line appended whole and synced
  as it finishes; ``resume`` keeps the complete lines, drops a torn last line, and skips
  the brands already there;
* one file, any other format (or a single brand): written to ``FILE.partial`` and renamed
  into place when the run completes, so the target is never half a report;
* a directory: one complete report per brand (``<key>.<ext>``, see :func:`file_key`), each
  written atomically; ``resume`` skips brands whose file exists.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from auditor.discover.brand import InvalidInput
from auditor.models import Audit
from auditor.report import ReportOptions, reporter


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "brand"


_PLAIN_KEY = re.compile(r"[a-z0-9][a-z0-9._-]{0,79}")
# Names Windows reserves for devices, whatever the extension.
_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))})


def file_key(name: str) -> str:
    """The file name (without extension) of a brand's report in ``--output-dir``: derived from the
    name alone, so it is the same in every run, and never shared by two names. A name that is
    already a plain lower-case file name is its own key (``acme.example``); any other gets its
    slug and ``~`` and a digest of the whole name (``Big_Brand~1a2b3c4d5e``), so ``a/b`` and
    ``a_b``, or ``Acme`` and ``acme`` on a case-insensitive disk, never overwrite each other."""
    if _PLAIN_KEY.fullmatch(name) and not name.endswith(".") and name.split(".")[0] not in _DEVICES:
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{slug(name)[:80]}~{digest}"


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8",
                                     prefix=f".{path.name}.", suffix=".tmp") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(handle.name, path)


class Sink:
    """Receives finished audits one by one; ``done`` names brands a resumed run can skip."""

    def __init__(self, format: str, options: ReportOptions) -> None:
        self.format = format
        self.options = options
        self.done: set[str] = set()

    def write(self, audit: Audit) -> None:
        raise NotImplementedError

    def close(self, completed: bool) -> str:
        """Finish the report; returns a line for the user ("" for nothing to say)."""
        return ""


class StreamSink(Sink):
    def __init__(self, format: str, options: ReportOptions, stream: TextIO | None = None, *, many: bool) -> None:
        super().__init__(format, options)
        self.stream = stream or sys.stdout
        self.reporter = reporter(format, options, lines=many)
        self._write(self.reporter.start())

    def _write(self, text: str) -> None:
        if text:
            self.stream.write(text)
            self.stream.flush()

    def write(self, audit: Audit) -> None:
        self._write(self.reporter.add(audit))

    def close(self, completed: bool) -> str:
        self._write(self.reporter.end())
        return ""


class JsonLinesSink(Sink):
    def __init__(self, options: ReportOptions, path: Path, *, resume: bool) -> None:
        super().__init__("json", options)
        self.path = path
        self.reporter = reporter("json", options, lines=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        if resume and path.exists():
            self.done = self._keep_complete_lines()
        elif path.exists():
            path.unlink()
        self.handle = path.open("a", encoding="utf-8")

    def _keep_complete_lines(self) -> set[str]:
        kept, names = [], set()
        for line in self.path.read_text(encoding="utf-8").splitlines(keepends=True):
            try:
                document = json.loads(line)
                names.add(document["brand"]["name"])
            except (ValueError, KeyError, TypeError):
                break  # a torn last line from an interrupted run
            if not line.endswith("\n"):
                break
            kept.append(line)
        write_atomically(self.path, "".join(kept))
        return names

    def write(self, audit: Audit) -> None:
        self.handle.write(self.reporter.add(audit))
        self.handle.flush()
        os.fsync(self.handle.fileno())

    def close(self, completed: bool) -> str:
        self.handle.close()
        return f"wrote {self.path}" if completed else f"{self.path} holds every brand finished so far (--resume goes on)"


class FileSink(Sink):
    def __init__(self, format: str, options: ReportOptions, path: Path, *, many: bool) -> None:
        super().__init__(format, options)
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.reporter = reporter(format, options, lines=many)
        self.handle = self.partial.open("w", encoding="utf-8")
        self.handle.write(self.reporter.start())

    def write(self, audit: Audit) -> None:
        self.handle.write(self.reporter.add(audit))
        self.handle.flush()

    def close(self, completed: bool) -> str:
        if not completed:
            self.handle.close()
            return f"interrupted: {self.partial} holds the brands finished so far; {self.path} was not touched"
        self.handle.write(self.reporter.end())
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.partial, self.path)
        return f"wrote {self.path}"


class DirectorySink(Sink):
    def __init__(self, format: str, options: ReportOptions, directory: Path, *, resume: bool) -> None:
        super().__init__(format, options)
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.extension = reporter(format, options).extension
        self.written = 0
        if resume:
            self.done = {p.name[: -len(self.extension) - 1] for p in directory.glob(f"*.{self.extension}")}

    def path_for(self, name: str) -> Path:
        return self.directory / f"{file_key(name)}.{self.extension}"

    def write(self, audit: Audit) -> None:
        write_atomically(self.path_for(audit.brand.name), reporter(self.format, self.options).render(audit))
        self.written += 1

    def close(self, completed: bool) -> str:
        return f"wrote {self.written} reports to {self.directory}"


def open_sink(format: str, options: ReportOptions, *, output: Path | None, output_dir: Path | None,
              resume: bool, many: bool) -> Sink:
    """The sink for the chosen destination; raises InvalidInput for combinations that cannot work."""
    if output is not None and output_dir is not None:
        raise InvalidInput("use either --output or --output-dir, not both")
    try:
        if output_dir is not None:
            return DirectorySink(format, options, output_dir, resume=resume)
        if output is None:
            if resume:
                raise InvalidInput("--resume needs --output or --output-dir: it reads what the last run wrote")
            return StreamSink(format, options, many=many)
        if format == "json" and many:
            return JsonLinesSink(options, output, resume=resume)
        if resume:
            raise InvalidInput("--resume works with --format json (JSON Lines) or --output-dir")
        return FileSink(format, options, output, many=many)
    except OSError as exc:
        raise InvalidInput(f"cannot write {output or output_dir}: {exc.strerror or exc}") from None


def brand_key(name: str, sink: Sink) -> str:
    """The name under which a resumed run recorded this brand."""
    return file_key(name) if isinstance(sink, DirectorySink) else name
