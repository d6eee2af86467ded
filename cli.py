"""The ``auditor`` command: parses arguments, calls the library, prints. Nothing else lives here."""

from __future__ import annotations

import enum
import os
import sys
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Optional

import typer
from dateutil import parser as dateparser

from auditor import __version__
from auditor.options import AuditOptions
from auditor.discover.brand import InvalidInput, brand_from
from auditor.judge.baseline import load_baseline
from auditor.archive import (ArchiveError, check_archive_flags, check_directory, placeholders, replay_order,
                             replay_runs)
from auditor.history import HistoryError
from auditor.history.record import PREVIOUS, recorder_for
from auditor.batch import BrandSource, BrandSpec, read_brands
from auditor.judge.config import Overrides, codes, describe, resolve
from auditor.judge import ConfigError, Rules, prepare
from auditor.fetch.client import FetchSettings
from auditor.fetch.proxy import ProxyDown
from auditor.report.output import Sink, open_sink, parse_formats, report_width, use_color
from auditor.models import ExitStatus, Severity
from auditor.plugin import UnknownName, load_registry
from auditor.report import FORMATS, ReportOptions
from auditor.run import cache_settings, check_baseline_flags, check_network, fetch_settings, run_and_report
from auditor.judge.rules import summary
from auditor.judge.selection import SelectorError, check_selectors


class FailOn(str, enum.Enum):
    info = "info"
    warning = "warning"
    error = "error"
    never = "never"


class Color(str, enum.Enum):
    auto = "auto"
    always = "always"
    never = "never"


app = typer.Typer(
    help="Find a brand's abandoned online presence: stale blogs and feeds, broken channels, unanswered readers.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def complete_formats(incomplete: str) -> list[str]:
    """Shell completion for --format: the formats, also after a comma (json,h → json,html)."""
    done, _, last = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    return [prefix + name for name in FORMATS if name.startswith(last) and name not in done.split(",")]


AsOf = Annotated[
    Optional[str],
    typer.Option("--as-of", metavar="DATE", help="Judge as if it were this moment (2026-11-22 = midnight UTC, or an "
                 "ISO time). Default: now. Fix it for reproducible reports."),
]
FormatOption = Annotated[str, typer.Option(
    "--format", "-f", metavar="FORMAT[,FORMAT]", autocompletion=complete_formats,
    help=f"Report format: {', '.join(FORMATS)}. Several at once with -o DIR: --format json,html -o out/ "
    "writes out/report.json and out/report.html.")]
Output = Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE",
                                                help="Write the report to FILE (atomically) instead of stdout; with "
                                                "several formats, a directory (one file per format).")]
FailOnOption = Annotated[Optional[FailOn], typer.Option(
    "--fail-on", help="Exit 1 when a finding is at least this severe. Default: the config's fail-on, else warning.")]
ConfigOption = Annotated[Optional[Path], typer.Option(
    "--config", metavar="FILE", help="Configuration file (TOML). Default: the nearest auditor.toml, or pyproject.toml "
    "with \\[tool.auditor], in the working directory or above it (auditor config shows which).")]
SelectOption = Annotated[Optional[str], typer.Option(
    "--select", metavar="CODES", help="Run only these rules: comma-separated codes or prefixes (STALE,BROKEN001); "
    "replaces the config's select.")]
ExtendSelectOption = Annotated[Optional[str], typer.Option(
    "--extend-select", metavar="CODES", help="Add rules to the selection.")]
IgnoreOption = Annotated[Optional[str], typer.Option(
    "--ignore", metavar="CODES", help="Skip these rules (added to the config's ignore). The most specific selector "
    "wins; on a tie, ignore wins.")]
BaselineOption = Annotated[Optional[Path], typer.Option(
    "--baseline", metavar="FILE", help="A previous JSON report: mark findings new or unchanged, list resolved ones. "
    "'previous': the brand's last run in the history.")]
