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
from auditor.baseline import apply_baseline, load_baseline
from auditor.config import load_config
from auditor.engine import ConfigError, RuleConfig
from auditor.fetcher import FetchSettings
from auditor.models import Audit, Severity
from auditor.registry import UnknownName, load_registry
from auditor.reports import FORMATS, render
from auditor.rules import summary
from auditor.selection import SelectorError, check_selectors


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
FailOnOption = Annotated[Optional[FailOn], typer.Option(
    "--fail-on", help="Exit 1 when a finding is at least this severe. Default: the config's fail-on, else warning.")]
ConfigOption = Annotated[Optional[Path], typer.Option(
    "--config", metavar="FILE", help="Configuration file (TOML). Default: ./auditor.toml, or [tool.auditor] in "
    "./pyproject.toml, if present.")]
SelectOption = Annotated[Optional[str], typer.Option(
    "--select", metavar="CODES", help="Run only these rules: comma-separated codes or prefixes (STALE,BROKEN001); "
    "replaces the config's select.")]
ExtendSelectOption = Annotated[Optional[str], typer.Option(
    "--extend-select", metavar="CODES", help="Add rules to the selection.")]
IgnoreOption = Annotated[Optional[str], typer.Option(
    "--ignore", metavar="CODES", help="Skip these rules (added to the config's ignore). The most specific selector "
    "wins; on a tie, ignore wins.")]
BaselineOption = Annotated[Optional[Path], typer.Option(
    "--baseline", metavar="FILE", help="A previous JSON report: mark findings new or unchanged, list resolved ones.")]
FailOnNewOption = Annotated[bool, typer.Option(
    "--fail-on-new", help="With --baseline: exit 1 only for new findings at or above --fail-on.")]
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


def exit_status(audits: list[Audit], fail_on: FailOn, *, only_new: bool = False) -> ExitStatus:
    if fail_on is FailOn.never:
        return ExitStatus.CLEAN
    threshold = Severity(fail_on.value).rank
    worst = [f for a in audits for f in a.findings
             if f.severity.rank >= threshold and (not only_new or f.baseline == "new")]
    return ExitStatus.FINDINGS if worst else ExitStatus.CLEAN


def emit(audits: list[Audit], format: Format, output: Path | None) -> None:
    color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    width = 110 if output is not None else max(100, typer.get_terminal_size().columns if sys.stdout.isatty() else 110)
    lines = len(audits) > 1
    text = "".join(render(a, format.value, color=color, width=width, lines=lines) for a in audits)
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


def codes(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip().upper() for part in (text or "").split(",") if part.strip())


def with_selectors(rules: RuleConfig, select: str | None, extend_select: str | None, ignore: str | None) -> RuleConfig:
    """Command-line selectors over the file's: --select replaces, --extend-select and --ignore add."""
    return replace(
        rules,
        select=codes(select) or rules.select,
        extend_select=rules.extend_select + codes(extend_select),
        ignore=rules.ignore + codes(ignore),
    )


def settings_from(timeout: float, ignore_robots: bool, allow_private: bool, base: FetchSettings = FetchSettings()):
    return replace(base, total_timeout=timeout, read_timeout=min(base.read_timeout, timeout),
                   respect_robots=not ignore_robots, allow_private=allow_private)


@app.command()
def audit(
    url: Annotated[str, typer.Argument(metavar="URL", help="The brand's homepage: https://acme.example or acme.example")],
    as_of: AsOf = None,
    format: FormatOption = Format.table,  # type: ignore[attr-defined]
    output: Output = None,
    fail_on: FailOnOption = None,
    config: ConfigOption = None,
    select: SelectOption = None,
    extend_select: ExtendSelectOption = None,
    ignore: IgnoreOption = None,
    baseline: BaselineOption = None,
    fail_on_new: FailOnNewOption = False,
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

      auditor audit acme.example --ignore SLOW --baseline last.json --fail-on-new

    Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or input error, 3 the audit could not run.
    """
    moment = parse_as_of(as_of)
    try:
        brand = brand_from(url, name=name, channels=tuple(channel or ()))
        registry = load_registry()
        file_config = load_config(config)
        for flag, value in (("--select", select), ("--extend-select", extend_select), ("--ignore", ignore)):
            check_selectors(codes(value), registry.rules, flag)
        rules = with_selectors(file_config.rules, select, extend_select, ignore)
        previous = load_baseline(baseline) if baseline is not None else None
        options = AuditOptions(as_of=moment, fetch=settings_from(timeout, ignore_robots, allow_private), rules=rules)
        result = asyncio.run(audit_async(brand, options, registry=registry))
    except (InvalidInput, ConfigError, UnknownName, SelectorError) as exc:
        raise fail(str(exc)) from None
    if previous is not None:
        result = apply_baseline(result, previous)
    emit([result], format, output)
    threshold = fail_on or FailOn(file_config.fail_on or "warning")
    raise typer.Exit(int(exit_status([result], threshold, only_new=fail_on_new)))


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
            typer.echo(f"{rule.CODE:<11} {rule.CATEGORY:<11} {rule.SEVERITY.value:<8} {summary(rule)}")
        return
    try:
        rule = registry.rule(code)
    except UnknownName as exc:
        raise fail(str(exc)) from None
    typer.echo((rule.__doc__ or "").strip())


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
