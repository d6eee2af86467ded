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
  (status line, headers, blank line, body) for redirects, errors and special headers;
  the header ``X-Fixture-Delay: SECONDS`` in it delays the answer and is not sent;
* anything else is a 404.
"""

from __future__ import annotations

import asyncio
import glob
import mimetypes
import ssl
import tempfile
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import h11
import trustme

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


@dataclass(frozen=True, slots=True)
class FixtureResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    delay: float = 0.0


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    host: str
    method: str
    target: str
    status: int
    started: float
    finished: float


def resolve(root: Path, host: str, target: str) -> FixtureResponse | None:
    """The response the fixture internet gives for ``target`` on ``host``; None if the host is down."""
    host_dir = root / host.lower()
    if not host_dir.is_dir():
        return None
    path, _, query = target.partition("?")
    relative = unquote(path).lstrip("/")
    if relative == "" or relative.endswith("/"):
        relative += "index"
    if ".." in Path(relative).parts:
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
    head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    status_line, *header_lines = head.decode("utf-8").split("\n")
    status = int(status_line.split()[1])
    headers: list[tuple[str, str]] = []
    delay = 0.0
    for line in header_lines:
        name, _, value = line.partition(":")
        if name.strip().lower() == "x-fixture-delay":
            delay = float(value)
        else:
            headers.append((name.strip(), value.strip()))
    return FixtureResponse(status, tuple(headers), body, delay)


class FixtureInternet:
    """Start with ``with FixtureInternet(root) as web:`` and point a client at ``web.env()``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.log: list[LoggedRequest] = []
        self._ca = trustme.CA()
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
    def _context_for(self, host: str) -> ssl.SSLContext:
        context = self._contexts.get(host)
        if context is None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.set_alpn_protocols(["http/1.1"])
            self._ca.issue_cert(host).configure_cert(context)
            self._contexts[host] = context
        return context

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
            if method == "CONNECT":
                host = target.rsplit(":", 1)[0].lower()
                if not (self.root / host).is_dir():
                    writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                    await writer.drain()
                    return
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await writer.drain()
                await writer.start_tls(self._context_for(host))
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
            if answer.delay:
                await asyncio.sleep(answer.delay)
            headers = [(k, v) for k, v in answer.headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(answer.body))))
            writer.write(connection.send(h11.Response(status_code=answer.status, headers=headers)))
            if request.method != b"HEAD":
                writer.write(connection.send(h11.Data(data=answer.body)))
            writer.write(connection.send(h11.EndOfMessage()))
            await writer.drain()
            self.log.append(
                LoggedRequest(request_host, request.method.decode(), target, answer.status, started, time.monotonic())
            )
            if connection.our_state is h11.MUST_CLOSE:
                return
            connection.start_next_cycle()
            request = None


def bundled_root() -> Path:
    """The fixture sites shipped with the package (used by ``auditor demo``)."""
    from importlib.resources import files

    return Path(str(files("auditor.fixtures") / "web"))