HistoryOption = Annotated[Optional[Path], typer.Option(
    "--history", metavar="FILE", help="The history file (SQLite) every audit is remembered in. Default: "
    "$XDG_DATA_HOME/presence-auditor/history.sqlite3 (~/.local/share when unset).")]
NoHistoryOption = Annotated[bool, typer.Option("--no-history", help="Do not read or write the history.")]
CacheDirOption = Annotated[Optional[Path], typer.Option(
    "--cache-dir", metavar="DIR", help="Keep an HTTP cache in DIR between runs (also AUDITOR_CACHE_DIR), so a "
    "scheduled job re-fetches only what is older than --max-age.")]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", help="Do not use the HTTP cache, even if configured.")]
MaxAgeOption = Annotated[float, typer.Option("--max-age", metavar="SECONDS", min=0.0,
                                             help="How long a cached response is reused (default one hour).")]
FailOnNewOption = Annotated[bool, typer.Option(
    "--fail-on-new", help="With --baseline: exit 1 only for new findings at or above --fail-on.")]
IgnoreRobots = Annotated[bool, typer.Option("--ignore-robots", help="Fetch even what robots.txt disallows.")]
AllowPrivate = Annotated[bool, typer.Option("--allow-private", help="Allow fetching loopback and private-network "
                                            "addresses (off by default so a page cannot steer us inward).")]
Timeout = Annotated[float, typer.Option("--timeout", metavar="SECONDS", min=1.0,
                                        help="Longest wait for one response, retries not counted.")]
MaxRetries = Annotated[Optional[int], typer.Option(
    "--max-retries", metavar="N", min=0, max=10, help="Retries of a failed request (connect errors, timeouts, 429, "
    "5xx) after the first attempt (default 3; 0 for none).")]
ColorOption = Annotated[Color, typer.Option(
    "--color", help="Colour the terminal report: auto (a terminal, unless NO_COLOR is set), always (through a pipe "
    "too), never.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print the report and errors only: no progress, "
                                           "no 'wrote FILE' lines.")]


def fail(message: str, status: ExitStatus = ExitStatus.USAGE) -> typer.Exit:
    typer.echo(f"auditor: error: {message}", err=True)
    return typer.Exit(int(status))


def say(line: str) -> None:
    typer.echo(line, err=True)


