"""Many brands: read a brands file and audit them concurrently, handing each result on as it finishes.

Brands files:

* CSV with a header: ``name``, ``url`` (or ``homepage``), and optionally ``channels`` and
  ``handles`` (several values separated by spaces, commas or semicolons) and ``config`` (a
  TOML file with that brand's rule configuration, relative to the brands file);
* TOML: ``[[brand]]`` tables with the same keys (``channels``/``handles`` as arrays).

Results are not kept: :func:`audit_many` yields each finished Audit and drops it, and gives the
C heap's free pages back every hundred brands (:mod:`auditor.heap`), so memory does not grow with
the number of brands; :func:`run_batch` drives it for the CLI.
"""

from __future__ import annotations

import asyncio
import csv
import re
import tomllib
from collections.abc import AsyncGenerator, Callable, Iterable
from contextlib import aclosing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from auditor import heap
from auditor.archive import install
from auditor.audit import audit_async
from auditor.collect import channel_deadline
from auditor.options import AuditOptions
from auditor.discover.brand import InvalidInput, brand_from
from auditor.judge.config import load_config
from auditor.judge import ConfigError, RuleConfig, Rules, prepare
from auditor.fetch.client import Fetcher, make_client
from auditor.models import Audit, Brand, ExitStatus, Severity
from auditor.plugin import Registry
from auditor.fetch.credentials import resolved
from auditor.redact import Redactor

_SPLIT = re.compile(r"[\s,;]+")
BRAND_TIMEOUT_FACTOR = 3  # a brand's audit (discovery, then its channels at once) may take three channel deadlines


@dataclass(frozen=True)
class BrandSpec:
    brand: Brand
    rules: RuleConfig | None = None  # the brand's own configuration, if it has one


def read_brands(path: Path) -> list[BrandSpec]:
    """The brands in a CSV or TOML file; a bad row is an InvalidInput naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInput(f"cannot read brands file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"brands file {path} is not UTF-8 text") from None
    rows = _toml_rows(text, path) if path.suffix.lower() == ".toml" else _csv_rows(text, path)
    specs = [_spec(row, where, path.parent) for where, row in rows]
    if not specs:
        raise InvalidInput(f"brands file {path} lists no brands")
    names = [spec.brand.name for spec in specs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InvalidInput(f"brands file {path}: brand names must be unique; repeated: {', '.join(duplicates)}")
    return specs


def _csv_rows(text: str, path: Path) -> Iterable[tuple[str, dict[str, Any]]]:
    reader = csv.DictReader(text.splitlines())
    fields = {f.strip().lower() for f in reader.fieldnames or []}
    if not fields & {"url", "homepage"}:
        raise InvalidInput(f"brands file {path}: needs a header with a url (or homepage) column; "
                           f"found {', '.join(sorted(fields)) or 'no header'}")
    for number, row in enumerate(reader, start=2):
        clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if any(clean.values()):
            yield f"{path}:{number}", clean


def _toml_rows(text: str, path: Path) -> Iterable[tuple[str, dict[str, Any]]]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"brands file {path} is not valid TOML ({exc})") from None
    entries = document.get("brand", [])
    if not isinstance(entries, list):
        raise InvalidInput(f"brands file {path}: brands are [[brand]] tables")
    for number, entry in enumerate(entries, start=1):
        yield f"{path} [[brand]] #{number}", entry


def _spec(row: dict[str, Any], where: str, base: Path) -> BrandSpec:
    unknown = set(row) - {"name", "url", "homepage", "channels", "handles", "config"}
    if unknown:
        raise InvalidInput(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    url = row.get("url") or row.get("homepage")
    if not url or not isinstance(url, str):
        raise InvalidInput(f"{where}: no url")
    try:
        brand = brand_from(url, name=str(row.get("name") or ""), channels=tuple(_values(row.get("channels"))))
    except InvalidInput as exc:
        raise InvalidInput(f"{where}: {exc}") from None
    brand = replace(brand, handles=tuple(_values(row.get("handles"))))
    rules = None
    if row.get("config"):
        try:
            rules = load_config(base / str(row["config"])).rules
        except ConfigError as exc:
            raise InvalidInput(f"{where}: {exc}") from None
    return BrandSpec(brand, rules)


def _values(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part for part in _SPLIT.split(str(value)) if part]


class BrandTimeout(TimeoutError):
    """A brand's audit ran past its time budget and was stopped."""


@dataclass(frozen=True)
class BrandResult:
    """One brand of a batch: its audit, or the error that stopped it."""

    spec: BrandSpec
    audit: Audit | None = None
    error: BaseException | None = None


