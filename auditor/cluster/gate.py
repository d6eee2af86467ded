"""Politeness across workers: one gate per host, kept on the Dask scheduler, that every worker's fetcher passes.

The single-process :class:`~auditor.fetch.client.Fetcher` keeps each host's concurrency limit,
its gap between requests and its ``Retry-After`` in memory. On a cluster every worker has its
own fetcher, so those limits would hold per worker only; :class:`HostGate` (a scheduler plugin)
holds them for the whole cluster and :class:`ClusterFetcher` (a Fetcher) asks it:

* **a token per attempt** (``auditor_gate_enter``, one round trip to the scheduler): at most
  ``per_host`` attempts to a host are under way across all workers; the answer also says how
  long the host's ``Retry-After`` still runs, and the attempt waits that long first;
* **a turn to send** (``auditor_gate_send``, one round trip, only when the gap is not 0): a
  request takes the host's turn just before its headers leave and waits until one gap has
  passed since the previous request's headers left, whichever worker sent them; it gives the
  turn back (``auditor_gate_sent``, a one-way message) once its own are out, and the scheduler
  notes that moment as the host's last send. So a late wake-up of one worker can only delay
  the next request, never bring it closer, and no clock is compared across machines;
* **Retry-After and rate-limit resets** (``auditor_gate_defer``, one-way): a worker that is
  told to wait holds the host back for every worker for as long (up to ``retry_after_cap``).

Tokens and turns are leases named by the worker that holds them: when a worker dies, the
scheduler's ``remove_worker`` hook gives its leases back, so a killed worker never stalls a host.
A scheduler restart starts with an empty gate (the hosts' last sends are forgotten).

The scheduler must be able to import this module (install presence-auditor on it).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from distributed.diagnostics.plugin import SchedulerPlugin
from tornado.ioloop import PeriodicCallback

from auditor.fetch.client import Fetcher, FetchSettings, _HostSlot, _Raw, parse_retry_after, rate_limit_delay

ENTER, SEND, SENT, LEAVE, DEFER = ("auditor_gate_enter", "auditor_gate_send", "auditor_gate_sent",
                                   "auditor_gate_leave", "auditor_gate_defer")
SWEEP_EVERY = 10.0  # seconds between sweeps of the scheduler's host table


class _Leases:
    """Up to ``limit`` holders at once, first come first served; each lease is named by an id and its worker.

    A lease given back before its request arrived (a cancelled attempt whose message overtook
    its request) is remembered, so the late request is refused instead of holding a lease forever.
    """

    def __init__(self) -> None:
        self.granted: dict[str, str] = {}  # lease id -> worker
        self.waiting: OrderedDict[str, tuple[str, int, asyncio.Future[bool]]] = OrderedDict()
        self.dropped: set[str] = set()

    async def take(self, lease: str, worker: str, limit: int) -> bool:
        if lease in self.dropped:
            self.dropped.discard(lease)
            return False
        if not self.waiting and len(self.granted) < limit:
            self.granted[lease] = worker
            return True
        turn: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.waiting[lease] = (worker, limit, turn)
        return await turn

    def give_back(self, lease: str) -> bool:
        """Whether the lease was held (rather than waited for, or not yet asked for)."""
        if self.granted.pop(lease, None) is not None:
            self._wake()
            return True
        if lease in self.waiting:
            _, _, turn = self.waiting.pop(lease)
            if not turn.done():
                turn.set_result(False)
            return False
        self.dropped.add(lease)
        return False

    def drop_worker(self, worker: str) -> bool:
        """Give back every lease of ``worker``; whether it held one."""
        held = [lease for lease, owner in self.granted.items() if owner == worker]
        for lease in [lease for lease, (owner, _, _) in self.waiting.items() if owner == worker]:
            self.give_back(lease)
        for lease in held:
            self.give_back(lease)
        return bool(held)

    def _wake(self) -> None:
        while self.waiting:
            lease, (worker, limit, turn) = next(iter(self.waiting.items()))
            if len(self.granted) >= limit:
                return
            del self.waiting[lease]
            if not turn.done():
                self.granted[lease] = worker
                turn.set_result(True)

    @property
    def idle(self) -> bool:
        return not self.granted and not self.waiting


@dataclass
class _Host:
    tokens: _Leases = field(default_factory=_Leases)  # attempts under way
    turn: _Leases = field(default_factory=_Leases)  # the request whose headers are leaving
    last_sent: float = float("-inf")  # scheduler time the previous request's headers were out
    gap: float = 0.0  # the largest gap a worker asked for (robots.txt Crawl-delay stretches it)
    not_before: float = float("-inf")  # Retry-After: no attempt starts before this


class HostGate(SchedulerPlugin):
    """The scheduler's side: per-host tokens, send turns and Retry-After for every worker of the cluster."""

    name = "auditor-host-gate"
    idempotent = True  # a second batch on the same cluster shares the gate instead of resetting it

    def __init__(self) -> None:
        self.hosts: dict[str, _Host] = {}
        self.calls = 0  # round trips answered, for the benchmark
        self._sweeper: PeriodicCallback | None = None

    async def start(self, scheduler: Any) -> None:
        self.hosts = {}
        scheduler.handlers.update({ENTER: self.enter, SEND: self.send})
        scheduler.stream_handlers.update({SENT: self.sent, LEAVE: self.leave, DEFER: self.defer})
        self._sweeper = PeriodicCallback(self.sweep, SWEEP_EVERY * 1000)
        self._sweeper.start()

    async def close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.stop()

    def sweep(self) -> None:
        """Forget the hosts nobody is using or waiting for, whose gap and Retry-After have run out."""
        for host, state in list(self.hosts.items()):
            self._forget_if_idle(host, state)

    async def enter(self, host: str, lease: str, worker: str, limit: int) -> dict[str, Any]:
        self.calls += 1
        state = self.hosts.setdefault(host, _Host())
        granted = await state.tokens.take(lease, worker, max(1, limit))
        return {"granted": granted, "wait": max(0.0, state.not_before - time.monotonic())}

    async def send(self, host: str, lease: str, worker: str, gap: float) -> dict[str, Any]:
        self.calls += 1
        state = self.hosts.setdefault(host, _Host())
        granted = await state.turn.take(lease, worker, 1)
        state.gap = max(state.gap, gap)
        now = time.monotonic()
        return {"granted": granted, "wait": max(0.0, state.last_sent + state.gap - now, state.not_before - now)}

    def sent(self, host: str, lease: str, worker: str = "") -> None:
        state = self.hosts.get(host)
        if state is not None and state.turn.give_back(lease):
            state.last_sent = time.monotonic()

    def leave(self, host: str, lease: str, worker: str = "") -> None:
        state = self.hosts.get(host)
        if state is not None:
            state.tokens.give_back(lease)

    def defer(self, host: str, seconds: float, worker: str = "") -> None:
        state = self.hosts.setdefault(host, _Host())
        state.not_before = max(state.not_before, time.monotonic() + seconds)

    def remove_worker(self, scheduler: Any, worker: str, **kwargs: Any) -> None:
        for host, state in list(self.hosts.items()):
            state.tokens.drop_worker(worker)
            if state.turn.drop_worker(worker):  # it may have been sending: count it as sent now
                state.last_sent = time.monotonic()

    def _forget_if_idle(self, host: str, state: _Host) -> None:
        now = time.monotonic()
        if (state.tokens.idle and state.turn.idle and not state.tokens.dropped and not state.turn.dropped
                and state.last_sent + state.gap < now and state.not_before < now):
            del self.hosts[host]