def parse_as_of(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = dateparser.isoparse(text)
    except ValueError:
        raise fail(f"--as-of {text!r} is not a date; use YYYY-MM-DD or an ISO 8601 time") from None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def severity_of(fail_on: str) -> Severity | None:
    """The severity that fails the run; None for ``never``."""
    return None if fail_on == "never" else Severity(fail_on)


def report_options(color: Color, *, to_stdout: bool, verbose: bool = False,
                   fail_on: Severity | None = Severity.WARNING, rules: Rules | None = None) -> ReportOptions:
    stream = sys.stdout if to_stdout else None
    return ReportOptions(color=use_color(color.value, stream), width=report_width(stream), verbose=verbose,
                         fail_on=fail_on, rules=rules)


@app.command()
def audit(
    url: Annotated[Optional[str], typer.Argument(
        metavar="URL", help="The brand's homepage: https://acme.example or acme.example. Or use --brands.")] = None,
    brands: Annotated[Optional[Path], typer.Option(
        "--brands", metavar="FILE", help="Audit many brands from a CSV (name,url,channels,handles,config) or TOML "
        "(\\[\\[brand]] tables) file; results stream out as each brand finishes.")] = None,
    as_of: AsOf = None,
    format: FormatOption = "table",
    output: Output = None,
    output_dir: Annotated[Optional[Path], typer.Option(
        "--output-dir", metavar="DIR", help="One report file per brand (and format) in DIR, each written "
        "atomically.")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Skip brands already in --output (JSON Lines) or --output-dir from an interrupted run; "
        "the exit status counts what they found.")] = False,
    fail_on: FailOnOption = None,
    config: ConfigOption = None,
    select: SelectOption = None,
    extend_select: ExtendSelectOption = None,
    ignore: IgnoreOption = None,
    baseline: BaselineOption = None,
    fail_on_new: FailOnNewOption = False,
    history: HistoryOption = None,
    no_history: NoHistoryOption = False,
    channel: Annotated[Optional[list[str]], typer.Option("--channel", "-c", metavar="URL",
                       help="A channel (feed or profile URL) to audit besides what the homepage declares. "
                            "Repeatable.")] = None,
    name: Annotated[str, typer.Option("--name", help="The brand's name in reports (default: the host).")] = "",
    handle: Annotated[Optional[list[str]], typer.Option(
        "--handle", metavar="NAME", help="A handle the brand uses (repeatable); see --probe-handles.")] = None,
    probe_handles: Annotated[bool, typer.Option(
        "--probe-handles", help="Look the handles up on every platform that maps handles to profiles and audit "
        "the profiles found (low confidence: the same name may belong to someone else).")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show healthy channels too.")] = False,
    quiet: QuietOption = False,
    color: ColorOption = Color.auto,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=256,
                                             help="Brands audited at once with --brands.")] = 8,
    brand_timeout: Annotated[Optional[float], typer.Option(
        "--brand-timeout", metavar="SECONDS", min=1.0, help="Stop a brand's audit after this long and report it "
        "as failed (exit 3); the other brands go on. Default: no limit.")] = None,
    cluster: Annotated[Optional[str], typer.Option(
        "--cluster", metavar="ADDRESS", help="Audit on a Dask cluster: a scheduler's address, or local:N for N local "
        "worker processes (--concurrency brands at once each). Needs presence-auditor[cluster].")] = None,
    cache_dir: CacheDirOption = None,
    no_cache: NoCacheOption = False,
    max_age: MaxAgeOption = 3600.0,
    ignore_robots: IgnoreRobots = False,
    allow_private: AllowPrivate = False,
    timeout: Timeout = 60.0,
    max_retries: MaxRetries = None,
    archive: Annotated[Optional[Path], typer.Option(
        "--archive", metavar="DIR", help="Keep every response the audit reads as WARC files in DIR (one set per brand "
        "and run, secrets stripped); each finding's evidence names its record.")] = None,
    replay: Annotated[Optional[Path], typer.Option(
        "--replay", metavar="DIR", help="Audit again from an --archive DIR alone: no network, no proxy; the brands and "
        "as-of default to the archived run's, and the same --as-of gives the same JSON report.")] = None,
) -> None:
    """Audit a brand (or many): find its channels, read their activity, report what is stale or broken.

    Examples:

      auditor audit https://blog.example.com --as-of 2026-11-22

      auditor audit acme.example --format json -o report.json

      auditor audit acme.example --format concise | grep STALE

      auditor audit acme.example --format json,html -o out/

      auditor audit acme.example --ignore SLOW --baseline last.json --fail-on-new

      auditor audit --brands clients.csv --format json -o audit.jsonl --resume -q

      auditor audit --brands clients.csv --brand-timeout 300 --max-retries 1 --color never

    Formats: table, concise, json, markdown, html, csv, junit, sarif.
    Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or input error, 3 the audit could not run
    (a brand crashed or ran out of time, the proxy is down, or nothing could be read at all).
    """
    moment = parse_as_of(as_of)
    recorder = None
    try:
        runs = None
        if replay is not None:  # the archived run decides what is audited, unless told otherwise
            check_archive_flags(archive=archive, cluster=cluster, replay=replay)
            moment, runs = replay_runs(replay, moment)
        if (url is None) == (brands is None) and not (runs and url is None):
            raise InvalidInput("give one brand URL or --brands FILE")
        formats = parse_formats(format)
        check_baseline_flags(fail_on_new=fail_on_new, baseline=baseline)
        registry = load_registry()
        for problem in registry.load_errors:
            say(f"auditor: warning: {problem} (see `auditor plugins`)")
        for flag, value in (("--select", select), ("--extend-select", extend_select), ("--ignore", ignore)):
            check_selectors(codes(value), registry.rules, flag)
        effective = resolve(config, Overrides(select=codes(select), extend_select=codes(extend_select),
                                              ignore=codes(ignore), fail_on=fail_on.value if fail_on else None))
        prepared = prepare(effective.rules, registry)  # the configuration, checked once for the whole run
        if brands is not None:
            specs = read_brands(brands)
        elif runs and url is None:
            specs = [BrandSpec(run.brand) for run in runs.values()]
        else:
            brand = brand_from(url or "", name=name, channels=tuple(channel or ()))
            specs = [BrandSpec(replace(brand, handles=tuple(handle or ())))]
        if runs:  # one brand at a time, in the order the archived run finished them, so reports come in that order
            specs, concurrency = replay_order(specs, runs), 1
        previous = load_baseline(baseline) if baseline is not None and str(baseline) != PREVIOUS else None
        cache = cache_settings(cache_dir, no_cache=no_cache or runs is not None, max_age=max_age)
        options = AuditOptions(as_of=moment, rules=effective.rules, probe_handles=probe_handles,
                               fetch=fetch_settings(timeout, ignore_robots=ignore_robots, allow_private=allow_private,
                                                    max_retries=max_retries),
                               archive=archive, replay=replay, credentials=placeholders(runs) if runs else None)
        threshold = severity_of(effective.fail_on)
        to_stdout = output is None and output_dir is None
        if archive is not None:
            check_archive_flags(archive=archive, cluster=cluster)
            check_directory(archive)
        if runs is None:
            check_network(specs, timeout=min(timeout, 10.0))  # a dead proxy is one line, before any request
        recorder = recorder_for(history, enabled=not no_history, compare_previous=str(baseline) == PREVIOUS,
                                write=runs is None)  # a replay reads the history, never adds to it
        sink = open_sink(formats, report_options(color, to_stdout=to_stdout, verbose=verbose, fail_on=threshold,
                                                 rules=prepared),
                         output=output, output_dir=output_dir, resume=resume,
                         many=brands is not None or (url is None and len(specs) > 1))  # a replay of a batch too
        source: BrandSource | None = None
        if cluster is not None:
            from auditor.cluster import cluster_source

            source = cluster_source(cluster, options, concurrency=concurrency, baseline=previous, cache=cache)
    except ProxyDown as exc:
        raise fail(str(exc), ExitStatus.FAILED) from None
    except (InvalidInput, ConfigError, UnknownName, SelectorError, HistoryError, ArchiveError) as exc:
        if recorder is not None:
            recorder.close()
        raise fail(str(exc)) from None
    try:
        status = run_and_report(specs, options, registry, sink, say=say, previous=previous, threshold=threshold,
                                only_new=fail_on_new, concurrency=concurrency, cache=cache, rules=prepared,
                                annotate=recorder.record if recorder is not None else None,
                                brand_timeout=brand_timeout, quiet=quiet, source=source)
    finally:
        if recorder is not None:
            recorder.close()
    raise typer.Exit(int(status))


