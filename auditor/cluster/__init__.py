"""A batch audit on a Dask cluster: brands sharded into tasks, results back in completion order.

Takes brand specs, the run's options and a cluster (``local:N`` for a ``LocalCluster`` of N
worker processes, or the address of a running ``dask.distributed`` scheduler); gives
:class:`~auditor.batch.BrandResult` values as shards finish, which :func:`auditor.batch.run_batch`
hands to the same sinks, progress, history and exit status as a local batch
(:func:`cluster_source` makes the ``source`` it takes).

* **Shards**: ``shard_size`` brands per task (default 1), each audited on a worker by
  :func:`auditor.cluster.worker.audit_shard`; at most twice as many tasks as the cluster has
  task slots are submitted at a time, so memory does not grow with the number of brands.
* **Exactly once**: a task whose worker dies is run again by the scheduler on another worker;
  a brand is handed on once, however many times its shard ran. Brands already done (``--resume``)
  are never submitted.
* **Politeness** across workers: :mod:`auditor.cluster.gate`.
* **Credentials** stay out of the task graph: options go without them (a caller's explicit
  credentials are refused) and each worker reads its own (:func:`~auditor.cluster.worker.worker_credentials`).

Needs the ``cluster`` extra (``pip install 'presence-auditor[cluster]'``) here, on the scheduler and
on every worker.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
from collections.abc import AsyncGenerator, AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from auditor.batch import BrandResult, BrandSource, BrandSpec
from auditor.discover.brand import InvalidInput
from auditor.fetch.client import CacheSettings
from auditor.models import Audit
from auditor.options import AuditOptions

_LOCAL = re.compile(r"local:(\d+)")
_ADDRESS = re.compile(r"(?:(?:tcp|tls|ucx|ws|wss)://)?[^\s/:]+:\d+|inproc://\S+")


@dataclass(frozen=True)
class ClusterTarget:
    """``local:N`` (``workers`` = N, no address) or a running scheduler's ``address``."""

    address: str | None = None
    workers: int = 0


class ClusterLost(RuntimeError):
    """The scheduler went away mid-run (finished brands are already in the report)."""


def parse_target(text: str) -> ClusterTarget:
    """``local:N`` or ``[tcp://]HOST:PORT``; anything else is an InvalidInput saying so."""
    text = text.strip()
    if (local := _LOCAL.fullmatch(text)) is not None:
        workers = int(local.group(1))
        if not 1 <= workers <= 256:
            raise InvalidInput(f"--cluster {text}: local:N needs 1 to 256 workers")
        return ClusterTarget(workers=workers)
    if _ADDRESS.fullmatch(text):
        return ClusterTarget(address=text)
    raise InvalidInput(f"--cluster {text!r}: give local:N or a scheduler address such as tcp://10.0.0.5:8786")


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise InvalidInput("--cluster needs Dask: pip install 'presence-auditor[cluster]'") from None
    return distributed


@asynccontextmanager
async def connect(target: ClusterTarget, *, threads: int = 8, processes: bool = True) -> AsyncIterator[Any]:
    """An asynchronous ``distributed.Client``: to the scheduler at ``target.address``, or to a new
    ``LocalCluster`` of ``target.workers`` workers with ``threads`` task slots each (closed afterwards)."""
    distributed = _distributed()
    if target.address is not None:
        async with distributed.Client(target.address, asynchronous=True) as client:
            yield client
        return
    async with distributed.LocalCluster(n_workers=target.workers, threads_per_worker=threads, processes=processes,
                                        asynchronous=True, dashboard_address=":0",
                                        silence_logs=logging.ERROR) as cluster:
        async with distributed.Client(cluster, asynchronous=True) as client:
            yield client


async def audit_on_cluster(
    specs: Iterable[BrandSpec],
    options: AuditOptions,
    *,
    client: Any,
    baseline: Iterable[Audit] | None = None,
    shard_size: int = 1,
    cache: CacheSettings | None = None,
) -> AsyncGenerator[BrandResult, None]:
    """Audit ``specs`` on the cluster behind ``client``; yield each brand's result once, as its shard finishes."""
    from distributed import as_completed

    from auditor.cluster.gate import HostGate
    from auditor.cluster.worker import Shard, WorkerClients, audit_shard

    if options.credentials is not None:
        raise InvalidInput("credentials are read on each worker (environment or AUDITOR_CREDENTIALS_FILE), "
                           "never sent with the tasks; leave AuditOptions.credentials unset")
    await client.register_plugin(HostGate())
    await client.register_plugin(WorkerClients())
    specs = list(specs)
    by_name = {spec.brand.name: spec for spec in specs}
    shards = iter([Shard(n, tuple(specs[i:i + shard_size])) for n, i in enumerate(range(0, len(specs), shard_size))])
    previous = list(baseline) if baseline is not None else None
    if previous:
        previous = await client.scatter(previous, broadcast=True, hash=False)  # once, not once per task
    run = secrets.token_hex(4)
    pending = as_completed([])
    outstanding: dict[Any, Shard] = {}

    def submit_more() -> None:
        info = client.scheduler_info()  # as of the last update: a cluster that grows gets more tasks at a time
        slots = info.get("total_threads") or sum(w.get("nthreads", 1) for w in info.get("workers", {}).values())
        while len(outstanding) < max(2, 2 * slots):
            shard = next(shards, None)
            if shard is None:
                return
            future = client.submit(audit_shard, shard, options, previous, cache, key=f"audit-shard-{run}-{shard.index}",
                                   pure=False)
            outstanding[future] = shard
            pending.add(future)

    seen: set[str] = set()
    submit_more()
    try:
        async for future in pending:
            shard = outstanding.pop(future)
            try:
                outcomes = await future
            except _cancelled() as exc:
                reason = getattr(exc, "reason", "") or str(exc)
                raise ClusterLost(f"lost the cluster ({reason}); finished brands are kept, --resume goes on") from None
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker: its brands failed, the batch goes on
                outcomes = [_failed(spec.brand.name, exc) for spec in shard.specs]
            future.release()
            submit_more()
            for outcome in outcomes:
                if outcome.name in seen:  # its shard ran twice: hand it on once
                    continue
                seen.add(outcome.name)
                yield BrandResult(by_name[outcome.name], audit=outcome.audit, error=outcome.error)
    finally:
        if outstanding:
            await client.cancel(list(outstanding))


def _cancelled() -> type[BaseException]:
    from distributed.client import FutureCancelledError

    return FutureCancelledError


def _failed(name: str, error: BaseException) -> Any:
    from auditor.cluster.worker import ShardOutcome

    return ShardOutcome(name, None, error, "")


def cluster_source(
    text: str,
    options: AuditOptions,
    *,
    concurrency: int = 8,
    shard_size: int = 1,
    baseline: Iterable[Audit] | None = None,
    cache: CacheSettings | None = None,
    processes: bool = True,
) -> BrandSource:
    """What ``run_batch(source=...)`` takes for ``--cluster TEXT``: it connects when the batch starts
    and disconnects when it ends. ``concurrency`` is the brands a ``local:N`` worker audits at once."""
    target = parse_target(text)
    _distributed()
    threads = max(1, math.ceil(concurrency / shard_size))

    async def source(specs: list[BrandSpec]) -> AsyncGenerator[BrandResult, None]:
        async with connect(target, threads=threads, processes=processes) as client:
            async for result in audit_on_cluster(specs, options, client=client, baseline=baseline,
                                                 shard_size=shard_size, cache=cache):
                yield result

    return source
