"""Stage 2, collect: each discovered channel's activity, read by its platform plugin.

Takes a :class:`~auditor.discover.Discovery` (the channels, and the responses discovery
already fetched, which are reused rather than fetched again); gives a :class:`Collection`:
one :class:`~auditor.models.Activity` per channel (status, last activity, items,
interactions, typed facts, evidence) and the requests made. A plugin that fails becomes
its channel's ``error``, never the audit's. A channel that moved (its ``moved_to`` fact) has
its destination collected too, as the brand's channel found through the move
(:func:`collect_moves`: one hop, each destination once). ``walled`` holds the platforms whose activity
sits behind a login; ``signals`` turns interactions into response signals.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

import httpx

from auditor.collect.bounded import bounded
from auditor.discover import Discovery, recognise, without_covered
from auditor.fetch.client import Fetcher, FetchSettings
from auditor.fetch.session import fetcher_for
from auditor.models import Activity, Channel, Collection, Evidence, Status
from auditor.options import AuditOptions, context_for
from auditor.plugin import Context, Registry, load_registry
from auditor.urls import canonical_url

log = logging.getLogger(__name__)
CATCH_ALL = "web"


async def collect_async(
    discovery: Discovery,
    *,
    options: AuditOptions = AuditOptions(),
    fetcher: Fetcher | None = None,
    client: httpx.AsyncClient | None = None,
    registry: Registry | None = None,
) -> Collection:
    """Stage 2: the activity of every channel in ``discovery``, collected concurrently."""
    if discovery.brand is None:
        raise ValueError("collect needs a Discovery made by discover() (it names the brand)")
    as_of = discovery.as_of or options.moment()
    registry = registry or load_registry()
    async with fetcher_for(options.fetch, fetcher=fetcher, client=client) as own:
        context = context_for(options, own, as_of, discovery.responses, discovery.parsed)
        with own.recording() as records:
            activities = await asyncio.gather(*(collect_channel(registry, c, context) for c in discovery.channels))
            moved_channels, moved_activities = await collect_moves(registry, discovery.channels, activities, context)
    return Collection(brand=discovery.brand, as_of=as_of, channels=discovery.channels + moved_channels,
                      activities=tuple(activities) + moved_activities, requests=discovery.requests + tuple(records))


CHANNEL_TIMEOUT_FACTOR = 10  # a channel may take this many request deadlines (its requests, paced) ...
CHANNEL_TIMEOUT_FLOOR = 120.0  # ... and never less than this many seconds


def channel_deadline(settings: FetchSettings) -> float:
    """Seconds one channel's collection may take in all: a plugin that waits forever loses its channel only."""
    return max(CHANNEL_TIMEOUT_FLOOR, CHANNEL_TIMEOUT_FACTOR * settings.total_timeout)


def collect(discovery: Discovery, **kwargs: Any) -> Collection:
    """Synchronous :func:`collect_async`."""
    return asyncio.run(collect_async(discovery, **kwargs))


async def collect_channel(registry: Registry, channel: Channel, context: Context) -> Activity:
    """One channel's activity through its platform; a plugin's crash, or a collection that outlasts
    :func:`channel_deadline`, is this channel's error. At most
    :data:`~auditor.collect.bounded.MAX_ITEMS` items and interactions are kept (the newest)."""
    deadline = channel_deadline(context.fetcher.settings)
    try:
        async with asyncio.timeout(deadline):
            return bounded(await registry.platform(channel.platform).collect(channel, context))
    except TimeoutError:
        return Activity(channel_url=channel.url, status=Status.ERROR,
                        reason=f"the {channel.platform} plugin did not finish within {deadline:g} s")
    except Exception as exc:  # noqa: BLE001 - a plugin bug becomes this channel's error, not the audit's
        return Activity(channel_url=channel.url, status=Status.ERROR,
                        reason=f"the {channel.platform} plugin failed: {type(exc).__name__}: {exc}")


async def collect_moves(registry: Registry, channels: tuple[Channel, ...], activities: list[Activity],
                        context: Context) -> tuple[tuple[Channel, ...], tuple[Activity, ...]]:
    """The destinations of the channels that moved, collected as the brand's channels.

    Each destination is recognised like a link the brand named, found through the old channel
    with the move as its evidence, and collected once; a destination that is itself a plain
    website also brings the feeds and profiles its page declares. Moves of destinations are
    not followed (one hop), and a destination that is already one of the brand's channels is
    not collected again.
    """
    known = {canonical_url(c.url) for c in channels}
    destinations: list[Channel] = []
    for channel, activity in zip(channels, activities):
        if activity.status is not Status.OK or not activity.moved_to:
            continue
        destination = moved_channel(registry, channel, activity.moved_to)
        if destination is None or canonical_url(destination.url) in known:
            continue
        known.add(canonical_url(destination.url))
        destinations.append(destination)
        if destination.platform == CATCH_ALL:
            for declared in await declared_by(registry, destination, context):
                if canonical_url(declared.url) not in known:
                    known.add(canonical_url(declared.url))
                    destinations.append(declared)
    found = await asyncio.gather(*(collect_channel(registry, c, context) for c in destinations))
    return tuple(destinations), tuple(found)


def moved_channel(registry: Registry, old: Channel, url: str) -> Channel | None:
    """The channel ``old`` moved to, as the first platform in priority order recognises ``url``."""
    channel = recognise(registry.platforms_by_priority(), url)  # a plugin bug only loses this destination
    if channel is None:
        return None
    return replace(channel, confidence=old.confidence, found_through=old.url,
                   found_by=(Evidence(old.url, "moved to", url),))


async def declared_by(registry: Registry, site: Channel, context: Context) -> list[Channel]:
    """The channels a moved-to website's page declares (its feeds, its blog engine), found through the move."""
    fetched = await context.get(site.url)
    if not fetched.ok or "html" not in (fetched.content_type or "text/html"):
        return []
    page = context.page(fetched)  # the parse discovery or another channel made of it, if any
    found: list[Channel] = []
    for platform in registry.platforms_by_priority():
        try:
            channels = await platform.discover(page, context)
        except Exception:  # noqa: BLE001 - a plugin bug only loses what it would have found
            log.exception("the %s plugin failed while reading %s", platform.name, page.url)
            continue
        found += [replace(c, confidence=site.confidence, found_through=site.found_through,
                          found_by=(*site.found_by, *c.found_by)) for c in channels]
    return without_covered(found, registry)