@app.command("config")
def config_command(
    config: ConfigOption = None,
    select: SelectOption = None,
    extend_select: ExtendSelectOption = None,
    ignore: IgnoreOption = None,
    fail_on: FailOnOption = None,
) -> None:
    """Print the effective configuration, each value with where it came from (a file, a flag, the default).

    The file is the one `auditor audit` would read: --config FILE, else the nearest auditor.toml (or
    pyproject.toml with \\[tool.auditor]) in the working directory or a folder above it. The output is
    TOML: paste it into auditor.toml to start from it.

    Examples:

      auditor config

      auditor config --ignore SLOW --fail-on error
    """
    try:
        registry = load_registry()
        for flag, value in (("--select", select), ("--extend-select", extend_select), ("--ignore", ignore)):
            check_selectors(codes(value), registry.rules, flag)
        effective = resolve(config, Overrides(select=codes(select), extend_select=codes(extend_select),
                                              ignore=codes(ignore), fail_on=fail_on.value if fail_on else None))
        typer.echo(describe(effective, prepare(effective.rules, registry)), nl=False)
    except (ConfigError, SelectorError, UnknownName) as exc:
        raise fail(str(exc)) from None


class DiscoverFormat(str, enum.Enum):
    table = "table"
    json = "json"


@app.command()
def discover(
    url: Annotated[str, typer.Argument(metavar="URL", help="The brand's homepage: https://acme.example or acme.example")],
    format: Annotated[DiscoverFormat, typer.Option("--format", "-f", help="Output format.")] = DiscoverFormat.table,
    channel: Annotated[Optional[list[str]], typer.Option("--channel", "-c", metavar="URL",
                       help="A channel you know is the brand's (given confidence). Repeatable.")] = None,
    handle: Annotated[Optional[list[str]], typer.Option("--handle", metavar="NAME",
                      help="A handle the brand uses (e.g. bigbrand). Repeatable; see --probe-handles.")] = None,
    probe_handles: Annotated[bool, typer.Option("--probe-handles", help="Look each --handle up on every platform "
                             "that has profile URLs: found, absent, blocked or unknown.")] = False,
    name: Annotated[str, typer.Option("--name", help="The brand's name (default: the host).")] = "",
    explain: Annotated[bool, typer.Option("--explain", help="Also say how each channel was found (page, link, "
                       "meta, sameAs, rel=me, hub, given, probe) and why each other link was rejected.")] = False,
    ignore_robots: IgnoreRobots = False,
    allow_private: AllowPrivate = False,
    timeout: Timeout = 60.0,
) -> None:
    """List a brand's channels with platform, handle, confidence and evidence, without collecting activity.

    Examples:

      auditor discover bigbrand.example

      auditor discover bigbrand.example --handle bigbrand --probe-handles --format json
    """
    from auditor.discover import discover as discover_brand
    from auditor.report.discovery import render_discovery

    try:
        brand = replace(brand_from(url, name=name, channels=tuple(channel or ())),
                        handles=tuple(h.strip() for h in handle or () if h.strip()))
        options = AuditOptions(fetch=fetch_settings(timeout, ignore_robots=ignore_robots, allow_private=allow_private),
                               probe_handles=probe_handles)
        found = discover_brand(brand, options=options)
    except (InvalidInput, UnknownName) as exc:
        raise fail(str(exc)) from None
    sys.stdout.write(render_discovery(found, format.value, explain=explain))


