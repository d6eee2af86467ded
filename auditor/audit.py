"""The audit: the four stages composed, and nothing more. The library's front door.

    discover(brand) → Discovery → collect() → Collection → judge() → Judgement → Audit → report()
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import httpx

from auditor.archive import archive_client, archiving, brand_scope
from auditor.collect import Collection, collect_async
from auditor.discover.brand import brand_from
from auditor.discover import discover_async
from auditor.fetch.client import Fetcher, summarise
from auditor.fetch.session import fetcher_for
from auditor.judge import Judgement, Rules, judge, prepare
from auditor.models import Audit, Brand
from auditor.options import AuditOptions
from auditor.plugin import Registry, load_registry
from auditor.fetch.credentials import resolved
from auditor.redact import Redactor, guard_logs


async def audit_async(
    target: str | Brand,
    options: AuditOptions = AuditOptions(),
    *,
    client: httpx.AsyncClient | None = None,
    fetcher: Fetcher | None = None,
    registry: Registry | None = None,
    rules: Rules | None = None,
    baseline: Iterable[Audit] | None = None,
) -> Audit:
    """Audit one brand (a Brand, or a homepage URL). Pass a client or fetcher to share them across brands,
    and ``rules`` (from :func:`auditor.judge.prepare`) to check the configuration once for many brands."""
    registry = registry or load_registry()
    rules = rules or prepare(options.rules, registry)  # a configuration mistake fails before any request
    options = options if options.as_of is not None else _fixed(options)
    redactor = Redactor.of(resolved(options.credentials))  # no secret in the report, the history or a log
    guard_logs(redactor)
    if fetcher is None and client is None and archiving(options):  # a client of its own, archived or replayed
        async with archive_client(options) as own:
            return await audit_async(target, options, client=own, registry=registry, rules=rules, baseline=baseline)
    async with fetcher_for(options.fetch, fetcher=fetcher, client=client) as shared:
        with brand_scope(shared, brand_from(target), options.moment()) as archived:
            discovery = await discover_async(target, options=options, fetcher=shared, registry=registry)
            collection = await collect_async(discovery, options=options, fetcher=shared, registry=registry)
    audited = assemble(collection, judge(collection, rules, registry=registry, baseline=baseline))
    return redactor(archived.annotate(audited) if archived is not None else audited)


def audit(target: str | Brand, options: AuditOptions = AuditOptions(), **kwargs: Any) -> Audit:
    """Synchronous :func:`audit_async`, for scripts and the CLI."""
    return asyncio.run(audit_async(target, options, **kwargs))


def assemble(collection: Collection, judgement: Judgement) -> Audit:
    """The Audit of one brand from its collection and its judgement."""
    return Audit(brand=collection.brand, as_of=collection.as_of, channels=collection.channels,
                 activities=collection.activities, findings=judgement.findings,
                 stats=summarise(list(collection.requests)), suppressed=judgement.suppressed,
                 resolved=judgement.resolved)


def _fixed(options: AuditOptions) -> AuditOptions:
    """The options with "now" read once, so every stage of the audit judges the same moment."""
    return replace(options, as_of=options.moment())
