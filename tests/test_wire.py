"""A request's headers wait for their host's turn where they are written to the connection."""

from __future__ import annotations

import asyncio

import httpcore
import httpx

from auditor.fetch.client import make_client
from auditor.fetch.guard import GuardedBackend
from auditor.fetch.wire import DEPARTING, PacedBackend, PacedStream, pace_writes


class Stream(httpcore.AsyncNetworkStream):
    """Notes what is written to it, and what happened around each write."""

    def __init__(self, events: list[str]) -> None:
        self.events = events

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.events.append(f"write {buffer.decode()}")

    async def aclose(self) -> None:
        self.events.append("closed")

    async def start_tls(self, ssl_context, server_hostname=None, timeout=None):  # type: ignore[no-untyped-def]
        return Stream(self.events)

    def get_extra_info(self, info: str) -> object:
        return f"info {info}"


class Turn:
    def __init__(self, events: list[str], at_write: bool = True) -> None:
        self.events = events
        self.at_write = at_write

    async def take_turn(self) -> None:
        self.events.append("turn")

    def leave(self) -> None:
        self.events.append("left")


def written(*buffers: bytes, turn: Turn | None = None, tunnel: bool = False) -> list[str]:
    """What a paced stream did writing ``buffers`` with ``turn`` running (through a TLS stream when ``tunnel``)."""
    events: list[str] = []
    if turn is not None:
        turn.events = events

    async def main() -> None:
        stream: httpcore.AsyncNetworkStream = PacedStream(Stream(events))
        token = DEPARTING.set(turn)
        try:
            if tunnel:
                await stream.write(b"CONNECT pages.example:443 HTTP/1.1\r\n\r\n")
                stream = await stream.start_tls(None, "pages.example")
            for buffer in buffers:
                await stream.write(buffer)
        finally:
            DEPARTING.reset(token)

    asyncio.run(main())
    return events


def test_the_first_bytes_of_a_request_wait_for_its_turn_and_end_it_once_written():
    assert written(b"GET / HTTP/1.1", b"", turn=Turn([])) == ["turn", "write GET / HTTP/1.1", "left", "write "]


def test_a_turn_is_taken_once_however_many_writes_follow():
    assert written(b"GET /", b"more", turn=Turn([])) == ["turn", "write GET /", "left", "write more"]


def test_the_proxys_connect_is_not_held_and_the_request_inside_the_tunnel_is():
    assert written(b"GET / HTTP/1.1", turn=Turn([]), tunnel=True) == [
        "write CONNECT pages.example:443 HTTP/1.1\r\n\r\n", "turn", "write GET / HTTP/1.1", "left"]


def test_without_a_turn_asking_for_it_writes_go_straight_through():
    assert written(b"GET /") == ["write GET /"]
    assert written(b"GET /", turn=Turn([], at_write=False)) == ["write GET /"]


def test_reads_closing_and_details_go_to_the_stream_underneath_without_a_frame_of_ours():
    inner = Stream([])
    stream = PacedStream(inner)
    assert stream.read == inner.read and stream.aclose == inner.aclose
    assert stream.get_extra_info("ssl_object") == "info ssl_object"


def test_the_auditors_client_is_paced_under_its_guard_once_however_often_asked():
    client = make_client()
    try:
        assert pace_writes(client) and pace_writes(client)
        backend = client._transport._pool._network_backend  # type: ignore[attr-defined]
        assert isinstance(backend, GuardedBackend) and isinstance(backend.inner, PacedBackend)
        assert not isinstance(backend.inner.inner, PacedBackend)
    finally:
        asyncio.run(client.aclose())


def test_a_client_whose_transport_has_no_pool_is_not_paced():
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda request: httpx.Response(200)))
    assert not pace_writes(client)


def test_a_host_the_environment_sends_direct_does_not_stop_the_pacing(monkeypatch):
    """NO_PROXY mounts None for its hosts (they go through the client's own transport): still paced."""
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "local.example")
    client = make_client()
    try:
        assert None in client._mounts.values()
        assert pace_writes(client)
    finally:
        asyncio.run(client.aclose())
