"""The ``auditor`` command: parses arguments, calls the library, prints. Nothing else lives here."""

from __future__ import annotations

import asyncio
import enum
import os
import sys
import tempfile
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Optional

import typer
from dateutil import parser as dateparser

from auditor import __version__
from auditor.audit import AuditOptions, audit_async
from auditor.brand import InvalidInput, brand_from
from auditor.engine import ConfigError
from auditor.fetcher import FetchSettings
from auditor.models import Audit, Severity
from auditor.registry import UnknownName, load_registry
from auditor.reports import FORMATS, render


class ExitStatus(enum.IntEnum):
    CLEAN = 0  # nothing at or above --fail-on
    FINDINGS = 1  # findings at or above --fail-on
    USAGE = 2  # bad arguments, input or configuration
    FAILED = 3  # the audit itself could not run


Format = enum.Enum("Format", {name: name for name in FORMATS}, type=str)  # type: ignore[misc]


class FailOn(str, enum.Enum):
    info = "info"
    warning = "warning"
    error = "error"
    never = "never"


app = typer.Typer(
    help="Find a brand's abandoned online presence: stale blogs and feeds, broken channels, unanswered readers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

AsOf = Annotated[
    Optional[str],
    typer.Option("--as-of", metavar="DATE", help="Judge as if it were this moment (2026-11-22 = midnight UTC, or an "
                 "ISO time). Default: now. Fix it for reproducible reports."),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Report format.")]
Output = Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE",
                                                help="Write the report to FILE (atomically) instead of stdout.")]
FailOnOption = Annotated[FailOn, typer.Option("--fail-on", help="Exit 1 when a finding is at least this severe.")]
IgnoreRobots = Annotated[bool, typer.Option("--ignore-robots", help="Fetch even what robots.txt disallows.")]
AllowPrivate = Annotated[bool, typer.Option("--allow-private", help="Allow fetching loopback and private-network "
                                            "addresses (off by default so a page cannot steer us inward).")]
Timeout = Annotated[float, typer.Option("--timeout", metavar="SECONDS", min=1.0,
                                        help="Longest wait for one response, retries not counted.")]


def fail(message: str, status: ExitStatus = ExitStatus.USAGE) -> typer.Exit:
    typer.echo(f"auditor: error: {message}", err=True)
    return typer.Exit(int(status))


def parse_as_of(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = dateparser.isoparse(text)
    except ValueError:
        raise fail(f"--as-of {text!r} is not a date; use YYYY-MM-DD or an ISO 8601 time") from None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def exit_status(audits: list[Audit], fail_on: FailOn) -> ExitStatus:
    if fail_on is FailOn.never:
        return ExitStatus.CLEAN
    threshold = Severity(fail_on.value).rank
    worst = [f for a in audits for f in a.findings if f.severity.rank >= threshold]
    return ExitStatus.FINDINGS if worst else ExitStatus.CLEAN


def emit(audits: list[Audit], format: Format, output: Path | None) -> None:
    color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    width = 110 if output is not None else max(100, typer.get_terminal_size().columns if sys.stdout.isatty() else 110)
    text = "".join(render(a, format.value, color=color, width=width) for a in audits)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=output.parent, delete=False, encoding="utf-8",
                                         prefix=f".{output.name}.") as handle:
            handle.write(text)
        os.replace(handle.name, output)
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}") from None
    typer.echo(f"wrote {output}", err=True)


def settings_from(timeout: float, ignore_robots: bool, allow_private: bool, base: FetchSettings = FetchSettings()):
    return replace(base, total_timeout=timeout, read_timeout=min(base.read_timeout, timeout),
                   respect_robots=not ignore_robots, allow_private=allow_private)


@app.command()
def audit(
    url: Annotated[str, typer.Argument(metavar="URL", help="The brand's homepage: https://acme.example or acme.example")],
    as_of: AsOf = None,
    format: FormatOption = Format.table,  # type: ignore[attr-defined]
    output: Output = None,
    fail_on: FailOnOption = FailOn.warning,
    channel: Annotated[Optional[list[str]], typer.Option("--channel", "-c", metavar="URL",
                       help="A channel (feed or profile URL) to audit besides what the homepage declares. "
                            "Repeatable.")] = None,
    name: Annotated[str, typer.Option("--name", help="The brand's name in reports (default: the host).")] = "",
    ignore_robots: IgnoreRobots = False,
    allow_private: AllowPrivate = False,
    timeout: Timeout = 60.0,
) -> None:
    """Audit one brand: find its feeds and channels, read their last activity, report what is stale or broken.

    Examples:

      auditor audit https://blog.example.com --as-of 2026-11-22

      auditor audit acme.example --format json -o report.json

    Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or input error, 3 the audit could not run.
    """
    moment = parse_as_of(as_of)
    try:
        brand = brand_from(url, name=name, channels=tuple(channel or ()))
        options = AuditOptions(as_of=moment, fetch=settings_from(timeout, ignore_robots, allow_private))
        result = asyncio.run(audit_async(brand, options))
    except (InvalidInput, ConfigError, UnknownName) as exc:
        raise fail(str(exc)) from None
    emit([result], format, output)
    raise typer.Exit(int(exit_status([result], fail_on)))


