"""The fixture internet: a loopback HTTP(S) proxy that answers for any host from files.

The auditor reaches it exactly as it reaches the real internet through a corporate proxy,
via ``HTTPS_PROXY``/``HTTP_PROXY`` and ``SSL_CERT_FILE``, so fixture URLs are the real ones.
HTTPS requests arrive as ``CONNECT host:443``; the proxy then speaks TLS itself with a
certificate for that host signed by a throwaway CA (trustme).

Naming rule, for a request to ``https://HOST/PATH?QUERY`` under ``ROOT``:

* no ``ROOT/HOST`` folder: the host is "down"; the proxy answers 502 as a proxy whose
  DNS lookup failed would (to the CONNECT itself for HTTPS);
* ``PATH`` ending in ``/`` (or the empty path) is read as ``PATH/index``;
* the file is ``ROOT/HOST/PATH?QUERY`` (the query only when there is one), or the same
  name plus any extension (``index.html``, ``feed/index.xml``, ``posts?page=2.json``);
  a folder with that name is read as ``PATH/index``;
* the extension gives the Content-Type; a ``.http`` file is a whole raw response instead
  (status line, headers, blank line, body, the body kept byte for byte so it may be
  binary) for redirects, errors and special headers;
* names starting with ``.fixture`` are configuration and never served;
* anything else is a 404.

Behaviour directives: headers in a ``.http`` file that shape how the answer is sent; they
are never sent themselves.

* ``X-Fixture-Delay: SECONDS`` waits before answering;
* ``X-Fixture-Body-Repeat: BYTES`` makes the body exactly that long without ever holding it:
  the body (one trailing newline dropped) is split at its last newline into a prefix and a
  pattern, and the prefix is sent once, then the pattern over and over, cut at BYTES;
* ``X-Fixture-Chunked: true`` sends no Content-Length (chunked transfer), so a client
  learns the size only by reading;
* ``X-Fixture-Gzip: true`` gzip-compresses the body while sending it (with
  ``Content-Encoding: gzip``, chunked); with Body-Repeat this is a decompression bomb;
* ``X-Fixture-Trickle: SECONDS`` sends the whole response (status line included) one byte
  at a time, that long apart;
* ``X-Fixture-Hang: true`` reads the request and never answers, until the client leaves.

Host behaviour: ``ROOT/HOST/.fixture.toml`` says how the host behaves before any request,
when the tunnel is opened (``CONNECT``):

* ``cert_host = "other.example"``: the TLS certificate presented names that host instead;
* ``cert_ca = "untrusted"``: the certificate is signed by a CA the client does not trust;
* ``connect = "hang"``: the connection is accepted and then nothing is ever said (no TLS
  handshake; for plain HTTP, no answer).

``log`` records every request answered or abandoned (``completed`` tells which) and
``tunnels`` every ``CONNECT``, so tests can assert what never reached the proxy.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import glob
import mimetypes
import re
import ssl
import struct
import tempfile
import threading
import time
import tomllib
import zlib
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import h11
import trustme

T = TypeVar("T")

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/json",
    ".jsonfeed": "application/feed+json",
    ".txt": "text/plain; charset=utf-8",
}


CHUNK = 256 * 1024  # generated bodies are produced and sent this much at a time
HOST_CONFIG = ".fixture.toml"
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")


@dataclass(frozen=True, slots=True)
class FixtureResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    delay: float = 0.0
    repeat_to: int | None = None  # X-Fixture-Body-Repeat
    chunked: bool = False  # X-Fixture-Chunked
    gzip: bool = False  # X-Fixture-Gzip
    trickle: float = 0.0  # X-Fixture-Trickle: seconds per byte
    hang: bool = False  # X-Fixture-Hang

    def body_chunks(self) -> Iterator[bytes]:
        """The body as it is sent, generated piece by piece (never whole when it is repeated)."""
        chunks = self._plain_chunks()
        return _gzip_chunks(chunks) if self.gzip else chunks

    def content_length(self) -> int | None:
        """The Content-Length to declare, or None to send the body chunked."""
        if self.chunked or self.gzip:
            return None
        return self.repeat_to if self.repeat_to is not None else len(self.body)

    def _plain_chunks(self) -> Iterator[bytes]:
        if self.repeat_to is None:
            if self.body:
                yield self.body
            return
        text = self.body[:-1] if self.body.endswith(b"\n") else self.body
        cut = text.rfind(b"\n") + 1
        prefix, pattern = text[:cut], text[cut:] or b" "
        remaining = self.repeat_to
        if prefix:
            yield prefix[:remaining]
            remaining -= min(len(prefix), remaining)
        block = pattern * max(1, CHUNK // len(pattern))  # one object, sent again and again
        while remaining >= len(block):
            yield block
            remaining -= len(block)
        if remaining:
            yield block[:remaining]


@dataclass(frozen=True, slots=True)
class HostConfig:
    """How a host behaves when its tunnel is opened, from ``ROOT/HOST/.fixture.toml``."""

    cert_host: str | None = None
    cert_ca: str = "trusted"  # or "untrusted"
    connect: str = "answer"  # or "hang"


@dataclass(slots=True)
class LoggedRequest:
    """One request as the proxy saw it. Logged when the request arrives, before any answer, so a
    client that has its response always finds the entry; ``finished`` and ``completed`` are
    filled in when the answer ends."""

    host: str
    method: str
    target: str
    status: int
    started: float
    finished: float
    completed: bool = True  # False: the client left (or the fixture hung) before the answer ended


@dataclass(frozen=True, slots=True)
class LoggedTunnel:
    host: str
    port: int
    status: int  # what the proxy answered to CONNECT (200, or 502 for a host that is down)
    at: float


def host_config(root: Path, host: str) -> HostConfig:
    """The host's ``.fixture.toml`` (defaults when there is none); ValueError for unknown keys or values."""
    path = Path(root) / host.lower() / HOST_CONFIG
    if not path.is_file():
        return HostConfig()
    raw = tomllib.loads(path.read_text("utf-8"))
    unknown = set(raw) - {"cert_host", "cert_ca", "connect"}
    if unknown:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
    config = HostConfig(**raw)
    if config.cert_ca not in ("trusted", "untrusted") or config.connect not in ("answer", "hang"):
        raise ValueError(f"{path}: cert_ca is trusted|untrusted and connect is answer|hang")
    return config


