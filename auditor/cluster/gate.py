"""Politeness across workers: one turn per host, kept on the Dask scheduler, that a worker holds while it sends.

The single-process :class:`~auditor.fetch.client.Fetcher` keeps each host's concurrency limit,
its gap between requests and its ``Retry-After`` in memory. On a cluster every worker has its
own fetcher, so those limits would hold per worker only; :class:`HostGate` (a scheduler plugin)
holds them for the whole cluster, and each worker's :class:`GateClient` keeps its side.

**The host's turn.** Only the worker that holds a host's turn sends requests to it. It takes the
turn once (``auditor_gate_take``, answered by ``auditor_gate_grant``) and keeps it for as many
requests as it has for the host, pacing them itself exactly as the single-process Fetcher does
(each request's headers leave one gap after its previous request's really left: one clock, no
margin). It gives the turn back (``auditor_gate_release``) when the gate asks for it because
another worker is waiting (``auditor_gate_recall``; the holder first sends the few requests
it already has for the host, at most :data:`BATCH`), or when it has not used it for
:data:`IDLE` seconds. So a host that only one worker asks (a brand's own site) costs one
exchange with the scheduler, not one per request, and a platform host that every worker asks
changes hands at most once per :data:`BATCH` requests instead of after every request.

* **the gap** between holders: the gate notes when a release arrives, which is after the
  holder's last headers were out, and the next holder waits one gap from that moment, counted
  on the scheduler's clock and slept on the worker's from when the grant arrives: no clock is
  compared across machines, and a late message only makes the gap longer;
* **per-host concurrency**: a release says how many of the holder's requests are still under
  way (each then reports its end, ``auditor_gate_done``); a grant says how many the new holder
  may have under way, ``per_host`` less the others' (which only fall while it holds the turn,
  since nobody else sends; each fall widens its room, ``auditor_gate_room``), and waits while
  that would be none. A recalled holder that is full keeps the turn for its waiting requests
  (up to :data:`BATCH`) until room comes back, so a host whose answers are slower than its gap
  still changes hands once per few requests, not after each;
* **Retry-After and rate-limit resets** (``auditor_gate_defer``): a worker told to wait holds the
  host back for every worker for as long (up to ``retry_after_cap``): the next grant comes no
  sooner, and a current holder elsewhere is told to pause (``auditor_gate_hold``).

A dead worker's turns and requests under way are given back when the scheduler removes it
(``remove_worker``), so a killed worker never stalls a host. A scheduler restart starts with an
empty gate (a worker that reconnects to it gives back the turns it held within :data:`IDLE`).

The trade against booking each request a send slot on the scheduler's clock (answered at once,
one round trip per request): a slot's holder may send late (a late wake-up of a busy worker, the
answer's way back), so slots of different workers must be a gap plus a margin apart, and on two
shared cores that margin measured 100-250 ms; a held turn needs no margin and no message per
request, at the price of a wait for the holder's release when the host changes hands.

The scheduler must be able to import this module (install presence-auditor on it).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from distributed.diagnostics.plugin import SchedulerPlugin
from tornado.ioloop import PeriodicCallback

from auditor.fetch.client import Fetcher, FetchSettings, _HostSlot, _Raw, asked_pause

TAKE, GRANT, RECALL, RELEASE, DONE, DEFER, HOLD, ROOM = (
    "auditor_gate_take", "auditor_gate_grant", "auditor_gate_recall", "auditor_gate_release",
    "auditor_gate_done", "auditor_gate_defer", "auditor_gate_hold", "auditor_gate_room")
SWEEP_EVERY = 10.0  # seconds between sweeps of the scheduler's host table
BATCH = 4  # requests a recalled holder may still send (those already waiting, room permitting) before it releases
IDLE = 1.0  # seconds a worker keeps a turn it does not use


@dataclass
class _Host:
    holder: str | None = None  # the worker holding the turn
    waiting: OrderedDict[str, float] = field(default_factory=OrderedDict)  # workers asking, and their gap
    recalled: bool = False  # the holder has been asked to release
    last_sent: float = float("-inf")  # scheduler time the previous holder's release arrived
    gap: float = 0.0  # the largest gap a worker asked for (robots.txt Crawl-delay stretches it)
    not_before: float = float("-inf")  # Retry-After: no grant before this
    under_way: dict[str, int] = field(default_factory=dict)  # requests of workers not holding the turn


class HostGate(SchedulerPlugin):
    """The scheduler's side: who holds each host's turn, who waits for it, and the requests under way."""

    name = "auditor-host-gate"
    idempotent = True  # a second batch on the same cluster shares the gate instead of resetting it

    def __init__(self) -> None:
        self.hosts: dict[str, _Host] = {}
        self.calls = 0  # messages to the scheduler, for the benchmark
        self.grants: Counter[str] = Counter()  # turns given, by host
        self.scheduler: Any = None
        self.per_host: dict[str, int] = {}
        self._sweeper: PeriodicCallback | None = None
        self._timers: dict[str, asyncio.TimerHandle] = {}

    async def start(self, scheduler: Any) -> None:
        self.hosts, self.scheduler = {}, scheduler
        scheduler.stream_handlers.update({TAKE: self.take, RELEASE: self.release, DONE: self.done,
                                          DEFER: self.defer})
        self._sweeper = PeriodicCallback(self.sweep, SWEEP_EVERY * 1000)
        self._sweeper.start()

    async def close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.stop()
        for timer in self._timers.values():
            timer.cancel()

    def sweep(self) -> None:
        """Forget the hosts nobody holds or waits for, whose gap and Retry-After have run out."""
        now = time.monotonic()
        for host, state in list(self.hosts.items()):
            if (state.holder is None and not state.waiting and not any(state.under_way.values())
                    and state.last_sent + state.gap < now and state.not_before < now):
                del self.hosts[host]

    # -- messages from workers ------------------------------------------------------
    def take(self, host: str, gap: float, limit: int, worker: str = "") -> None:
        self.calls += 1
        state = self.hosts.setdefault(host, _Host())
        state.gap = max(state.gap, gap)
        self.per_host[host] = max(1, limit)
        if state.holder == worker:  # it holds the turn already (and had forgotten): say so again
            self._tell(worker, {"op": GRANT, "host": host, "wait": 0.0, "room": self._room(host, state, worker)})
            return
        if worker in state.waiting:
            return
        state.waiting[worker] = gap
        if state.holder is not None and not state.recalled:
            state.recalled = True
            self._tell(state.holder, {"op": RECALL, "host": host})
        self._grant(host)

    def release(self, host: str, under_way: int, worker: str = "") -> None:
        self.calls += 1
        state = self.hosts.get(host)
        if state is None or state.holder != worker:
            return
        state.holder, state.recalled = None, False
        state.last_sent = time.monotonic()
        state.under_way[worker] = under_way
        self._grant(host)

    def done(self, host: str, worker: str = "") -> None:
        self.calls += 1
        state = self.hosts.get(host)
        if state is not None and state.under_way.get(worker, 0) > 0:
            state.under_way[worker] -= 1
            if state.holder is None:
                self._grant(host)
            else:
                self._widen(host, state)

    def defer(self, host: str, seconds: float, worker: str = "") -> None:
        self.calls += 1
        state = self.hosts.setdefault(host, _Host())
        state.not_before = max(state.not_before, time.monotonic() + seconds)
        if state.holder is not None and state.holder != worker:
            self._tell(state.holder, {"op": HOLD, "host": host, "seconds": seconds})

    def remove_worker(self, scheduler: Any, worker: str, **kwargs: Any) -> None:
        for host, state in list(self.hosts.items()):
            state.waiting.pop(worker, None)
            gone = state.under_way.pop(worker, 0)
            if state.holder == worker:  # it may have been sending: count it as sent now
                state.holder, state.recalled = None, False
                state.last_sent = time.monotonic()
            if state.holder is None:
                self._grant(host)
            elif gone:
                self._widen(host, state)

    # -- granting -------------------------------------------------------------------
    def _grant(self, host: str) -> None:
        """Give the turn to the first worker waiting, once nobody holds it and a request may be under way."""
        state = self.hosts.get(host)
        if state is None or state.holder is not None or not state.waiting:
            return
        worker = next(iter(state.waiting))
        if self.per_host.get(host, 1) - sum(state.under_way.values()) <= 0:
            return  # no room for another request, the new holder's own counted too: a done message makes it
        room = self._room(host, state, worker)
        del state.waiting[worker]
        state.holder, state.recalled = worker, False
        self.grants[host] += 1
        now = time.monotonic()
        wait = max(0.0, state.last_sent + state.gap - now, state.not_before - now)
        self._tell(worker, {"op": GRANT, "host": host, "wait": wait, "room": room})
        if state.waiting:  # somebody else is waiting already
            state.recalled = True
            self._tell(worker, {"op": RECALL, "host": host})

    def _widen(self, host: str, state: _Host) -> None:
        """Tell the holder its room grew: another worker's request under way ended (or its worker died)."""
        if state.holder is not None:
            self._tell(state.holder, {"op": ROOM, "host": host, "room": self._room(host, state, state.holder)})

    def _room(self, host: str, state: _Host, worker: str) -> int:
        """How many requests ``worker`` may have under way while it holds the turn."""
        return self.per_host.get(host, 1) - sum(n for w, n in state.under_way.items() if w != worker)

    def _tell(self, worker: str, msg: dict[str, Any]) -> None:
        if worker in self.scheduler.stream_comms:  # else it is gone, and remove_worker tidies up
            self.scheduler.worker_send(worker, msg)


