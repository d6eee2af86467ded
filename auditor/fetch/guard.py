"""The address guard: a page, redirect or API answer can never steer the auditor into a private network.

Two checks, each a plain function of what it is given:

* :func:`refusal` looks at a URL before it is requested: the scheme, and the host *as httpx
  will send it* (IDNA and UTS-46 mapping done by httpx itself, so ``127。0。0。1`` is checked as
  the ``127.0.0.1`` it becomes), refusing ``localhost`` names and private addresses in every
  literal spelling a resolver accepts (``2130706433``, ``0x7f.1``, ``[::ffff:10.0.0.1]``).
* :class:`GuardedBackend` is an httpcore network backend for direct connections: it resolves
  the host itself, refuses the connection when *any* answer is not a public address, and dials
  the address it checked (TLS still names the original host, so SNI, certificates and the
  ``Host`` header are unchanged). There is no second lookup between check and connect, so DNS
  rebinding cannot slip a private address in; every new connection is checked again.

:func:`address_refusal` says why one address is not public: loopback, private, link-local,
shared (CGNAT), multicast, reserved or unspecified, and IPv6 forms that carry such an IPv4
address (IPv4-mapped ``::ffff:a.b.c.d``, IPv4-compatible ``::a.b.c.d``, NAT64 ``64:ff9b::/96``
and ``64:ff9b:1::/48``, 6to4 ``2002::/16``). A mapped or well-known NAT64 form of a *public*
IPv4 address is public (an IPv6-only network with DNS64 answers so for every IPv4-only site).

Behind a proxy (``HTTPS_PROXY``) the client resolves nothing: the proxy does. Then only the
name is checked (by :func:`refusal`, before it is sent to the proxy); what the name resolves
to is the proxy's to police. :func:`install` puts the backend on a client's direct transports
and leaves its proxy transports alone. ``allow_private`` lifts both checks.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpcore
import httpx

from auditor.fetch.pool import transports_of
from auditor.urls import remembered

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

_NOT_PUBLIC = "a private, loopback or reserved address"
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_SHARED = ipaddress.ip_network("100.64.0.0/10")


class AddressRefused(httpcore.ConnectError):
    """A direct connection the guard would not open; the message says why, for a person."""


def address_refusal(address: Address, spelled: str = "") -> str:
    """Why ``address`` must not be dialled, or "" when it is a public address.

    ``spelled`` is how the URL wrote it, named beside the address when the two differ."""
    who = f"{spelled} ({address})" if spelled and spelled != str(address) else str(address)
    for embedded in _embedded_ipv4(address):
        if address_refusal(embedded):
            return f"{who} carries {embedded}, {_NOT_PUBLIC}"
    if address.version == 6 and (address.ipv4_mapped is not None or address in _NAT64[0]):
        return ""  # a translated public IPv4 address (DNS64 answers so for every IPv4-only site)
    if (not address.is_global or address.is_multicast or address.is_reserved or address.is_unspecified
            or address.is_loopback or address.is_link_local or address in _SHARED):
        return f"{who} is {_NOT_PUBLIC}"
    return ""


def _embedded_ipv4(address: Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (mapped, compatible, NAT64, 6to4)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    found: list[ipaddress.IPv4Address] = []
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address in _IPV4_COMPATIBLE or any(address in net for net in _NAT64):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


# A host made only of name characters, with at least one that no address literal can hold (a letter
# past "f" other than the "x" of "0x", "-", "_"), is a name: neither ipaddress nor inet_aton reads
# it, so the common case costs no raised and caught exceptions. Anything else (digits and hex only,
# a colon, whitespace, which inet_aton reads past) takes the full check.
_PLAIN_NAME = re.compile(r"[0-9a-z._-]*[g-wyz_-][0-9a-z._-]*", re.IGNORECASE)


def literal_address(host: str) -> Address | None:
    """The address a host names literally, in any form a resolver accepts ("127.1", "0x7f000001", "2130706433")."""
    if _PLAIN_NAME.fullmatch(host):
        return None
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    try:  # the legacy inet_aton forms that URL parsers and getaddrinfo turn into IPv4 addresses
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def wire_host(url: str, spelled: str | None = None) -> str:
    """The host httpx will connect to (or ask a proxy for) for ``url``: IDNA-encoded, lower case,
    without a trailing dot. Raises ValueError for a URL httpx would not send.

    ``spelled`` is the host as :func:`urllib.parse.urlsplit` read it, when known: an ASCII
    host is sent as written, so only other hosts need httpx's (slower) parse."""
    if spelled is not None and spelled.isascii() and not spelled.startswith("["):
        return spelled.lower().rstrip(".")
    try:
        host = httpx.URL(url).raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise ValueError(str(exc)) from exc
    return host.lower().rstrip(".")


def refusal(url: str, *, allow_private: bool = False) -> str:
    """Why ``url`` must not be fetched, or "" when it may be (as far as its text shows).

    An audit asks about most URLs more than once (discovery reads a link, the fetcher checks it
    before each hop), so the verdicts on recent URLs are remembered (:func:`auditor.urls.remembered`)."""
    return (_refusal_allowing_private if allow_private else _refusal_guarding_private)(url)