class GateClient:
    """A worker's side of the gate: round trips to the scheduler for tokens and turns, one-way messages back."""

    def __init__(self, worker: Any) -> None:
        self.worker = worker
        self._ids = itertools.count()

    def _lease(self) -> str:
        return f"{self.worker.address}/{next(self._ids)}"

    async def enter(self, host: str, limit: int) -> tuple[str, float] | None:
        """A token for one attempt (its lease and the Retry-After wait), or None if refused."""
        lease = self._lease()
        try:
            answer = await getattr(self.worker.scheduler, ENTER)(host=host, lease=lease,
                                                                 worker=self.worker.address, limit=limit)
        except BaseException:
            self.leave(host, lease)  # cancelled while waiting: the scheduler must not keep it for us
            raise
        return (lease, answer["wait"]) if answer["granted"] else None

    def leave(self, host: str, lease: str) -> None:
        self.worker.batched_send({"op": LEAVE, "host": host, "lease": lease})

    async def send(self, host: str, gap: float) -> tuple[str, float] | None:
        """The host's turn to send (its lease and the wait for the gap), or None if refused."""
        lease = self._lease()
        try:
            answer = await getattr(self.worker.scheduler, SEND)(host=host, lease=lease,
                                                                worker=self.worker.address, gap=gap)
        except BaseException:
            self.sent(host, lease)
            raise
        return (lease, answer["wait"]) if answer["granted"] else None

    def sent(self, host: str, lease: str) -> None:
        self.worker.batched_send({"op": SENT, "host": host, "lease": lease})

    def defer(self, host: str, seconds: float) -> None:
        self.worker.batched_send({"op": DEFER, "host": host, "seconds": seconds})