@app.command()
def demo(
    as_of: AsOf = None,
    format: FormatOption = "table",
    output: Output = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show healthy channels too.")] = False,
    quiet: QuietOption = False,
    color: ColorOption = Color.auto,
    serve: Annotated[bool, typer.Option(
        "--serve", help="Serve the HTML report on 127.0.0.1 and print its URL (opened in your browser when run "
        "from a terminal); Ctrl-C stops it.")] = False,
    port: Annotated[int, typer.Option("--port", min=0, max=65535,
                                      help="With --serve: the port (default 0: any free one).")] = 0,
) -> None:
    """Audit the sample brands on the bundled fixture internet: no network needed.

    A loopback proxy answers for every sample host from the files installed with the package,
    so this shows exactly what `auditor audit` does, offline. Judged as of 2026-11-22 unless --as-of says otherwise.

    Examples:

      auditor demo

      auditor demo --format html -o demo.html

      auditor demo --serve
    """
    import io

    from auditor.demo import DEMO_AS_OF, demo_brands, fixture_client_options
    from auditor.fixtures.fixtureweb import FixtureInternet, bundled_root
    from auditor.report.output import StreamSink

    page = io.StringIO()
    try:
        formats = parse_formats(format)
        if serve and (output is not None or formats != ("table",) and formats != ("html",)):
            raise InvalidInput("--serve shows the HTML report in a browser; drop --format and -o")
        specs = [BrandSpec(brand_from(u)) for u in demo_brands()]
        options = AuditOptions(as_of=parse_as_of(as_of) or DEMO_AS_OF, fetch=FetchSettings(retries=1, backoff=0.1))
        chosen = report_options(color, to_stdout=output is None and not serve, verbose=verbose, fail_on=None)
        if serve:
            sink: Sink = StreamSink("html", chosen, page, many=True)
        else:
            sink = open_sink(formats, chosen, output=output, output_dir=None, resume=False, many=True)
    except InvalidInput as exc:
        raise fail(str(exc)) from None
    with FixtureInternet(bundled_root()) as web:
        run_and_report(specs, options, load_registry(), sink, say=say, threshold=None, concurrency=1,
                       client_options=fixture_client_options(web), quiet=quiet or serve)
    if serve:
        serve_report(page.getvalue(), port)


