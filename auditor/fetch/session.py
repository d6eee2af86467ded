"""A fetcher for a stage function: the caller's, or one on a client made (and closed) for the call."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from auditor.fetch.client import Fetcher, FetchSettings, make_client


@asynccontextmanager
async def fetcher_for(settings: FetchSettings, *, fetcher: Fetcher | None = None,
                      client: httpx.AsyncClient | None = None) -> AsyncIterator[Fetcher]:
    if fetcher is not None:
        yield fetcher
    elif client is not None:
        yield Fetcher(client, settings)
    else:
        async with make_client(settings) as own:
            yield Fetcher(own, settings)