@remembered
def _refusal_guarding_private(url: str) -> str:
    return _refusal(url, allow_private=False)


@remembered
def _refusal_allowing_private(url: str) -> str:
    return _refusal(url, allow_private=True)


def _refusal(url: str, *, allow_private: bool) -> str:
    try:
        parts = urlsplit(url)
        scheme = parts.scheme
        spelled = (parts.hostname or "").rstrip(".")
    except ValueError:
        return f"not a valid URL: {url!r}"
    if scheme not in ("http", "https"):
        return f"only http and https URLs are fetched, not {scheme or 'a relative'} URL {url!r}"
    try:
        host = wire_host(url, spelled)
    except ValueError:  # httpx would not send it; say why in the words that matter most
        address = literal_address(spelled.lower())
        why = address_refusal(address, spelled) if address is not None and not allow_private else ""
        return f"{why}; not fetched unless allowed" if why else f"not a valid URL: {url!r}"
    if not host:
        return f"URL has no host: {url!r}"
    if "%" in host:  # a percent-escaped host is no name a resolver knows; some proxies would decode it
        return f"{spelled or host} is not a valid host name; not fetched"
    if allow_private:
        return ""
    if host == "localhost" or host.endswith(".localhost"):
        return f"{host} is this machine; private addresses are not fetched unless allowed"
    address = literal_address(host)
    why = address_refusal(address, spelled) if address is not None else ""
    return f"{why}; not fetched unless allowed" if why else ""


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system resolver gives for ``host``, in its order, without repeats."""
    answers = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(sockaddr[0]) for *_, sockaddr in answers))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, checks every answer, and dials only an address it checked (see the module docstring)."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None, resolver: Resolver | None = None) -> None:
        self.inner = inner or httpcore.AnyIOBackend()
        self.resolver = resolver or system_resolver

    async def vetted(self, host: str, port: int, timeout: float | None = None) -> list[str]:
        """The addresses to dial for ``host``; raises :class:`AddressRefused` if any is not public."""
        name = host.strip("[]").rstrip(".").lower()
        literal = literal_address(name)
        if literal is not None:
            answers = [str(literal)]
        elif name == "localhost" or name.endswith(".localhost"):
            raise AddressRefused(f"{name} is this machine; private addresses are not fetched unless allowed")
        else:
            try:
                with anyio.fail_after(timeout):
                    answers = await self.resolver(name, port)
            except TimeoutError as exc:
                raise httpcore.ConnectTimeout(f"no DNS answer for {name} within {timeout:g} s") from exc
            except OSError as exc:
                raise httpcore.ConnectError(f"cannot resolve {name}: {exc}") from exc
        if not answers:
            raise httpcore.ConnectError(f"{name} resolves to no address")
        for answer in answers:
            why = address_refusal(ipaddress.ip_address(answer))
            if why:
                said = "" if literal is not None else f"{name} resolves to "
                raise AddressRefused(f"{said}{why}; not fetched unless allowed")
        return answers

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None, socket_options: Any = None) -> httpcore.AsyncNetworkStream:
        failure: Exception | None = None
        for address in await self.vetted(host, port, timeout):
            try:
                return await self.inner.connect_tcp(address, port, timeout=timeout, local_address=local_address,
                                                    socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # the next answer may be reachable (an IPv6 address without a route, say)
        assert failure is not None
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Any = None) -> httpcore.AsyncNetworkStream:
        raise AddressRefused(f"Unix socket {path} is this machine; not fetched")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def install(client: httpx.AsyncClient, *, allow_private: bool = False, resolver: Resolver | None = None,
            inner: httpcore.AsyncNetworkBackend | None = None) -> int:
    """Put a :class:`GuardedBackend` on every direct (not proxied) transport of ``client``.

    Returns how many transports it guarded (0 for a client with only mock or proxy transports,
    or when ``allow_private``). Installing again replaces the guard (with a new resolver, say).
    """
    if allow_private:
        return 0
    guarded = 0
    for transport in transports_of(client):
        pool = getattr(transport, "_pool", None)
        if not isinstance(transport, httpx.AsyncHTTPTransport) or not isinstance(pool, httpcore.AsyncConnectionPool) \
                or not _direct(pool):
            continue  # a mock, or a proxy's pool: the proxy resolves, the name was checked by refusal()
        current = pool._network_backend
        below = current.inner if isinstance(current, GuardedBackend) else current
        pool._network_backend = GuardedBackend(inner or below, resolver)
        guarded += 1
    return guarded


def _direct(pool: object) -> bool:
    """A pool that dials hosts itself (the connection-keeping pass may have subclassed it), not a proxy's."""
    return isinstance(pool, httpcore.AsyncConnectionPool) and not isinstance(
        pool, (httpcore.AsyncHTTPProxy, httpcore.AsyncSOCKSProxy))


def guarded(client: httpx.AsyncClient, *, allow_private: bool = False) -> httpx.AsyncClient:
    """``client`` with the guard installed on its direct transports (see :func:`install`)."""
    install(client, allow_private=allow_private)
    return client