def resolve(root: Path, host: str, target: str) -> FixtureResponse | None:
    """The response the fixture internet gives for ``target`` on ``host``; None if the host is down."""
    host_dir = root / host.lower()
    if not host_dir.is_dir():
        return None
    path, _, query = target.partition("?")
    relative = unquote(path).lstrip("/")
    if relative == "" or relative.endswith("/"):
        relative += "index"
    if any(part == ".." or part.startswith(".fixture") for part in Path(relative).parts):
        return _not_found()
    name = relative + (f"?{query}" if query else "")
    found = _find(host_dir, name)
    if found is None and not query and (host_dir / relative).is_dir():
        found = _find(host_dir, relative.rstrip("/") + "/index")
    if found is None:
        return _not_found()
    if found.suffix == ".http":
        return _parse_raw(found.read_bytes())
    content_type = CONTENT_TYPES.get(found.suffix) or mimetypes.guess_type(found.name)[0]
    return FixtureResponse(
        200, (("Content-Type", content_type or "application/octet-stream"),), found.read_bytes()
    )


def _find(host_dir: Path, name: str) -> Path | None:
    exact = host_dir / name
    if exact.is_file():
        return exact
    matches = sorted(glob.glob(glob.escape(str(exact)) + ".*"))
    return Path(matches[0]) if matches else None


def _not_found() -> FixtureResponse:
    return FixtureResponse(
        404, (("Content-Type", "text/html; charset=utf-8"),), b"<title>404 Not Found</title>"
    )


