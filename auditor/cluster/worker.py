"""What a Dask worker runs: one shard of brands, audited by the stage functions through the worker's own fetcher.

:func:`audit_shard` takes a :class:`Shard` (brand specs), the run's options (without
credentials) and the baseline, and gives one :class:`ShardOutcome` per brand. Each worker keeps
one HTTP client and one :class:`~auditor.cluster.gate.ClusterFetcher` per fetch configuration
for as long as it lives (so connections and robots.txt are shared by its brands), and closes
them when it closes (:class:`WorkerClients`).

Credentials never travel with a task: each worker reads them itself, from its environment
(the variables of :mod:`auditor.fetch.credentials`) and from the TOML file named by
``AUDITOR_CREDENTIALS_FILE`` (``NAME = "value"`` lines; the environment wins).
"""

from __future__ import annotations

import os
import pickle
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from distributed import get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from auditor.batch import BrandSpec, audit_many
from auditor.cluster.gate import _CLIENTS, ClusterFetcher, gate_client
from auditor.fetch.client import CacheSettings, FetchSettings, make_client
from auditor.fetch.credentials import credentials_from_env
from auditor.models import Audit
from auditor.options import AuditOptions
from auditor.plugin import Registry, load_registry

CREDENTIALS_FILE = "AUDITOR_CREDENTIALS_FILE"


@dataclass(frozen=True)
class Shard:
    index: int
    specs: tuple[BrandSpec, ...]


@dataclass(frozen=True)
class ShardOutcome:
    """One brand of a shard: its audit or its error, and the worker that audited it."""

    name: str
    audit: Audit | None
    error: BaseException | None
    worker: str


@dataclass
class _Tools:
    client: Any
    fetcher: ClusterFetcher
    registry: Registry


_TOOLS: dict[tuple[str, FetchSettings, CacheSettings | None], _Tools] = {}


def worker_credentials() -> dict[str, str]:
    """This worker's API tokens: the secret file's, overridden by the environment's."""
    found: dict[str, str] = {}
    path = os.environ.get(CREDENTIALS_FILE)
    if path:
        try:
            document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise RuntimeError(f"cannot read the credentials file {path} ({exc})") from None
        found = {str(k): str(v) for k, v in document.items() if isinstance(v, str) and v}
    return {**found, **credentials_from_env()}


def _tools(settings: FetchSettings, cache: CacheSettings | None) -> _Tools:
    worker = get_worker()
    key = (worker.address, settings, cache)
    tools = _TOOLS.get(key)
    if tools is None:
        client = make_client(settings, cache=cache)
        fetcher = ClusterFetcher(client, settings, gate_client(worker), keep_records=False)
        tools = _TOOLS[key] = _Tools(client, fetcher, load_registry())
    return tools


async def audit_shard(shard: Shard, options: AuditOptions, baseline: list[Audit] | None,
                      cache: CacheSettings | None = None) -> list[ShardOutcome]:
    """Audit every brand of ``shard`` at once on this worker; one outcome per brand, failures included."""
    tools = _tools(options.fetch, cache)
    options = replace(options, credentials=worker_credentials())
    address = get_worker().address
    outcomes = []
    async for result in audit_many(shard.specs, options, fetcher=tools.fetcher, registry=tools.registry,
                                   concurrency=len(shard.specs), baseline=baseline):
        outcomes.append(ShardOutcome(result.spec.brand.name, result.audit, _portable(result.error), address))
    return outcomes


def _portable(error: BaseException | None) -> BaseException | None:
    """The error itself if it can travel back to the client, else a RuntimeError that says what it was."""
    if error is None:
        return None
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001 - any pickling failure: send its description instead
        return RuntimeError(f"{type(error).__name__}: {error}")


class WorkerClients(WorkerPlugin):
    """Closes a worker's HTTP clients when the worker closes."""

    name = "auditor-worker-clients"
    idempotent = True

    async def teardown(self, worker: Any) -> None:
        for key in [key for key in _TOOLS if key[0] == worker.address]:
            await _TOOLS.pop(key).client.aclose()
        _CLIENTS.pop(worker.address, None)