@dataclass
class _Turn:
    """A worker's side of one host's turn."""

    held: bool = False
    asked: bool = False  # a take is on its way
    granted: asyncio.Event = field(default_factory=asyncio.Event)
    recalled: bool = False
    since_recall: int = 0  # requests sent since the recall
    room: int = 0  # requests this worker may have under way while it holds the turn
    under_way: int = 0  # its requests to the host that have been sent and not yet answered
    reported: int = 0  # of those, how many the gate counts (told at the last release, less done messages)
    sending: int = 0  # requests between the door and their headers being out
    wanting: int = 0  # requests on their way to the door: for this worker's own per-host slot, the turn, room, the gap
    not_before: float = float("-inf")  # this worker's clock: the grant's wait, a hold
    last_sent: float = float("-inf")  # this worker's clock: when its latest request's headers were out
    last_used: float = 0.0
    freed: asyncio.Event = field(default_factory=asyncio.Event)  # a request ended (room again)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # held by the request whose headers are leaving


class GateClient:
    """A worker's side of the gate: the turns it holds, its requests under way, and the messages to the scheduler.

    One per worker process, shared by its fetchers (:func:`gate_client`)."""

    def __init__(self, worker: Any) -> None:
        self.worker = worker
        self.turns: OrderedDict[str, _Turn] = OrderedDict()  # least recently used first
        self._ticking: asyncio.TimerHandle | None = None  # releases idle turns while any are kept
        worker.stream_handlers.update({GRANT: self._granted, RECALL: self._recalled, HOLD: self._hold,
                                       ROOM: self._widened})

    def _send(self, msg: dict[str, Any]) -> None:
        self.worker.batched_send(msg)

    def turn(self, host: str) -> _Turn:
        turn = self.turns.get(host)
        if turn is None:
            turn = self.turns[host] = _Turn()
            if self._ticking is None:
                self._ticking = asyncio.get_running_loop().call_later(IDLE, self._tick)
        else:
            self.turns.move_to_end(host)
        return turn

    def want(self, host: str) -> _Turn:
        """A request to ``host`` is on its way (it may first wait for this worker's own per-host slot):
        a recalled holder keeps the turn for it, up to :data:`BATCH` requests; :meth:`unwant` ends that."""
        turn = self.turn(host)
        turn.wanting += 1
        return turn

    def unwant(self, host: str, turn: _Turn) -> None:
        turn.wanting -= 1
        if turn.recalled:  # it may have been the last one wanting (or it never reached the door)
            self._maybe_release(host, turn)

    async def enter(self, host: str, turn: _Turn, gap: float, limit: int,
                    sleep: Callable[[float], Awaitable[None]]) -> None:
        """Wait until this worker holds the host's turn, has room for one more request, and may send now
        (one gap after its previous request's headers, past any hold); the host's lock is then held.
        The request (counted by :meth:`want`) no longer wants the turn once this returns or fails."""
        try:
            await self._enter(host, turn, gap, limit, sleep)
        finally:
            self.unwant(host, turn)

    async def _enter(self, host: str, turn: _Turn, gap: float, limit: int,
                     sleep: Callable[[float], Awaitable[None]]) -> None:
        while True:
            if not turn.held:
                if not turn.asked:
                    turn.asked = True
                    turn.granted.clear()
                    self._send({"op": TAKE, "host": host, "gap": gap, "limit": limit})
                await turn.granted.wait()
                continue
            if turn.under_way >= turn.room:  # full: wait for one of its requests to end, or for more room
                turn.freed.clear()
                await turn.freed.wait()
                continue
            await turn.lock.acquire()
            if not turn.held or turn.under_way >= turn.room:  # released, or full, while waiting for the lock
                turn.lock.release()
                continue
            wait = max(turn.last_sent + gap, turn.not_before) - time.monotonic()
            if wait > 0:
                try:
                    await sleep(wait)
                except BaseException:
                    turn.lock.release()
                    raise
                if not turn.held or max(turn.last_sent + gap, turn.not_before) > time.monotonic():
                    turn.lock.release()  # released meanwhile, or told to hold: look again
                    continue
            turn.sending += 1
            turn.under_way += 1
            return

    def sent(self, host: str, turn: _Turn) -> None:
        """The request's headers are out (or failed): free the host's lock; release if recalled."""
        turn.last_sent = turn.last_used = time.monotonic()
        turn.sending -= 1
        turn.lock.release()
        if turn.recalled:
            turn.since_recall += 1
            self._maybe_release(host, turn)

    def ended(self, host: str, turn: _Turn) -> None:
        """The request's answer has been read (or it failed): it is no longer under way."""
        turn.under_way -= 1
        turn.freed.set()
        if not turn.held and turn.reported > 0:
            turn.reported -= 1
            self._send({"op": DONE, "host": host})
        self._release_idle()

    def defer(self, host: str, seconds: float) -> None:
        turn = self.turn(host)
        turn.not_before = max(turn.not_before, time.monotonic() + seconds)
        self._send({"op": DEFER, "host": host, "seconds": seconds})

    # -- messages from the scheduler ------------------------------------------------
    def _granted(self, host: str, wait: float, room: int) -> None:
        turn = self.turn(host)
        turn.held, turn.asked, turn.recalled, turn.since_recall = True, False, False, 0
        turn.room, turn.reported = room, 0
        turn.not_before = max(turn.not_before, time.monotonic() + wait)
        turn.last_used = time.monotonic()
        turn.granted.set()

    def _recalled(self, host: str) -> None:
        turn = self.turns.get(host)
        if turn is not None and turn.held:
            turn.recalled = True
            self._maybe_release(host, turn)

    def _widened(self, host: str, room: int) -> None:
        turn = self.turns.get(host)
        if turn is not None and turn.held:
            turn.room = room
            turn.freed.set()

    def _hold(self, host: str, seconds: float) -> None:
        turn = self.turn(host)
        turn.not_before = max(turn.not_before, time.monotonic() + seconds)

    # -- releasing ------------------------------------------------------------------
    def _maybe_release(self, host: str, turn: _Turn) -> None:
        """Release a recalled turn once nothing is sending and no request of this worker wants to (or after BATCH)."""
        if turn.sending or turn.lock.locked() or (turn.since_recall < BATCH and turn.wanting):
            return
        self._release(host, turn)

    def _release(self, host: str, turn: _Turn) -> None:
        turn.held, turn.recalled = False, False
        turn.reported = turn.under_way
        self._send({"op": RELEASE, "host": host, "under_way": turn.under_way})
        turn.freed.set()  # wake the requests waiting for room: they must ask for the turn again

    def _release_idle(self) -> None:
        """Give back the turns not used for IDLE seconds (and forget idle hosts beyond the oldest)."""
        now = time.monotonic()
        for host, turn in list(self.turns.items()):
            if now - turn.last_used < IDLE:
                break
            if turn.sending or turn.lock.locked() or turn.asked or turn.wanting:
                continue
            if turn.held:
                self._release(host, turn)
            if not turn.under_way and not turn.reported:
                del self.turns[host]

    def _tick(self) -> None:
        self._release_idle()
        self._ticking = asyncio.get_running_loop().call_later(IDLE, self._tick) if self.turns else None


