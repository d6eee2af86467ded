"""Stage 2, collect: each discovered channel's activity, read by its platform plugin.

Takes a :class:`~auditor.discover.Discovery` (the channels, and the responses discovery
already fetched, which are reused rather than fetched again); gives a :class:`Collection`:
one :class:`~auditor.models.Activity` per channel (status, last activity, items,
interactions, typed facts, evidence) and the requests made. A plugin that fails becomes
its channel's ``error``, never the audit's. ``walled`` holds the platforms whose activity
sits behind a login; ``signals`` turns interactions into response signals.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from auditor.collect.bounded import bounded
from auditor.discover import Discovery
from auditor.fetch.client import Fetcher, FetchSettings
from auditor.fetch.session import fetcher_for
from auditor.models import Activity, Brand, Channel, RequestRecord, Status
from auditor.options import AuditOptions, context_for
from auditor.plugin import Context, Registry, load_registry


@dataclass(frozen=True)
class Collection:
    """Stage 2's result: what each channel of a brand showed, as of one moment."""

    brand: Brand
    as_of: datetime
    channels: tuple[Channel, ...]
    activities: tuple[Activity, ...]
    requests: tuple[RequestRecord, ...] = field(default=(), compare=False, repr=False)  # discovery's and collection's


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
        context = context_for(options, own, as_of, discovery.responses)
        with own.recording() as records:
            activities = await asyncio.gather(*(collect_channel(registry, c, context) for c in discovery.channels))
    return Collection(brand=discovery.brand, as_of=as_of, channels=discovery.channels, activities=tuple(activities),
                      requests=discovery.requests + tuple(records))


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
