"""The HTTP cache's storage: hishel's SQLite file, minus anything a credential touched.

Takes the database path and the entries' time to live; gives a storage for
``hishel.httpx.AsyncCacheClient``. Entries are keyed by method and URL, never by a header, and
a response to a request that carried a credential (see
:func:`auditor.fetch.credentials.carries_credentials`) is passed through without being stored:
not the header, and not a body or header the server may have echoed it in, reaches the disk.
Such responses are API answers read once per run; everything public is cached as before.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from hishel import AsyncSqliteStorage
from hishel._core.models import Entry, Request, Response

from auditor.fetch.credentials import carries_credentials


class CredentialFreeStorage(AsyncSqliteStorage):
    """An :class:`hishel.AsyncSqliteStorage` that never stores a credentialed exchange."""

    async def create_entry(self, request: Request, response: Response, key: str, *,
                           ttl: float | None = None, tti: float | None = None) -> Entry:
        if carries_credentials(request.headers, request.url):
            return Entry(id=uuid.uuid4(), request=Request(request.method, request.url), response=response)
        return await super().create_entry(request, response, key, ttl=ttl, tti=tti)


def cache_storage(database: Path, max_age: float) -> CredentialFreeStorage:
    return CredentialFreeStorage(database_path=database, default_ttl=max_age)
