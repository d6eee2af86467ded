"""The shared client keeps few idle connections: a batch visits most hosts once."""

import asyncio

from auditor.fetch.client import MAX_IDLE_CONNECTIONS, FetchSettings, make_client


def _limits(settings: FetchSettings) -> tuple[int, int]:
    async def main() -> tuple[int, int]:
        async with make_client(settings) as client:
            pool = client._transport._pool  # httpcore's pool: the limits as applied
            return pool._max_connections, pool._max_keepalive_connections

    return asyncio.run(main())


def test_idle_connections_are_capped_below_the_connection_limit():
    assert _limits(FetchSettings(max_connections=64)) == (64, MAX_IDLE_CONNECTIONS)
    assert MAX_IDLE_CONNECTIONS == 16


def test_a_small_connection_limit_caps_idle_connections_too():
    assert _limits(FetchSettings(max_connections=4)) == (4, 4)