def _parse_raw(raw: bytes) -> FixtureResponse:
    blank = _BLANK_LINE.search(raw)
    head, body = (raw[: blank.start()], raw[blank.end():]) if blank else (raw, b"")
    status_line, *header_lines = head.decode("utf-8").replace("\r\n", "\n").split("\n")
    status = int(status_line.split()[1])
    headers: list[tuple[str, str]] = []
    directives: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if name.lower().startswith("x-fixture-"):
            directives[name.lower().removeprefix("x-fixture-")] = value
        else:
            headers.append((name, value))
    unknown = set(directives) - {"delay", "body-repeat", "chunked", "gzip", "trickle", "hang"}
    if unknown:
        raise ValueError(f"unknown fixture directives: {sorted(unknown)}")
    gzip = _flag(directives.get("gzip"))
    if gzip:
        headers = [(k, v) for k, v in headers if k.lower() != "content-encoding"] + [("Content-Encoding", "gzip")]
    repeat = directives.get("body-repeat")
    return FixtureResponse(
        status,
        tuple(headers),
        body,
        delay=float(directives.get("delay", 0)),
        repeat_to=int(repeat) if repeat is not None else None,
        chunked=_flag(directives.get("chunked")),
        gzip=gzip,
        trickle=float(directives.get("trickle", 0)),
        hang=_flag(directives.get("hang")),
    )


def _flag(value: str | None) -> bool:
    return (value or "").lower() in ("true", "yes", "1")


def _gzip_chunks(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """A gzip member of ``chunks``, compressed as they come.

    Each chunk is compressed alone (a full flush after it), so a chunk seen again (a repeated
    body yields the same block object) reuses its compressed form: a bomb of hundreds of
    megabytes costs a CRC, not a compression, per chunk.
    """
    yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # magic, deflate, no flags, no mtime, max compression
    crc, size = 0, 0
    last_input: bytes | None = None
    last_output = b""
    pending = bytearray()  # sent in writes of at least 64 KiB, as a server with a compressed file would
    for chunk in chunks:
        if chunk is not last_input:
            compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
            last_input, last_output = chunk, compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
        crc, size = zlib.crc32(chunk, crc), size + len(chunk)
        pending += last_output
        if len(pending) >= 65536:
            yield bytes(pending)
            pending.clear()
    pending += b"\x03\x00"  # an empty final fixed-Huffman block ends the deflate stream
    yield bytes(pending) + struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)


