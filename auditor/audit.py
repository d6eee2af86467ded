"""The audit: discover a brand's channels, collect their activity, judge it. The library's front door."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

import httpx

from .brand import brand_from
from .credentials import credentials_from_env
from .engine import RuleConfig, evaluate, validate
from .fetcher import Fetcher, FetchSettings, make_client, summarise
from .models import Activity, Audit, Brand, Channel, Confidence, Evidence, Status
from .platform import Context, Page, Platform
from .registry import Registry, load_registry

log = logging.getLogger(__name__)

_CONFIDENCE_ORDER = [Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH, Confidence.GIVEN]


@dataclass(frozen=True, kw_only=True)
class AuditOptions:
    as_of: datetime | None = None  # None: now, read once at the start of the audit
    fetch: FetchSettings = field(default_factory=FetchSettings)
    rules: RuleConfig = field(default_factory=RuleConfig)
    credentials: Mapping[str, str] | None = None  # None: read the known variables from the environment


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
        channels = await discover(brand, context, registry)
        collected = await asyncio.gather(*(_collect(registry, channel, context) for channel in channels))
    activities = {activity.channel_url: activity for activity in collected}
    findings, suppressed = evaluate(brand, channels, activities, as_of, registry, options.rules)
    return Audit(brand=brand, as_of=as_of, channels=tuple(channels), activities=tuple(collected),
                 findings=findings, stats=summarise(records), suppressed=suppressed)


async def discover(brand: Brand, context: Context, registry: Registry) -> list[Channel]:
    """The brand's channels: its homepages, what they declare, and what the user named."""
    found: dict[str, Channel] = {}
    platforms = registry.platforms_by_priority()
    web = registry.platform("web")
    for homepage in brand.homepages:
        _merge(found, Channel(platform=web.name, url=homepage, kind=web.kind, confidence=Confidence.GIVEN,
                              found_by=(Evidence(homepage, "homepage given by the user"),)))
        fetched = await context.fetcher.get(homepage)
        context.remember(fetched)
        if not fetched.ok or "html" not in (fetched.content_type or "text/html"):
            continue
        page = Page.parse(fetched)
        results = await asyncio.gather(*(_discover_on(p, page, context) for p in platforms))
        for channels in results:
            for channel in channels:
                _merge(found, channel)
    for url in brand.channels:
        channel = _recognise(platforms, url)
        if channel is not None:
            _merge(found, replace(channel, confidence=Confidence.GIVEN,
                                  found_by=(Evidence(url, "channel given by the user"),)))
    return list(found.values())


def _recognise(platforms: list[Platform], url: str) -> Channel | None:
    for platform in platforms:
        channel = platform.recognise(url)
        if channel is not None:
            return channel
    return None


async def _discover_on(platform: Platform, page: Page, context: Context) -> list[Channel]:
    try:
        return await platform.discover(page, context)
    except Exception:  # noqa: BLE001 - a plugin bug must not end the audit; its channels are just missing
        log.exception("the %s plugin failed while reading %s", platform.name, page.url)
        return []


async def _collect(registry: Registry, channel: Channel, context: Context) -> Activity:
    try:
        return await registry.platform(channel.platform).collect(channel, context)
    except Exception as exc:  # noqa: BLE001 - a plugin bug becomes this channel's error, not the audit's
        return Activity(channel_url=channel.url, status=Status.ERROR,
                        reason=f"the {channel.platform} plugin failed: {type(exc).__name__}: {exc}")


def _merge(found: dict[str, Channel], channel: Channel) -> None:
    known = found.get(channel.url)
    if known is None:
        found[channel.url] = channel
        return
    confidence = max(known.confidence, channel.confidence, key=_CONFIDENCE_ORDER.index)
    evidence = known.found_by + tuple(e for e in channel.found_by if e not in known.found_by)
    found[channel.url] = replace(known, confidence=confidence, found_by=evidence, title=known.title or channel.title)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