@app.command()
def demo(
    as_of: AsOf = None,
    format: FormatOption = Format.table,  # type: ignore[attr-defined]
    output: Output = None,
) -> None:
    """Audit the sample brands on the bundled fixture internet: no network needed.

    A loopback proxy answers for every sample host from the files installed with the package,
    so this shows exactly what `auditor audit` does, offline. Judged as of 2026-11-22 unless --as-of says otherwise.
    """
    from auditor.demo import run_demo

    settings = FetchSettings(retries=1, backoff=0.1)
    audits = asyncio.run(run_demo(AuditOptions(as_of=parse_as_of(as_of), fetch=settings)))
    emit(audits, format, output)


@app.command()
def rules(code: Annotated[Optional[str], typer.Argument(help="A rule code, e.g. STALE001, to print its docs.")] = None):
    """List the rules, or print one rule's documentation."""
    registry = load_registry()
    if code is None:
        for rule in sorted(registry.rules.values(), key=lambda r: r.CODE):
            summary = (rule.__doc__ or "").strip().splitlines()[0].split(": ", 1)[-1]
            typer.echo(f"{rule.CODE:<10} {rule.CATEGORY:<11} {rule.SEVERITY.value:<8} {summary}")
        return
    try:
        rule = registry.rule(code)
    except UnknownName as exc:
        raise fail(str(exc)) from None
    typer.echo((rule.__doc__ or "").strip())


class InspectFormat(str, enum.Enum):
    table = "table"
    json = "json"


@app.command()
def inspect(
    url: Annotated[str, typer.Argument(metavar="URL", help="A blog post, a page or a feed.")],
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="DATE", help="Read relative dates (\"3 days "
                     "ago\") from this moment and ignore later dates. Default: the fetch time.")] = None,
    format: Annotated[InspectFormat, typer.Option("--format", "-f", help="Output format.")] = InspectFormat.table,
    ignore_robots: IgnoreRobots = False,
    allow_private: AllowPrivate = False,
    timeout: Timeout = 30.0,
) -> None:
    """Show what the auditor reads from one page or feed: every date and its source, the dates chosen, the comments.

    Examples:

      auditor inspect https://blog.example.com/2019/03/02/spring/ --as-of 2026-11-22

      auditor inspect https://blog.example.com/feed/ --format json
    """
    import json

    from auditor.extract.inspect import inspect_url

    moment = parse_as_of(as_of)
    try:
        found = asyncio.run(inspect_url(url, as_of=moment, fetch=settings_from(timeout, ignore_robots, allow_private)))
    except InvalidInput as exc:
        raise fail(str(exc)) from None
    if format is InspectFormat.json:
        typer.echo(json.dumps(found.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(_inspection_text(found))
    if found.kind in ("failed", "other"):
        raise typer.Exit(int(ExitStatus.FAILED))


def _inspection_text(found) -> str:  # noqa: ANN001 - an auditor.extract.inspect.Inspection
    def iso(value: datetime | None) -> str:
        return value.isoformat() if value is not None else "-"

    lines = [f"{found.final_url}  (HTTP {found.status}, {found.kind})"]
    if found.error:
        lines.append(f"error: {found.error}")
        return "\n".join(lines)
    if found.feed is not None:
        feed = found.feed
        lines += [f"feed: {feed.title!r} ({feed.format}, {len(feed.items)} items)",
                  f"last activity: {iso(found.last_activity)}  {found.last_activity_source}", "", "item dates:"]
        for item in feed.items:
            lines.append(f"  {iso(item.published):<26} {iso(item.updated):<26} {item.url}")
        return "\n".join(lines)
    page = found.page
    chosen = (lambda c: f"{iso(c.value)}  ({c.describe()})" if c is not None else "-")
    lines += [f"title: {page.title}", f"author: {page.author or '-'}",
              f"published: {chosen(page.published)}", f"modified: {chosen(page.modified)}",
              f"last activity: {iso(found.last_activity)}  {found.last_activity_source}"]
    if page.note:
        lines.append(f"note: {page.note}")
    lines += ["", f"date candidates ({len(page.candidates)}):",
              f"  {'VALUE':<26} {'ROLE':<10} {'REGION':<8} {'PRECISION':<9} {'SOURCE':<34} TEXT"]
    for c in page.candidates:
        text = c.text if len(c.text) <= 60 else c.text[:57] + "..."
        lines.append(f"  {iso(c.value):<26} {c.role:<10} {c.region:<8} {c.precision:<9} {c.source:<34} {text}")
    owners = sum(1 for c in page.comments if c.is_owner)
    lines += ["", f"comments ({len(page.comments)}, {owners} by the owner):"]
    if page.comments:
        lines.append(f"  {'ID':<14} {'AUTHOR':<20} {'TIME':<26} {'PARENT':<14} OWNER")
    for c in page.comments:
        owner = f"yes ({c.owner_because})" if c.is_owner else "no"
        answers = f"  answers {', '.join(c.replies_to)}" if c.replies_to else ""
        lines.append(f"  {c.id:<14} {c.author[:20]:<20} {iso(c.at):<26} {c.parent or '-':<14} {owner}{answers}")
    return "\n".join(lines)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"presence-auditor {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Find a brand's abandoned online presence."""


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("auditor: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - never a traceback for the user; AUDITOR_DEBUG=1 shows it
        if os.environ.get("AUDITOR_DEBUG"):
            raise
        typer.echo(f"auditor: the audit could not run: {type(exc).__name__}: {exc} "
                   "(set AUDITOR_DEBUG=1 for details)", err=True)
        sys.exit(int(ExitStatus.FAILED))


if __name__ == "__main__":
    main()