class FixtureInternet:
    """Start with ``with FixtureInternet(root) as web:`` and point a client at ``web.env()``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.log: list[LoggedRequest] = []
        self.tunnels: list[LoggedTunnel] = []
        self._ca = trustme.CA()
        self._untrusted_ca: trustme.CA | None = None  # made on first use: signs certificates nobody trusts
        self._tmp = tempfile.TemporaryDirectory(prefix="auditor-fixture-ca-")
        self.ca_file = Path(self._tmp.name) / "ca.pem"
        self._ca.cert_pem.write_to_path(str(self.ca_file))
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> "FixtureInternet":
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        def run() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._handle, "127.0.0.1", 0, limit=2**20)
            )
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="fixture-internet", daemon=True)
        self._thread.start()
        ready.wait()
        return self

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> "concurrent.futures.Future[T]":
        """Run ``coroutine`` on the proxy's own event loop (to watch the loop, say); cancel the
        returned future to stop it."""
        assert self._loop is not None, "start() the fixture internet first"
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def stop(self) -> None:
        if self._loop is None:
            return
        loop = self._loop

        async def shutdown() -> None:
            assert self._server is not None
            self._server.close()
            for task in list(self._connections):
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        assert self._thread is not None
        self._thread.join(timeout=10)
        loop.close()
        self._loop = None
        self._tmp.cleanup()

    def __enter__(self) -> "FixtureInternet":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """The environment that routes a standard HTTP client through this proxy."""
        return {
            "HTTPS_PROXY": self.proxy_url,
            "HTTP_PROXY": self.proxy_url,
            "SSL_CERT_FILE": str(self.ca_file),
            "NO_PROXY": "",
        }

    # -- serving ---------------------------------------------------------------------
    def _context_for(self, host: str, ca: str = "trusted") -> ssl.SSLContext:
        context = self._contexts.get(f"{ca}:{host}")
        if context is None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.set_alpn_protocols(["http/1.1"])
            if ca == "untrusted":
                self._untrusted_ca = self._untrusted_ca or trustme.CA()
                self._untrusted_ca.issue_cert(host).configure_cert(context)
            else:
                self._ca.issue_cert(host).configure_cert(context)
            self._contexts[f"{ca}:{host}"] = context
        return context

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
            if method == "CONNECT":
                host, _, port = target.rpartition(":")
                host = host.strip("[]").lower()
                up = (self.root / host).is_dir()
                self.tunnels.append(LoggedTunnel(host, int(port) if port.isdigit() else 0, 200 if up else 502,
                                                 time.monotonic()))
                if not up:
                    writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                    await writer.drain()
                    return
                config = host_config(self.root, host)
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await writer.drain()
                if config.connect == "hang":
                    await _until_hangup(reader)
                    return
                await writer.start_tls(self._context_for(config.cert_host or host, config.cert_ca))
                await self._serve(reader, writer, host, b"")
            else:
                await self._serve(reader, writer, None, head)
        except asyncio.CancelledError:
            pass  # shutting down; asyncio 3.11 would log a cancelled connection handler
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ssl.SSLError,
                ValueError, h11.ProtocolError):
            pass  # a client that hung up or spoke nonsense ends only its own connection
        finally:
            self._connections.discard(task)
            with suppress(Exception):
                writer.close()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str | None, initial: bytes
    ) -> None:
        connection = h11.Connection(h11.SERVER)
        if initial:  # h11 reads empty data as end of stream
            connection.receive_data(initial)
        request: h11.Request | None = None
        while True:
            event = connection.next_event()
            if event is h11.NEED_DATA:
                connection.receive_data(await reader.read(65536))
                continue
            if isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
                return
            if isinstance(event, h11.Request):
                request = event
                continue
            if not isinstance(event, h11.EndOfMessage) or request is None:
                continue
            started = time.monotonic()
            target = request.target.decode("latin-1")
            request_host = host
            if request_host is None:  # plain-HTTP proxying: absolute-form target
                parts = urlsplit(target)
                request_host = (parts.hostname or "").lower()
                target = parts.path + (f"?{parts.query}" if parts.query else "")
            answer = resolve(self.root, request_host, target)
            if answer is None:
                answer = FixtureResponse(502, (("Content-Type", "text/plain"),), b"proxy: host not found")
            entry = LoggedRequest(request_host, request.method.decode(), target, answer.status, started, started,
                                  completed=False)
            self.log.append(entry)
            try:
                if answer.hang or (host is None and host_config(self.root, request_host).connect == "hang"):
                    await _until_hangup(reader)
                    return
                if answer.delay:
                    await asyncio.sleep(answer.delay)
                await _send(connection, writer, answer, head_only=request.method == b"HEAD")
                entry.completed = True
            finally:
                entry.finished = time.monotonic()
            if connection.our_state is h11.MUST_CLOSE:
                return
            connection.start_next_cycle()
            request = None


async def _send(connection: h11.Connection, writer: asyncio.StreamWriter, answer: FixtureResponse, *,
                head_only: bool) -> None:
    """Write ``answer`` as it asks (trickled, generated, compressed), waiting for the client to keep up."""
    emit = _trickler(writer, answer.trickle) if answer.trickle else _writer(writer)
    headers = [(k, v) for k, v in answer.headers if k.lower() != "content-length"]
    length = answer.content_length()
    if length is not None:
        headers.append(("Content-Length", str(length)))
    await emit(connection.send(h11.Response(status_code=answer.status, headers=headers)) or b"")
    if not head_only:
        for chunk in answer.body_chunks():
            if chunk:
                await emit(connection.send(h11.Data(data=chunk)) or b"")
    await emit(connection.send(h11.EndOfMessage()) or b"")


def _writer(writer: asyncio.StreamWriter) -> Callable[[bytes], Awaitable[None]]:
    async def emit(data: bytes) -> None:
        if writer.is_closing():
            raise ConnectionResetError("the client left")
        writer.write(data)
        await writer.drain()
        await asyncio.sleep(0)  # a generated body must not keep other connections waiting

    return emit


def _trickler(writer: asyncio.StreamWriter, seconds: float) -> Callable[[bytes], Awaitable[None]]:
    async def emit(data: bytes) -> None:
        for index in range(len(data)):
            if writer.is_closing():
                raise ConnectionResetError("the client left")
            writer.write(data[index:index + 1])
            await writer.drain()
            await asyncio.sleep(seconds)

    return emit


async def _until_hangup(reader: asyncio.StreamReader) -> None:
    """Say nothing; return when the client closes the connection."""
    while await reader.read(65536):
        pass


def bundled_root() -> Path:
    """The fixture sites shipped with the package (used by ``auditor demo``)."""
    from importlib.resources import files

    return Path(str(files("auditor.fixtures") / "web"))