_CLIENTS: dict[str, GateClient] = {}


def gate_client(worker: Any) -> GateClient:
    """The worker's one GateClient."""
    client = _CLIENTS.get(worker.address)
    if client is None:
        client = _CLIENTS[worker.address] = GateClient(worker)
    return client


@dataclass
class _Attempt:
    host: str
    turn: _Turn
    wanting: bool = True  # counted by GateClient.want until it goes to the door
    entered: bool = False  # its headers passed the door
    out: bool = False  # and are out


_ATTEMPT: ContextVar[_Attempt | None] = ContextVar("auditor_gate_attempt", default=None)


class ClusterFetcher(Fetcher):
    """A :class:`Fetcher` whose per-host limits, gaps and Retry-After hold across the cluster (through the gate).

    Everything else (retries, robots.txt, body cap, the address guard) is the Fetcher's; within
    the worker its own per-host concurrency limit and start pacing still apply. A request's
    headers leave only while this worker holds the host's turn (:meth:`GateClient.enter`)."""

    turns_at_write = False  # the gate's door is kept in the transport's trace (:meth:`_send_pacer`)

    def __init__(self, client: Any, settings: FetchSettings, gate: GateClient, **kwargs: Any) -> None:
        super().__init__(client, settings, **kwargs)
        self.gate = gate

    async def _attempt_in(self, slot: _HostSlot, url: str, headers: dict[str, str] | None) -> _Raw:
        host = urlsplit(url).netloc.lower()
        attempt = _Attempt(host, self.gate.want(host))  # before this worker's own per-host slot is free
        token = _ATTEMPT.set(attempt)
        try:
            raw = await super()._attempt_in(slot, url, headers)
        finally:
            _ATTEMPT.reset(token)
            if attempt.wanting:  # it never reached the door (it failed or was cancelled before its headers)
                self.gate.unwant(host, attempt.turn)
            if attempt.entered and not attempt.out:
                self.gate.sent(host, attempt.turn)
            if attempt.entered:
                self.gate.ended(host, attempt.turn)
        delay = asked_pause(raw.status, raw.headers)
        if delay and delay <= self.settings.retry_after_cap:  # as the Fetcher does for its own next attempt
            self.gate.defer(attempt.host, delay)
        return raw

    def _send_pacer(self, departure: Any) -> Callable[[str, dict[str, Any]], Awaitable[None]]:
        attempt = _ATTEMPT.get()
        if attempt is None:
            return super()._send_pacer(departure)
        slot = departure.slot

        async def trace(event: str, info: dict[str, Any]) -> None:
            if ".send_request_headers." not in event or getattr(info.get("request"), "method", b"") == b"CONNECT":
                return
            if not event.endswith(".started"):
                if attempt.entered and not attempt.out:
                    attempt.out = True
                    self.gate.sent(attempt.host, attempt.turn)
                return
            if attempt.entered:
                return  # the same headers started again: it passed the door already
            attempt.wanting = False  # enter stops its wanting, however it ends
            await self.gate.enter(attempt.host, attempt.turn, slot.gap, self.settings.per_host, self._sleep)
            attempt.entered = True

        return trace
