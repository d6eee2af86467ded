"""A headless Chromium driven over the DevTools protocol on a pipe (no extra packages): open a page
at a given viewport width, record every request it makes, and evaluate an expression in it.

``Chromium.find()`` gives None when no browser is installed, so tests can skip.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--mute-audio", "--remote-debugging-pipe"]


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@dataclass(frozen=True)
class Visit:
    value: Any  # what the expression evaluated to
    requests: tuple[str, ...]  # every URL the page asked for, itself included
    errors: tuple[str, ...]  # uncaught exceptions and console errors


class Chromium:
    def __init__(self, binary: str, profile: Path, timeout: float = 60.0) -> None:
        self.timeout = timeout
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire() -> None:  # the protocol's pipe: the browser reads fd 3 and writes fd 4
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.process = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, pass_fds=(3, 4), preexec_fn=wire)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next = 0
        self._events: list[dict[str, Any]] = []

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (OSError, TimeoutError, RuntimeError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_browser], [], [], self.timeout)
            if not ready:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the protocol pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._events.append(reply)

    def _wait_for(self, method: str, session: str) -> None:
        while True:
            for index, event in enumerate(self._events):
                if event.get("method") == method and event.get("sessionId") == session:
                    del self._events[index]
                    return
            self._events.append(self._read())

    def visit(self, url: str, expression: str, *, width: int, height: int = 800, shot: Path | None = None) -> Visit:
        """Open ``url`` in a fresh tab whose viewport is ``width`` CSS pixels wide (a phone's below 800),
        wait for its load event, and evaluate ``expression`` there; ``shot``: save the whole page as PNG."""
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        try:
            for domain in ("Network.enable", "Page.enable", "Runtime.enable"):
                self.send(domain, session)
            self.send("Emulation.setDeviceMetricsOverride", session, width=width, height=height,
                      deviceScaleFactor=1, mobile=width < 800)
            self._events.clear()
            self.send("Page.navigate", session, url=url)
            self._wait_for("Page.loadEventFired", session)
            value = self.send("Runtime.evaluate", session, expression=expression, returnByValue=True)
            if "exceptionDetails" in value:
                raise RuntimeError(f"the expression failed: {value['exceptionDetails']}")
            if shot is not None:
                image = self.send("Page.captureScreenshot", session, format="png", captureBeyondViewport=True)
                shot.write_bytes(base64.b64decode(image["data"]))
            mine = [e for e in self._events if e.get("sessionId") == session]
            requests = tuple(e["params"]["request"]["url"] for e in mine if e.get("method") == "Network.requestWillBeSent")
            errors = tuple(json.dumps(e["params"])[:300] for e in mine
                           if e.get("method") == "Runtime.exceptionThrown"
                           or (e.get("method") == "Runtime.consoleAPICalled" and e["params"].get("type") == "error"))
            return Visit(value["result"].get("value"), requests, errors)
        finally:
            self.send("Target.closeTarget", targetId=target)
            self._events.clear()
