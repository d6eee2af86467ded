"""Where reports go: stdout, one file, one file per brand, or several formats at once, each safe
against interruption, and checked before any request is made.

* one file, JSON, several brands: JSON Lines, each brand's line appended whole and synced
  as it finishes; ``resume`` keeps the complete lines, drops a torn last line, and skips
  the brands already there;
* one file, any other format (or a single brand): written to ``FILE.partial`` and renamed
  into place when the run completes, so the target is never half a report; a target that is
  not a regular file (``/dev/stdout``, a pipe) is written directly;
* a directory: one complete report per brand (``<key>.<ext>``, see :func:`file_key`), each
  written atomically,
  and a line per brand in a hidden ledger (``.presence-auditor-<ext>.jsonl``) so ``resume``
  knows which brands are done and what they found; for HTML also ``index.html``, the brands
  side by side (worst first, by category) each linking to its own file;
* several formats (``json,html``): ``-o DIR`` holds one file per format (``report.<ext>``;
  ``report.jsonl`` for JSON of several brands), ``--output-dir DIR`` one file per brand and format.

Files are created with the permissions the umask allows, like any other tool's output.
A sink remembers the brands an earlier run finished (:class:`Done`), with what they found, so a
resumed run's exit status counts them as the original run did.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from auditor.discover.brand import InvalidInput
from auditor.models import Audit, ExitStatus, Severity
from auditor.report import FORMATS, ReportOptions, portfolio, reporter
from auditor.report.html import STYLE


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "brand"


_PLAIN_KEY = re.compile(r"[a-z0-9][a-z0-9._-]{0,79}")
# Names Windows reserves for devices, whatever the extension.
_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))})
PORTFOLIO = "index.html"  # the page across brands in a folder of HTML reports; no brand's key is "index"


def file_key(name: str) -> str:
    """The file name (without extension) of a brand's report in ``--output-dir``: derived from the
    name alone, so it is the same in every run, and never shared by two names. A name that is
    already a plain lower-case file name is its own key (``acme.example``); any other gets its
    slug and ``~`` and a digest of the whole name (``Big_Brand~1a2b3c4d5e``), so ``a/b`` and
    ``a_b``, or ``Acme`` and ``acme`` on a case-insensitive disk, never overwrite each other."""
    if (_PLAIN_KEY.fullmatch(name) and not name.endswith(".") and name.split(".")[0] not in _DEVICES
            and name != "index"):
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{slug(name)[:80]}~{digest}"


def write_atomically(path: Path, text: str) -> None:
    """``text`` in ``path``, whole or not at all; a new file gets the mode the umask allows (0666 & ~umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Done:
    """A brand an earlier run finished: enough of what it found to take its exit status again."""

    name: str
    findings: tuple[tuple[str, str], ...] = ()  # (severity, baseline mark) per finding
    reached: bool = True  # something of the brand could be read

    @classmethod
    def of(cls, audit: Audit) -> Done:
        return cls(audit.brand.name, tuple((f.severity.value, f.baseline) for f in audit.findings), reached(audit))

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Done:
        stats = document.get("stats") or {}
        findings = tuple((str(f.get("severity", "")), str(f.get("baseline", "")))
                         for f in document.get("findings") or ())
        return cls(str(document["brand"]["name"]), findings, _reached(stats.get("requests", 0), stats.get("errors", 0)))

    def exit_status(self, threshold: Severity | None, *, only_new: bool = False) -> ExitStatus:
        if threshold is None:
            return ExitStatus.CLEAN
        for severity, mark in self.findings:
            try:
                rank = Severity(severity).rank
            except ValueError:
                continue
            if rank >= threshold.rank and (not only_new or mark == "new"):
                return ExitStatus.FINDINGS
        return ExitStatus.CLEAN


def reached(audit: Audit) -> bool:
    """False when every request of the audit failed without an answer: nothing of the brand could be read."""
    return _reached(audit.stats.requests, audit.stats.errors)


def _reached(requests: int, errors: int) -> bool:
    return requests == 0 or errors < requests


class Sink:
    """Receives finished audits one by one; ``done`` holds the brands an earlier run finished."""

    def __init__(self, format: str, options: ReportOptions) -> None:
        self.format = format
        self.options = options
        self.done: dict[str, Done] = {}
        self.to_terminal = False  # writes to the terminal the progress line is drawn on

    def key(self, name: str) -> str:
        """The name under which this sink records a brand."""
        return name

    def write(self, audit: Audit) -> None:
        raise NotImplementedError

    def close(self, completed: bool) -> str:
        """Finish the report; returns a line for the user ("" for nothing to say)."""
        return ""


class StreamSink(Sink):
    def __init__(self, format: str, options: ReportOptions, stream: TextIO | None = None, *, many: bool,
                 owned: bool = False) -> None:
        super().__init__(format, options)
        self.stream = stream or sys.stdout
        self.owned = owned
        self.to_terminal = _isatty(self.stream)
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
        if self.owned:
            self.stream.close()
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

    def _keep_complete_lines(self) -> dict[str, Done]:
        kept, done = [], {}
        for line in self.path.read_text(encoding="utf-8").splitlines(keepends=True):
            try:
                finished = Done.from_document(json.loads(line))
            except (ValueError, KeyError, TypeError):
                break  # a torn last line from an interrupted run
            if not line.endswith("\n"):
                break
            kept.append(line)
            done[finished.name] = finished
        write_atomically(self.path, "".join(kept))
        return done

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
        self.ledger = directory / f".presence-auditor-{self.extension}.jsonl"
        self.written = 0
        if resume:
            self.done = self._read_ledger()
        else:
            self.ledger.unlink(missing_ok=True)
        self.handle = self.ledger.open("a", encoding="utf-8")

    def _ledger(self) -> Iterator[dict[str, Any]]:
        """The ledger's entries whose report file exists, up to a torn last line (that brand is audited again)."""
        if not self.ledger.exists():
            return
        for line in self.ledger.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
                name = str(entry["name"])
            except (ValueError, KeyError, TypeError):
                return
            if self.path_for(name).exists():
                yield entry

    def _read_ledger(self) -> dict[str, Done]:
        done: dict[str, Done] = {}
        for entry in self._ledger():
            try:
                finished = Done(str(entry["name"]), tuple((str(s), str(m)) for s, m in entry["findings"]),
                                bool(entry["reached"]))
            except (ValueError, KeyError, TypeError):
                break  # a torn entry: that brand and the rest are audited again
            done[file_key(finished.name)] = finished
        return done

    def key(self, name: str) -> str:
        return file_key(name)

    def path_for(self, name: str) -> Path:
        return self.directory / f"{file_key(name)}.{self.extension}"

    def write(self, audit: Audit) -> None:
        options = replace(self.options, portfolio=PORTFOLIO) if self.format == "html" else self.options
        write_atomically(self.path_for(audit.brand.name), reporter(self.format, options).render(audit))
        finished = Done.of(audit)
        entry = portfolio.entry_record(portfolio.entry_of(audit, ""))
        self.handle.write(json.dumps({"name": finished.name, "findings": finished.findings,
                                      "reached": finished.reached, **entry}, ensure_ascii=False) + "\n")
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.written += 1

    def close(self, completed: bool) -> str:
        self.handle.close()
        if self.format == "html":
            write_atomically(self.directory / PORTFOLIO, self._portfolio())
            return f"wrote {self.written} html reports to {self.directory}, brands side by side in " \
                   f"{self.directory / PORTFOLIO}"
        return f"wrote {self.written} {self.format} reports to {self.directory}"

    def _portfolio(self) -> str:
        """The page across every brand the ledger holds (this run's and a resumed run's), linking to their files."""
        entries: dict[str, portfolio.Entry] = {}
        for record in self._ledger():
            name = str(record["name"])
            href = quote(self.path_for(name).name)
            entries[name] = portfolio.entry_from(name, href, record, bool(record.get("reached", True)))
        return portfolio.page(list(entries.values()), STYLE)


class MultiSink(Sink):
    """Several formats of one run: every audit goes to each sink; a brand is done when every sink has it."""

    def __init__(self, sinks: Sequence[Sink]) -> None:
        super().__init__(",".join(s.format for s in sinks), sinks[0].options)
        self.sinks = tuple(sinks)
        keys = set.intersection(*(set(s.done) for s in sinks))
        self.done = {key: sinks[0].done[key] for key in keys}
        self._key = sinks[0].key

    def key(self, name: str) -> str:
        return self._key(name)

    def write(self, audit: Audit) -> None:
        for sink in self.sinks:
            sink.write(audit)

    def close(self, completed: bool) -> str:
        return "\n".join(line for line in (sink.close(completed) for sink in self.sinks) if line)


def parse_formats(text: str) -> tuple[str, ...]:
    """``"json,html"`` → ``("json", "html")``; InvalidInput for an unknown or repeated format."""
    formats = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    if not formats:
        raise InvalidInput(f"--format: choose one or more of {', '.join(FORMATS)}")
    for name in formats:
        if name not in FORMATS:
            raise InvalidInput(f"--format: unknown format {name!r}; choose from {', '.join(FORMATS)} "
                               "(several: json,html)")
    if len(set(formats)) != len(formats):
        raise InvalidInput(f"--format: {text!r} names a format twice")
    return formats


def open_sink(format: str | Sequence[str], options: ReportOptions, *, output: Path | None,
              output_dir: Path | None, resume: bool, many: bool, stream: TextIO | None = None) -> Sink:
    """The sink for the chosen destination, opened now so a path that cannot be written fails before
    any request is made; raises InvalidInput for destinations and combinations that cannot work."""
    formats = (format,) if isinstance(format, str) else tuple(format)
    if output is not None and output_dir is not None:
        raise InvalidInput("use either --output or --output-dir, not both")
    if len(formats) > 1:
        return _open_several(formats, options, output=output, output_dir=output_dir, resume=resume, many=many)
    (format,) = formats
    try:
        if output_dir is not None:
            _check_directory(output_dir, "--output-dir")
            return DirectorySink(format, options, output_dir, resume=resume)
        if output is None:
            if resume:
                raise InvalidInput("--resume needs --output or --output-dir: it reads what the last run wrote")
            return StreamSink(format, options, stream, many=many)
        if output.is_dir():
            raise InvalidInput(f"cannot write {output}: it is a directory (name a file, or use --output-dir)")
        if output.exists() and not output.is_file():  # /dev/stdout, a named pipe: written as it goes
            if resume:
                raise InvalidInput(f"--resume cannot read back {output}: it is not a regular file")
            return StreamSink(format, options, output.open("w", encoding="utf-8"), many=many, owned=True)
        _check_directory(output.parent, "--output")
        if format == "json" and many:
            return JsonLinesSink(options, output, resume=resume)
        if resume:
            raise InvalidInput("--resume works with --format json (JSON Lines) or --output-dir")
        return FileSink(format, options, output, many=many)
    except OSError as exc:
        raise InvalidInput(f"cannot write {output or output_dir}: {exc.strerror or exc}") from None


def _open_several(formats: tuple[str, ...], options: ReportOptions, *, output: Path | None,
                  output_dir: Path | None, resume: bool, many: bool) -> Sink:
    directory = output_dir or output
    if directory is None:
        raise InvalidInput(f"--format {','.join(formats)}: several formats need -o DIR (one file per format) "
                           "or --output-dir DIR (one file per brand and format)")
    extensions = [reporter(name, options).extension for name in formats]
    clashing = sorted({e for e in extensions if extensions.count(e) > 1})
    if clashing:
        raise InvalidInput(f"--format {','.join(formats)}: these formats would share the .{clashing[0]} "
                           "extension; run them separately")
    if directory.exists() and not directory.is_dir():
        raise InvalidInput(f"cannot write {directory}: with several formats -o names a directory")
    if output_dir is None and resume and any(name != "json" for name in formats):
        raise InvalidInput("--resume with several formats needs --output-dir")
    sinks: list[Sink] = []
    try:
        _check_directory(directory, "--output-dir" if output_dir is not None else "--output")
        for name in formats:
            if output_dir is not None:
                sinks.append(DirectorySink(name, options, output_dir, resume=resume))
            elif name == "json" and many:
                sinks.append(JsonLinesSink(options, directory / "report.jsonl", resume=resume))
            else:
                sinks.append(FileSink(name, options, directory / f"report.{reporter(name, options).extension}",
                                      many=many))
    except OSError as exc:
        raise InvalidInput(f"cannot write {directory}: {exc.strerror or exc}") from None
    return MultiSink(sinks)


def _check_directory(directory: Path, flag: str) -> None:
    """The folder exists (or can be made) and we may create files in it."""
    existing = next((p for p in (directory, *directory.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise InvalidInput(f"cannot write {directory} ({flag}): {existing} is a file, not a directory")
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise InvalidInput(f"cannot write {directory} ({flag}): permission denied in {existing}")


def use_color(choice: str, stream: TextIO | None = None, environ: Mapping[str, str] | None = None) -> bool:
    """``--color``: ``always`` and ``never`` say it; ``auto`` colours ``stream`` when it is a terminal, unless
    ``NO_COLOR`` is set (to anything but the empty string) or ``TERM=dumb``. ``stream`` None: a file."""
    environ = os.environ if environ is None else environ
    if choice == "always":
        return True
    if choice == "never" or stream is None:
        return False
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    return _isatty(stream)


PIPE_WIDTH = 80


def report_width(stream: TextIO | None = None, environ: Mapping[str, str] | None = None) -> int:
    """The columns a terminal report is laid out in: ``COLUMNS`` when set, else the width of ``stream``
    when it is a terminal, else 80 (a pipe, or a file: ``stream`` None)."""
    environ = os.environ if environ is None else environ
    columns = environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(40, int(columns))
    if stream is not None and _isatty(stream):
        try:
            return max(40, os.get_terminal_size(stream.fileno()).columns)
        except (OSError, ValueError):
            pass
    return PIPE_WIDTH


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False

