"""Shared by the batch benchmarks: the proxy process, its request log, and small figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class LogEntry:
    host: str
    method: str
    target: str
    status: int
    started: float
    finished: float
    completed: bool


class ProxyProcess:
    """``benchmarks/_proxy.py`` as a child process (offering HTTP/2 with ``http2``); ``env`` routes httpx through it."""

    def __init__(self, root: Path, log_path: Path, *, http2: bool = False) -> None:
        self.log_path = log_path
        self.process = subprocess.Popen([sys.executable, str(HERE / "_proxy.py"), str(root), str(log_path),
                                         *(["--http2"] if http2 else [])],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        info = json.loads(self.process.stdout.readline())
        self.proxy_url: str = info["proxy"]
        self.ca_file: str = info["ca_file"]
        self.pid: int = info["pid"]

    @property
    def env(self) -> dict[str, str]:
        return {"HTTPS_PROXY": self.proxy_url, "HTTP_PROXY": self.proxy_url, "SSL_CERT_FILE": self.ca_file,
                "NO_PROXY": ""}

    def dump(self, path: Path) -> list[LogEntry]:
        """The proxy's log so far."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"dump {path}\n")
        self.process.stdin.flush()
        self.process.stdout.readline()
        return read_log(path)

    def stop(self) -> list[LogEntry]:
        """Stop the proxy; its whole log."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)
        return read_log(self.log_path)

    def __enter__(self) -> "ProxyProcess":
        os.environ.update(self.env)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.stop()


def read_log(path: Path) -> list[LogEntry]:
    with path.open(encoding="utf-8") as lines:
        return [LogEntry(**json.loads(line)) for line in lines]


def peak_in_flight(entries: list[LogEntry]) -> int:
    """The most requests the proxy was answering at once (arrival to last byte)."""
    events = sorted([(e.started, 1) for e in entries] + [(e.finished, -1) for e in entries])
    peak = current = 0
    for _, step in events:  # at equal times an end (-1) sorts before a start (+1)
        current += step
        peak = max(peak, current)
    return peak