@dataclass
class _Turn:
    """One attempt's turn to send, taken in the transport hook and given back once its headers are out."""

    gate: GateClient
    host: str
    lease: str | None = None

    def give_back(self) -> None:
        if self.lease is not None:
            self.gate.sent(self.host, self.lease)
            self.lease = None


_TURN: ContextVar[_Turn | None] = ContextVar("auditor_gate_turn", default=None)


class ClusterFetcher(Fetcher):
    """A :class:`Fetcher` whose per-host limits, gaps and Retry-After hold across the cluster (through the gate).

    Everything else (retries, robots.txt, body cap, the address guard) is the Fetcher's; within
    the worker its own per-host pacing still applies, and the gate adds the other workers' requests.
    """

    def __init__(self, client: Any, settings: FetchSettings, gate: GateClient, **kwargs: Any) -> None:
        super().__init__(client, settings, **kwargs)
        self.gate = gate

    async def _attempt_in(self, slot: _HostSlot, url: str, headers: dict[str, str] | None) -> _Raw:
        host = urlsplit(url).netloc.lower()
        while (ticket := await self.gate.enter(host, self.settings.per_host)) is None:
            pass  # refused only after a cancellation raced its request: ask again
        lease, wait = ticket
        turn = _Turn(self.gate, host)
        token = _TURN.set(turn)
        try:
            if wait > 0:
                await self._sleep(wait)
            raw = await super()._attempt_in(slot, url, headers)
        finally:
            _TURN.reset(token)
            turn.give_back()
            self.gate.leave(host, lease)
        delays = [rate_limit_delay(raw.headers)]
        if raw.status in (429, 503):
            delays.append(parse_retry_after(raw.headers.get("retry-after")))
        delay = max((d for d in delays if d), default=0.0)
        if delay and delay <= self.settings.retry_after_cap:  # as the Fetcher does for its own next attempt
            self.gate.defer(host, delay)
        return raw

    def _send_pacer(self, departure: Any) -> Callable[[str, dict[str, Any]], Awaitable[None]]:
        local = super()._send_pacer(departure)
        turn = _TURN.get()
        slot = departure.slot

        async def trace(event: str, info: dict[str, Any]) -> None:
            await local(event, info)
            if turn is None or ".send_request_headers." not in event:
                return
            if getattr(info.get("request"), "method", b"") == b"CONNECT":
                return
            if not event.endswith(".started"):
                turn.give_back()
                return
            turn.give_back()  # never held twice, should a transport start the same headers again
            if slot.gap <= 0:
                return
            while (ticket := await self.gate.send(turn.host, slot.gap)) is None:
                pass  # refused only after a cancellation raced its request: ask again
            turn.lease, wait = ticket
            if wait > 0:
                await self._sleep(wait)

        return trace
