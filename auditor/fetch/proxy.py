"""Is the proxy up? Checked once before an audit, so a dead ``HTTPS_PROXY`` is one clear error, not
every site reported as unreachable.

Takes the URLs about to be fetched and the environment (``HTTPS_PROXY``, ``HTTP_PROXY``,
``ALL_PROXY``, ``NO_PROXY``, upper or lower case, as httpx reads them); gives nothing when no
proxy applies or it accepts a TCP connection, else raises :class:`ProxyDown` naming the proxy
and the variable it came from. Only a connection is opened: no request is sent through it.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.request import proxy_bypass_environment  # type: ignore[attr-defined]  # real, but not in typeshed


class ProxyDown(RuntimeError):
    """The proxy the environment names cannot be reached; the message is the one line to show."""


@dataclass(frozen=True)
class Proxy:
    url: str
    variable: str  # the environment variable that named it
    host: str
    port: int


def proxy_for(url: str, environ: Mapping[str, str]) -> Proxy | None:
    """The proxy httpx would use for ``url`` under ``environ``, or None."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    lowered = {key.lower(): (key, value) for key, value in environ.items() if value}
    no_proxy = lowered.get("no_proxy", ("", ""))[1]
    if parts.hostname and no_proxy and proxy_bypass_environment(parts.hostname, {"no": no_proxy}):
        return None
    for name in (f"{scheme}_proxy", "all_proxy"):
        if name in lowered:
            variable, value = lowered[name]
            target = urlsplit(value if "://" in value else f"http://{value}")
            if not target.hostname:
                raise ProxyDown(f"the proxy {value!r} ({variable}) is not a URL like http://proxy.corp:3128")
            default = 443 if target.scheme == "https" else 1080 if target.scheme.startswith("socks") else 80
            try:
                port = target.port or default
            except ValueError:
                raise ProxyDown(f"the proxy {value!r} ({variable}) has a bad port") from None
            return Proxy(value, variable, target.hostname, port)
    return None


def check_proxies(urls: Iterable[str], environ: Mapping[str, str], *, timeout: float = 5.0) -> None:
    """Connect once to each distinct proxy the ``urls`` would go through; ProxyDown for the first dead one."""
    seen: set[tuple[str, int]] = set()
    for url in urls:
        proxy = proxy_for(url, environ)
        if proxy is None or (proxy.host, proxy.port) in seen:
            continue
        seen.add((proxy.host, proxy.port))
        try:
            with socket.create_connection((proxy.host, proxy.port), timeout=timeout):
                pass
        except OSError as exc:
            reason = exc.strerror or str(exc) or type(exc).__name__
            if isinstance(exc, TimeoutError) or isinstance(exc, socket.timeout):
                reason = f"no answer within {timeout:g} s"
            raise ProxyDown(f"the proxy {proxy.url} ({proxy.variable}) is not reachable: {reason}; "
                            "no site was audited") from None