async def audit_many(
    specs: Iterable[BrandSpec],
    options: AuditOptions,
    *,
    fetcher: Fetcher,
    registry: Registry,
    concurrency: int = 8,
    baseline: Iterable[Audit] | None = None,
    rules: Rules | None = None,
    brand_timeout: float | None = None,
) -> AsyncGenerator[BrandResult, None]:
    """Audit every brand, ``concurrency`` at a time, sharing one fetcher (so per-host limits hold
    across brands), and yield each result as soon as it is ready. Only ``concurrency`` results are
    held at any time, so memory does not grow with the number of brands. ``rules`` is
    ``options.rules`` already checked by :func:`~auditor.judge.prepare`; brands with their own
    configuration have it checked once each. A brand not done within ``brand_timeout`` seconds is
    stopped and yields a :class:`BrandTimeout` error."""
    shared = rules or prepare(options.rules, registry)  # configuration mistakes stop the batch before any request
    own = {id(spec): prepare(spec.rules, registry) for spec in specs if spec.rules is not None}
    previous = list(baseline) if baseline is not None else None
    redactor = Redactor.of(resolved(options.credentials))  # a crash's message may quote a secret
    queue = iter(specs)
    results: asyncio.Queue[BrandResult | None] = asyncio.Queue(maxsize=max(1, concurrency))

    async def worker() -> None:
        for spec in queue:  # a shared iterator: each brand is taken by exactly one worker
            brand_options = options if spec.rules is None else replace(options, rules=spec.rules)
            deadline = BRAND_TIMEOUT_FACTOR * channel_deadline(brand_options.fetch)
            try:
                limit = deadline if brand_timeout is None else min(brand_timeout, deadline)
                async with asyncio.timeout(limit):
                    result = await audit_async(spec.brand, brand_options, fetcher=fetcher, registry=registry,
                                               rules=own.get(id(spec), shared), baseline=previous)
            except TimeoutError:
                if brand_timeout is not None and brand_timeout <= deadline:
                    late: Exception = BrandTimeout(f"not finished within its time budget ({brand_timeout:g} s, "
                                                   "--brand-timeout)")
                else:
                    late = TimeoutError(f"the audit did not finish within {deadline:g} s")
                await results.put(BrandResult(spec, error=late))
                continue
            except Exception as exc:  # noqa: BLE001 - one brand's crash is reported; the batch goes on
                await results.put(BrandResult(spec, error=redactor.error(exc)))
                continue
            await results.put(BrandResult(spec, audit=result))

    async def run_workers() -> None:
        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(max(1, concurrency)):
                    group.create_task(worker())
        finally:
            await results.put(None)

    runner = asyncio.create_task(run_workers())
    try:
        handed = 0
        while (item := await results.get()) is not None:
            yield item
            handed += 1
            if handed % heap.RELEASE_EVERY == 0:  # memory stays flat however many brands follow
                heap.release_free_memory()
    finally:
        if not runner.done():
            runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)


# Where a batch's results come from instead of this process (auditor.cluster.cluster_source: a Dask cluster).
BrandSource = Callable[[list[BrandSpec]], AsyncGenerator[BrandResult, None]]


@dataclass
class BatchOutcome:
    audited: int = 0
    skipped: int = 0  # already done in an earlier run (--resume)
    failed: int = 0
    status: ExitStatus = ExitStatus.CLEAN  # FINDINGS when a brand failed the threshold, FAILED when one crashed


async def run_batch(
    specs: list[BrandSpec],
    options: AuditOptions,
    *,
    registry: Registry,
    on_result: Callable[[Audit], None],
    on_error: Callable[[BrandSpec, BaseException], None],
    skip: set[str] = frozenset(),  # type: ignore[assignment]
    concurrency: int = 8,
    client_options: dict[str, Any] | None = None,
    baseline: Iterable[Audit] | None = None,
    threshold: Severity | None = Severity.WARNING,
    only_new: bool = False,
    rules: Rules | None = None,
    annotate: Callable[[Audit], Audit] | None = None,
    brand_timeout: float | None = None,
    source: BrandSource | None = None,
) -> BatchOutcome:
    """Audit ``specs`` (minus ``skip``) through one shared client and fetcher; results stream to ``on_result``.

    The outcome's ``status`` is what ``auditor audit`` exits with: FAILED if any brand's audit
    crashed, else FINDINGS if any brand has a finding at or above ``threshold`` (only new ones
    with ``only_new``), else CLEAN. ``annotate`` sees each audit first (the history records it and
    marks its findings), so the status and ``on_result`` see what it returns. ``source``, if given,
    audits the brands instead of this process (``auditor.cluster.cluster_source``: on a Dask cluster).
    """
    outcome = BatchOutcome()
    redactor = Redactor.of(resolved(options.credentials))
    todo = [spec for spec in specs if spec.brand.name not in skip]
    outcome.skipped = len(specs) - len(todo)
    if source is not None:
        await _hand_on(source(todo), outcome, on_result, on_error, threshold, only_new, annotate, redactor)
        return outcome
    async with install(make_client(options.fetch, **(client_options or {})), options) as client:  # --archive, --replay
        fetcher = Fetcher(client, options.fetch, keep_records=False)
        await _hand_on(audit_many(todo, options, fetcher=fetcher, registry=registry, concurrency=concurrency,
                                  baseline=baseline, rules=rules, brand_timeout=brand_timeout),
                       outcome, on_result, on_error, threshold, only_new, annotate, redactor)
    return outcome


async def _hand_on(results: AsyncGenerator[BrandResult, None], outcome: BatchOutcome, on_result: Callable[[Audit], None],
                   on_error: Callable[[BrandSpec, BaseException], None], threshold: Severity | None, only_new: bool,
                   annotate: Callable[[Audit], Audit] | None, redactor: Redactor) -> None:
    """Count each result into ``outcome`` and pass it on: errors to ``on_error``, audits (annotated) to ``on_result``."""
    async with aclosing(results):  # an interrupted batch closes its source (the cluster) at once
        async for result in results:
            if result.audit is None:
                outcome.failed += 1
                outcome.status = ExitStatus.FAILED
                on_error(result.spec, result.error or RuntimeError("no result"))
                continue
            try:
                finished = annotate(result.audit) if annotate is not None else result.audit
                if finished.exit_status(threshold, only_new=only_new) is ExitStatus.FINDINGS:
                    outcome.status = max(outcome.status, ExitStatus.FINDINGS)
                on_result(finished)
            except Exception as exc:  # noqa: BLE001 - one brand's report or history failing loses that brand only
                outcome.failed += 1
                outcome.status = ExitStatus.FAILED
                on_error(result.spec, redactor.error(exc))
                continue
            outcome.audited += 1
