"""What ``auditor audit`` does between reading its arguments and exiting: the checks that must pass
before any request, the batch streamed to its sink with progress on stderr, and the exit status.

Takes the brands, the options, an open :class:`~auditor.report.output.Sink` and a function that
shows a line on stderr; gives the :class:`~auditor.models.ExitStatus`:

* FAILED (3) when a brand's audit crashed or ran past ``--brand-timeout``, or when nothing at all
  could be read (every request of every brand failed without an answer: the network, not the
  brands, is the likely problem), one line on stderr saying so;
* else FINDINGS (1) when a brand, audited now or by the earlier run a ``--resume`` continues, has a
  finding at or above the threshold (only new ones with ``only_new``);
* else CLEAN (0).

The batch runs with the garbage collector tuned for it (:mod:`auditor.collector`): this is the
program's own process.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from auditor.batch import BrandSource, BrandSpec, run_batch
from auditor.collector import tuned_for_batch
from auditor.discover.brand import InvalidInput
from auditor.fetch.client import CacheSettings, FetchSettings
from auditor.fetch.proxy import check_proxies
from auditor.judge import Rules
from auditor.models import Audit, ExitStatus, Severity
from auditor.options import AuditOptions
from auditor.plugin import Registry
from auditor.report.output import Sink, reached
from auditor.report.progress import BatchProgress, describe_error


def fetch_settings(timeout: float, *, ignore_robots: bool = False, allow_private: bool = False,
                   max_retries: int | None = None, base: FetchSettings = FetchSettings()) -> FetchSettings:
    """The fetcher's settings from the command line's flags."""
    return replace(base, total_timeout=timeout, read_timeout=min(base.read_timeout, timeout),
                   connect_timeout=min(base.connect_timeout, timeout),
                   retries=base.retries if max_retries is None else max_retries,
                   respect_robots=not ignore_robots, allow_private=allow_private)


def cache_settings(cache_dir: Path | None, *, no_cache: bool = False, max_age: float = 3600.0,
                   environ: Mapping[str, str] | None = None) -> CacheSettings | None:
    """``--cache-dir`` (else ``AUDITOR_CACHE_DIR``) unless ``--no-cache``; InvalidInput for a folder that
    cannot be made or written, before any request."""
    environ = os.environ if environ is None else environ
    directory = cache_dir or (Path(environ["AUDITOR_CACHE_DIR"]) if environ.get("AUDITOR_CACHE_DIR") else None)
    if no_cache or directory is None:
        return None
    existing = next((p for p in (directory, *directory.parents) if p.exists()), None)
    if existing is not None and (not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK)):
        raise InvalidInput(f"cannot use {directory} as the HTTP cache (--cache-dir): "
                           f"{existing} is {'not a directory' if not existing.is_dir() else 'not writable'}")
    return CacheSettings(directory, max_age)


def check_baseline_flags(*, fail_on_new: bool, baseline: Path | None) -> None:
    """``--fail-on-new`` only means something against a baseline."""
    if fail_on_new and baseline is None:
        raise InvalidInput("--fail-on-new needs --baseline FILE (or --baseline previous): "
                           "without a baseline no finding is new")


def check_network(specs: Iterable[BrandSpec], *, environ: Mapping[str, str] | None = None,
                  client_options: Mapping[str, Any] | None = None, timeout: float = 5.0) -> None:
    """The proxy the environment names for the brands' homepages accepts a connection (ProxyDown if not).
    Skipped when the caller routes the client itself (``client_options`` with a proxy)."""
    if client_options and client_options.get("proxy"):
        return
    urls = [url for spec in specs for url in (*spec.brand.homepages, *spec.brand.channels)]
    check_proxies(urls, os.environ if environ is None else environ, timeout=timeout)


def run_and_report(specs: list[BrandSpec], options: AuditOptions, registry: Registry, sink: Sink, *,
                   say: Callable[[str], None], previous: list[Audit] | None = None,
                   threshold: Severity | None = Severity.WARNING, only_new: bool = False, concurrency: int = 8,
                   cache: CacheSettings | None = None, client_options: dict[str, Any] | None = None,
                   rules: Rules | None = None, annotate: Callable[[Audit], Audit] | None = None,
                   brand_timeout: float | None = None, quiet: bool = False,
                   progress: BatchProgress | None = None,
                   source: BrandSource | None = None) -> ExitStatus:
    """Run the batch, streaming each brand's report to the sink and progress to stderr; the exit status
    (see the module docstring). ``say`` shows one line on stderr; ``quiet`` keeps only errors."""
    earlier = {spec.brand.name: sink.done[sink.key(spec.brand.name)]
               for spec in specs if sink.key(spec.brand.name) in sink.done}
    if progress is None and len(specs) > 1 and not quiet:
        progress = BatchProgress(len(specs) - len(earlier))
    counts = {"audited": 0, "reached": 0}

    def on_result(result: Audit) -> None:
        counts["audited"] += 1
        counts["reached"] += reached(result)
        if progress is not None and sink.to_terminal:
            progress.clear()
        sink.write(result)
        if progress is not None:
            progress.done(result)

    def on_error(spec: BrandSpec, error: BaseException) -> None:
        if progress is not None:
            progress.failed(spec.brand.name, error)
        else:
            say(f"auditor: {spec.brand.name}: the audit failed: {describe_error(error)}")

    completed = False
    try:
        with tuned_for_batch():
            outcome = asyncio.run(run_batch(specs, options, registry=registry, on_result=on_result,
                                            on_error=on_error, skip=set(earlier), concurrency=concurrency,
                                            baseline=previous, threshold=threshold, only_new=only_new, rules=rules,
                                            annotate=annotate, brand_timeout=brand_timeout, source=source,
                                            client_options={"cache": cache, **(client_options or {})}))
        completed = True
    finally:
        if progress is not None:
            progress.close()
        message = sink.close(completed)
        if message and not quiet:
            say(message)
    status = outcome.status
    for done in earlier.values():
        status = max(status, done.exit_status(threshold, only_new=only_new))
    if outcome.skipped and not quiet:
        say(f"skipped {outcome.skipped} brands already done (--resume)")
    audited = counts["audited"] + len(earlier)
    if audited and not counts["reached"] and not any(d.reached for d in earlier.values()):
        say("auditor: nothing could be audited: no request of any brand was answered "
            "(check the network, the proxy and the addresses; the report says what each request met)")
        status = ExitStatus.FAILED
    return status
