"""The audit: discover a brand's channels, collect their activity, judge it. The library's front door."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone

import httpx

from auditor.discover.brand import brand_from
from auditor.fetch.credentials import credentials_from_env
from auditor.discover import discover
from auditor.judge import RuleConfig, evaluate, validate
from auditor.fetch.client import Fetcher, FetchSettings, make_client, summarise
from auditor.models import Activity, Audit, Brand, Channel, Status
from auditor.plugin import Context
from auditor.plugin import Registry, load_registry

@dataclass(frozen=True, kw_only=True)
class AuditOptions:
    as_of: datetime | None = None  # None: now, read once at the start of the audit
    fetch: FetchSettings = field(default_factory=FetchSettings)
    rules: RuleConfig = field(default_factory=RuleConfig)
    credentials: Mapping[str, str] | None = None  # None: read the known variables from the environment
    probe_handles: bool = False  # look the brand's handles up on every platform that maps them to profiles


async def audit_async(
    target: str | Brand,
    options: AuditOptions = AuditOptions(),
    *,
    client: httpx.AsyncClient | None = None,
    fetcher: Fetcher | None = None,
    registry: Registry | None = None,
) -> Audit:
    """Audit one brand (a Brand, or a homepage URL). Pass a client or fetcher to share them across brands."""
    brand = brand_from(target)
    as_of = _utc(options.as_of or datetime.now(timezone.utc))
    registry = registry or load_registry()
    validate(options.rules, registry)  # a configuration mistake fails before any request
    if fetcher is None:
        if client is None:
            async with make_client(options.fetch) as own_client:
                return await _run(brand, as_of, options, Fetcher(own_client, options.fetch), registry)
        fetcher = Fetcher(client, options.fetch)
    return await _run(brand, as_of, options, fetcher, registry)


def audit(target: str | Brand, options: AuditOptions = AuditOptions(), **kwargs: object) -> Audit:
    """Synchronous :func:`audit_async`, for scripts and the CLI."""
    return asyncio.run(audit_async(target, options, **kwargs))  # type: ignore[arg-type]


async def _run(brand: Brand, as_of: datetime, options: AuditOptions, fetcher: Fetcher, registry: Registry) -> Audit:
    credentials = options.credentials if options.credentials is not None else credentials_from_env()
    context = Context(fetcher=fetcher, as_of=as_of, credentials=credentials)
    with fetcher.recording() as records:  # this brand's requests, even when brands share the fetcher
        channels = await discover(brand, context, registry, probe=options.probe_handles)
        collected = await asyncio.gather(*(_collect(registry, channel, context) for channel in channels))
    activities = {activity.channel_url: activity for activity in collected}
    findings, suppressed = evaluate(brand, channels, activities, as_of, registry, options.rules)
    return Audit(brand=brand, as_of=as_of, channels=tuple(channels), activities=tuple(collected),
                 findings=findings, stats=summarise(records), suppressed=suppressed)


async def _collect(registry: Registry, channel: Channel, context: Context) -> Activity:
    try:
        return await registry.platform(channel.platform).collect(channel, context)
    except Exception as exc:  # noqa: BLE001 - a plugin bug becomes this channel's error, not the audit's
        return Activity(channel_url=channel.url, status=Status.ERROR,
                        reason=f"the {channel.platform} plugin failed: {type(exc).__name__}: {exc}")


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
