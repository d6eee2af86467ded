"""The address guard: no private address is ever dialled, under any spelling, DNS answer, redirect or discovery path.

The end-to-end tests run a real loopback HTTP server standing in for the whole internet, a stub
resolver that points names wherever a test says, and a "network" under the guard that dials the
loopback server for whatever address the guard let through, recording that address. So the
record of dials is every connection the auditor tried, and the server's own count shows each
of them arrived.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpcore
import httpx
import pytest
from conftest import AS_OF

from auditor import AuditOptions, Status, audit_async
from auditor.fetch import guard
from auditor.fetch.client import Fetcher, FetchSettings, make_client
from auditor.fetch.guard import AddressRefused, GuardedBackend, address_refusal, refusal

PUBLIC = "93.184.216.34"
SETTINGS = FetchSettings(retries=1, backoff=0.01, backoff_max=0.02, min_gap=0.0, total_timeout=5.0)


# -- addresses -------------------------------------------------------------------------------------
@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "224.0.0.251", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "ff02::1",
    "::ffff:127.0.0.1", "::127.0.0.1", "::a9fe:a9fe",  # IPv4-mapped and IPv4-compatible
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::808:808",  # NAT64, well-known and local-use
    "2002:7f00:1::", "2002:a9fe:a9fe::1", "2002:0a00:0001::1",  # 6to4 around private IPv4
    "2001:db8::1",
])
def test_private_loopback_link_local_and_embedding_addresses_are_refused(address):
    assert address_refusal(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8",
                                     "64:ff9b::808:808", "2002:0808:0808::1"])
def test_public_addresses_and_translations_of_public_ipv4_are_allowed(address):
    assert address_refusal(ipaddress.ip_address(address)) == ""


@pytest.mark.parametrize("url", [
    "http://127\u30020\u30020\u30021/", "http://169\uff0e254\uff0e169\uff0e254/latest/meta-data/",  # ideographic, full-width
    "http://169\uff61254\uff61169\uff61254/", "http://[::127.0.0.1]/", "http://[64:ff9b::a9fe:a9fe]/",
    "http://[2002:a9fe:a9fe::]/", "http://0x7f.1/", "http://127.0.0.1./", "https://a.localhost/",
])
def test_urls_are_judged_by_the_host_httpx_would_send(url):
    assert "private" in refusal(url) or "this machine" in refusal(url)
    assert refusal(url, allow_private=True) == ""


def test_a_percent_escaped_or_unparseable_host_is_refused_with_a_reason():
    assert refusal("http://127%2e0%2e0%2e1/") == "127%2e0%2e0%2e1 is not a valid host name; not fetched"
    assert refusal("http://[::1") == "not a valid URL: 'http://[::1'"


def test_the_guard_is_installed_on_direct_transports_only():
    direct = make_client(SETTINGS, trust_env=False)
    assert isinstance(direct._transport._pool._network_backend, GuardedBackend)
    proxied = make_client(SETTINGS, trust_env=False, proxy="http://127.0.0.1:9")
    assert isinstance(proxied._transport._pool._network_backend, GuardedBackend)  # NO_PROXY hosts go direct
    (proxy_transport,) = proxied._mounts.values()
    assert not isinstance(proxy_transport._pool._network_backend, GuardedBackend)  # the proxy resolves
    assert guard.install(make_client(SETTINGS, trust_env=False), allow_private=True) == 0
    unguarded = make_client(FetchSettings(allow_private=True), trust_env=False)
    assert not isinstance(unguarded._transport._pool._network_backend, GuardedBackend)


# -- the harness -------------------------------------------------------------------------------------
@dataclass
class Internet:
    """A loopback server answering for every host, a stub DNS, and a network recording each dial."""

    routes: dict[tuple[str, str], Callable[["Internet"], tuple[int, dict[str, str], bytes]]]
    dns: dict[str, list[str]]
    port: int = 0
    dialled: list[str] = field(default_factory=list)  # addresses the auditor connected to
    served: list[tuple[str, str]] = field(default_factory=list)  # (Host, path) of each request
    connections: int = 0  # connections the server accepted
    lookups: list[str] = field(default_factory=list)
    rebinding: dict[str, list[list[str]]] = field(default_factory=dict)  # answers given in turn

    async def resolve(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        if self.rebinding.get(host):
            return self.rebinding[host].pop(0)
        if host not in self.dns:
            raise OSError(f"no such host {host}")
        return self.dns[host]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line, *fields = head.decode("latin-1").split("\r\n")
                path = line.split(" ")[1]
                headers = dict(f.split(": ", 1) for f in fields if ": " in f)
                host = headers.get("Host", headers.get("host", "")).rsplit(":", 1)[0]
                self.served.append((host, path))
                route = self.routes.get((host, path))
                status, extra, body = route(self) if route else (404, {}, b"not here")
                extra = {"Content-Length": str(len(body)), **extra}
                writer.write(f"HTTP/1.1 {status} X\r\n".encode() + "".join(
                    f"{k}: {v}\r\n" for k, v in extra.items()).encode() + b"\r\n" + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def network(self) -> httpcore.AsyncNetworkBackend:
        """What lies under the guard: dials the loopback server for any address, recording it."""
        internet, real = self, httpcore.AnyIOBackend()

        class Network(httpcore.AsyncNetworkBackend):
            async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
                internet.dialled.append(host)
                return await real.connect_tcp("127.0.0.1", internet.port, timeout=timeout)

            async def sleep(self, seconds):
                await real.sleep(seconds)

        return Network()

    def private_dials(self) -> list[str]:
        return [a for a in self.dialled if address_refusal(ipaddress.ip_address(a))]


async def with_internet(internet: Internet, body: Callable[[httpx.AsyncClient], Awaitable[object]],
                        settings: FetchSettings = SETTINGS) -> object:
    server = await asyncio.start_server(internet.handle, "127.0.0.1", 0)
    internet.port = server.sockets[0].getsockname()[1]
    try:
        async with make_client(settings, trust_env=False) as client:  # direct: no fixture proxy
            if settings.allow_private:  # no guard: names go straight to the stub DNS
                client._transport._pool._network_backend = ResolvingNetwork(internet)
            else:
                assert guard.install(client, resolver=internet.resolve, inner=internet.network()) == 1
            return await body(client)
    finally:
        server.close()
        await server.wait_closed()


class ResolvingNetwork(httpcore.AsyncNetworkBackend):
    """The network without the guard: resolves with the stub DNS and dials whatever it says."""

    def __init__(self, internet: Internet) -> None:
        self.internet, self.inner = internet, internet.network()

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        address = host if guard.literal_address(host) else (await self.internet.resolve(host, port))[0]
        return await self.inner.connect_tcp(address, port, timeout=timeout)

    async def sleep(self, seconds):
        await self.inner.sleep(seconds)


def page(html: str):
    return lambda net: (200, {"Content-Type": "text/html; charset=utf-8"}, html.format(port=net.port).encode())


def redirect(location: str):
    return lambda net: (302, {"Location": location.format(port=net.port)}, b"")


def text(body: str, content_type: str = "text/plain"):
    return lambda net: (200, {"Content-Type": content_type}, body.format(port=net.port).encode())


SECRET = text("the metadata service's credentials")


def hostile_internet() -> Internet:
    return Internet(
        routes={
            ("public.example", "/"): page("<title>Public</title>"),
            ("public.example", "/robots.txt"): text("User-agent: *\nAllow: /\n"
                                                    "Sitemap: http://metadata.example:{port}/sitemap.xml\n"),
            ("public.example", "/to-name"): redirect("http://metadata.example:{port}/latest/"),
            ("public.example", "/to-fullwidth"): redirect("http://169\uff0e254\uff0e169\uff0e254:{port}/latest/"),
            ("public.example", "/to-nat64"): redirect("http://[64:ff9b::a9fe:a9fe]:{port}/latest/"),
            ("public.example", "/.well-known/webfinger"): text(
                '{{"links": [{{"rel": "self", "href": "http://metadata.example:{port}/users/brand"}}]}}',
                "application/jrd+json"),
            ("metadata.example", "/latest/"): SECRET,
            ("metadata.example", "/sitemap.xml"): SECRET,
            ("metadata.example", "/users/brand"): SECRET,
            ("metadata.example", "/robots.txt"): text(""),
        },
        dns={"public.example": [PUBLIC], "metadata.example": ["169.254.169.254"],
             "mixed.example": [PUBLIC, "10.0.0.7"], "v6.example": ["::ffff:127.0.0.1"]},
    )


def run(internet: Internet, body, settings: FetchSettings = SETTINGS):
    return asyncio.run(with_internet(internet, body, settings))


# -- end to end ---------------------------------------------------------------------------------------
def test_the_harness_sees_every_connection_when_private_addresses_are_allowed():
    internet = hostile_internet()

    async def body(client):
        fetcher = Fetcher(client, FetchSettings(allow_private=True, min_gap=0.0, retries=0))
        return await fetcher.get(f"http://public.example:{internet.port}/to-name")

    fetched = run(internet, body, FetchSettings(allow_private=True))
    assert fetched.ok and fetched.body == b"the metadata service's credentials"  # the attack works unguarded
    assert "169.254.169.254" in internet.dialled and internet.connections == len(internet.dialled)


@pytest.mark.parametrize("name, answer", [("metadata.example", "169.254.169.254"), ("mixed.example", "10.0.0.7"),
                                          ("v6.example", "127.0.0.1")])
def test_a_name_whose_dns_answers_include_a_private_address_is_never_dialled(name, answer):
    internet = hostile_internet()

    async def body(client):
        return await Fetcher(client, SETTINGS).get(f"http://{name}:{internet.port}/latest/")

    fetched = run(internet, body)
    assert fetched.error_kind == "refused" and fetched.status is None
    assert fetched.error.startswith(f"{name} resolves to ") and answer in fetched.error
    assert internet.dialled == [] and internet.connections == 0
    assert internet.lookups.count(name) == 2  # robots.txt and the page: each refused, neither retried


@pytest.mark.parametrize("path", ["/to-name", "/to-fullwidth", "/to-nat64"])
def test_redirects_to_private_names_and_spellings_are_refused(path):
    internet = hostile_internet()

    async def body(client):
        return await Fetcher(client, SETTINGS).get(f"http://public.example:{internet.port}{path}")

    fetched = run(internet, body)
    assert fetched.error_kind == "refused" and "169.254.169.254" in fetched.error
    assert internet.private_dials() == [] and set(internet.dialled) == {PUBLIC}
    assert {host for host, _ in internet.served} == {"public.example"}
    assert internet.connections == len(internet.dialled)


def test_robots_sitemap_lines_and_webfinger_answers_naming_private_hosts_are_refused():
    internet = hostile_internet()

    async def body(client):
        fetcher = Fetcher(client, SETTINGS)
        sitemaps = await fetcher.robots_sitemaps(f"http://public.example:{internet.port}/")
        finger = await fetcher.get(f"http://public.example:{internet.port}/.well-known/webfinger")
        server = json.loads(finger.body)["links"][0]["href"]
        return [await fetcher.get(url) for url in (*sitemaps, server)]

    answers = run(internet, body)
    assert [a.error_kind for a in answers] == ["refused", "refused"]
    assert internet.private_dials() == [] and {host for host, _ in internet.served} == {"public.example"}


def test_dns_rebinding_cannot_change_the_address_between_check_and_connect():
    """The name answers a public address first, then loopback: the guard dials what it checked,
    resolving once per connection, and refuses the next connection once the answer is private."""
    internet = hostile_internet()
    internet.rebinding["rebind.example"] = [[PUBLIC], ["127.0.0.1"]]
    internet.routes[("rebind.example", "/")] = page("<title>Public for now</title>")

    async def body(client):
        backend = client._transport._pool._network_backend
        first = await backend.connect_tcp("rebind.example", internet.port)
        await first.aclose()
        with pytest.raises(AddressRefused, match="rebind.example resolves to 127.0.0.1"):
            await backend.connect_tcp("rebind.example", internet.port)

    run(internet, body)
    assert internet.dialled == [PUBLIC] and internet.lookups == ["rebind.example", "rebind.example"]


def test_an_audit_never_connects_to_private_hosts_its_pages_declare():
    internet = hostile_internet()
    internet.routes[("public.example", "/")] = page(
        '<title>Brand</title>'
        '<link rel="alternate" type="application/rss+xml" href="http://metadata.example:{port}/feed.xml">'
        '<link rel="alternate" type="application/rss+xml" href="http://127\u30020\u30020\u30021:{port}/feed.xml">'
        '<link rel="alternate" type="application/rss+xml" href="http://v6.example:{port}/feed.xml">'
        '<a href="http://metadata.example:{port}/blog/">Blog</a>')

    async def body(client):
        return await audit_async(f"http://public.example:{internet.port}/", AuditOptions(as_of=AS_OF, fetch=SETTINGS),
                                 client=client)

    result = run(internet, body)
    statuses = {a.channel_url: (a.status, a.reason) for a in result.activities}
    metadata_feed = statuses[f"http://metadata.example:{internet.port}/feed.xml"]
    assert metadata_feed[0] is Status.BLOCKED and "resolves to 169.254.169.254" in metadata_feed[1]
    assert statuses[f"http://v6.example:{internet.port}/feed.xml"][0] is Status.BLOCKED
    assert not any("127\u3002" in url or "127.0.0.1" in url for url in statuses)  # never even a channel
    assert internet.private_dials() == [] and {host for host, _ in internet.served} == {"public.example"}
    assert internet.connections == len(internet.dialled) > 0