def serve_report(html: str, port: int) -> None:
    import time
    import webbrowser

    from auditor.report.serve import ReportServer

    try:
        server = ReportServer(html, port=port)
    except OSError as exc:
        raise fail(f"--port {port}: cannot listen on 127.0.0.1: {exc.strerror or exc}", ExitStatus.FAILED) from None
    with server:
        typer.echo(f"serving the report at {server.url} (Ctrl-C stops)")
        if sys.stdout.isatty() and not os.environ.get("AUDITOR_NO_BROWSER"):
            webbrowser.open(server.url)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            typer.echo("stopped", err=True)


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


class HistoryFormat(str, enum.Enum):
    table = "table"
    json = "json"


@app.command("history")
def history_command(
    brand: Annotated[Optional[str], typer.Argument(
        metavar="BRAND", help="The brand's name in reports (its host unless --name gave another), or 'prune'.")] = None,
    portfolio: Annotated[bool, typer.Option("--portfolio", help="The trend across every brand in the history.")] = False,
    keep: Annotated[Optional[int], typer.Option("--keep", metavar="N", min=1,
                                                help="With prune: keep each brand's newest N runs.")] = None,
    history: HistoryOption = None,
    format: Annotated[HistoryFormat, typer.Option("--format", "-f", help="Output format.")] = HistoryFormat.table,
) -> None:
    """Show what the history remembers: a brand's runs (what appeared, what resolved, stale since when), or the portfolio.

    Examples:

      auditor history oldcorner.example

      auditor history --portfolio

      auditor history prune --keep 12
    """
    from auditor.history.command import history_output

    try:
        typer.echo(history_output(history, brand=brand, portfolio=portfolio, keep=keep,
                                  as_json=format is HistoryFormat.json))
    except HistoryError as exc:
        raise fail(str(exc)) from None


@app.command()
def plugins(
    format: Annotated[DiscoverFormat, typer.Option("--format", "-f", help="Output format.")] = DiscoverFormat.table,
) -> None:
    """List the installed plugins: the package each came from, its version, the platforms and rules it adds,
    and any that failed to load (a broken third-party plugin is skipped, never fatal)."""
    from auditor.report.plugins import render_plugins

    sys.stdout.write(render_plugins(load_registry(), format.value))


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
    import asyncio
    import json

    from auditor.report.inspect import inspect_url

    moment = parse_as_of(as_of)
    try:
        found = asyncio.run(inspect_url(url, as_of=moment, fetch=fetch_settings(
            timeout, ignore_robots=ignore_robots, allow_private=allow_private)))
    except InvalidInput as exc:
        raise fail(str(exc)) from None
    if format is InspectFormat.json:
        typer.echo(json.dumps(found.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(_inspection_text(found))
    if found.kind in ("failed", "other"):
        raise typer.Exit(int(ExitStatus.FAILED))


def _inspection_text(found) -> str:  # noqa: ANN001 - an auditor.report.inspect.Inspection
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
