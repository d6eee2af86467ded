"""The fixture internet's behaviour directives (X-Fixture-*) and per-host .fixture.toml, through a real proxy."""

from __future__ import annotations

import gzip
import ssl
import time
import tracemalloc

import httpx
import pytest
from conftest import FIXTURE_WEB

from auditor.fixtures.fixtureweb import (
    CHUNK,
    FixtureInternet,
    FixtureResponse,
    host_config,
    resolve,
)

MB = 1024 * 1024


def raw(status_and_headers: str, body: bytes = b"") -> bytes:
    return status_and_headers.replace("\n", "\r\n").encode() + b"\r\n\r\n" + body


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A small fixture internet of its own, so each directive is tested alone."""
    root = tmp_path_factory.mktemp("web")
    host = root / "b.example"
    host.mkdir()
    (host / "index.html").write_text("<title>home</title>")
    (host / "big.http").write_bytes(raw("HTTP/1.1 200 OK\nContent-Type: text/plain\nX-Fixture-Body-Repeat: 3000000",
                                        b"HEAD\nabcdefg\n"))
    (host / "huge.http").write_bytes(raw("HTTP/1.1 200 OK\nX-Fixture-Body-Repeat: 1000000000\nX-Fixture-Chunked: true",
                                         b"x"))
    (host / "chunked.http").write_bytes(raw("HTTP/1.1 200 OK\nX-Fixture-Body-Repeat: 100000\nX-Fixture-Chunked: true",
                                            b"y"))
    (host / "zipped.http").write_bytes(raw("HTTP/1.1 200 OK\nContent-Type: text/plain\nX-Fixture-Gzip: true",
                                           b"hello, compressed world\n"))
    (host / "bomb.http").write_bytes(raw("HTTP/1.1 200 OK\nX-Fixture-Body-Repeat: 50000000\nX-Fixture-Gzip: true",
                                         b"<rss>\n \n"))
    stored = gzip.compress(b"line one\r\n\r\nline two\r\n" * 50, mtime=0)
    (host / "stored.http").write_bytes(raw("HTTP/1.1 200 OK\nContent-Encoding: gzip", stored))
    (host / "slow.http").write_bytes(raw("HTTP/1.1 200 OK\nX-Fixture-Trickle: 0.004", b"0123456789"))
    (host / "hang.http").write_bytes(raw("HTTP/1.1 200 OK\nX-Fixture-Hang: true", b"never sent"))
    for name, config in (("silent.example", 'connect = "hang"'), ("wrong.example", 'cert_host = "other.example"'),
                         ("untrusted.example", 'cert_ca = "untrusted"')):
        (root / name).mkdir()
        (root / name / ".fixture.toml").write_text(config + "\n")
        (root / name / "index.html").write_text("<title>hi</title>")
    with FixtureInternet(root) as web:
        yield web


def client(web: FixtureInternet, **timeouts: float) -> httpx.Client:
    timeout = httpx.Timeout(timeouts.get("read", 5.0), connect=timeouts.get("connect", 5.0))
    return httpx.Client(proxy=web.proxy_url, verify=ssl.create_default_context(cafile=str(web.ca_file)),
                        trust_env=False, timeout=timeout)


def wait_for_log(web: FixtureInternet, target: str, seconds: float = 5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for entry in web.log:
            if entry.target == target:
                return entry
        time.sleep(0.01)
    raise AssertionError(f"{target} never reached the log")


# -- generated bodies ------------------------------------------------------------------------
def test_a_repeated_body_is_the_prefix_then_the_last_line_over_and_over_cut_to_the_exact_size(site):
    answer = resolve(site.root, "b.example", "/big")
    chunks = list(answer.body_chunks())
    body = b"".join(chunks)
    assert len(body) == 3_000_000 and answer.content_length() == 3_000_000
    assert body.startswith(b"HEAD\nabcdefgabcdefg") and body.count(b"HEAD") == 1
    assert max(len(chunk) for chunk in chunks) <= CHUNK


def test_a_repeated_body_reaches_the_client_whole_with_its_declared_length(site):
    with client(site) as http:
        response = http.get("https://b.example/big")
    assert response.headers["content-length"] == "3000000" and len(response.content) == 3_000_000


def test_chunked_bodies_declare_no_length(site):
    with client(site) as http:
        response = http.get("https://b.example/chunked")
    assert "content-length" not in response.headers and response.headers["transfer-encoding"] == "chunked"
    assert response.content == b"y" * 100_000


def test_a_gigabyte_is_generated_as_it_is_read_and_stops_when_the_client_leaves(site):
    tracemalloc.start()
    try:
        with client(site) as http, http.stream("GET", "https://b.example/huge") as response:
            read = 0
            for chunk in response.iter_raw():
                read += len(chunk)
                if read > 4 * MB:
                    break
        entry = wait_for_log(site, "/huge")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert entry.completed is False  # the proxy gave up with the client, not after a gigabyte
    assert peak < 40 * MB  # proxy and client together, in this process


# -- gzip ------------------------------------------------------------------------------------
def test_gzip_compresses_on_the_way_out(site):
    with client(site) as http:
        response = http.get("https://b.example/zipped")
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == "hello, compressed world\n"


def test_a_gzip_bomb_is_small_on_the_wire_and_inflates_to_the_exact_size(site):
    with client(site) as http, http.stream("GET", "https://b.example/bomb") as response:
        wire = b"".join(response.iter_raw())
    assert len(wire) < 200_000  # 50 MB of spaces
    inflated = gzip.decompress(wire)  # a valid gzip member: CRC and size check out
    assert len(inflated) == 50_000_000 and inflated.startswith(b"<rss>\n    ")


def test_a_stored_binary_body_is_kept_byte_for_byte(site):
    with client(site) as http:
        response = http.get("https://b.example/stored")
    assert response.content == b"line one\r\n\r\nline two\r\n" * 50


# -- timing ----------------------------------------------------------------------------------
def test_trickle_sends_the_whole_response_one_byte_at_a_time(site):
    started = time.monotonic()
    with client(site, read=1.0) as http:
        response = http.get("https://b.example/slow")
    elapsed = time.monotonic() - started
    assert response.text == "0123456789"
    assert elapsed >= 0.004 * 40  # status line, headers and body, byte by byte


def test_hang_reads_the_request_and_never_answers(site):
    with client(site, read=0.3) as http, pytest.raises(httpx.ReadTimeout):
        http.get("https://b.example/hang")
    entry = wait_for_log(site, "/hang")
    assert entry.completed is False


def test_a_host_configured_to_hang_accepts_the_tunnel_and_never_starts_tls(site):
    with client(site, connect=0.3) as http, pytest.raises(httpx.ConnectTimeout):
        http.get("https://silent.example/")
    assert any(t.host == "silent.example" and t.status == 200 for t in site.tunnels)
    assert not any(entry.host == "silent.example" for entry in site.log)


# -- certificates ----------------------------------------------------------------------------
def test_cert_host_presents_a_certificate_for_another_name(site):
    with client(site) as http, pytest.raises(httpx.ConnectError, match="(?i)hostname mismatch|certificate"):
        http.get("https://wrong.example/")


def test_cert_ca_untrusted_presents_a_certificate_nobody_trusts(site):
    with client(site) as http, pytest.raises(httpx.ConnectError, match="(?i)certificate verify failed"):
        http.get("https://untrusted.example/")


def test_a_configured_host_still_serves_when_the_client_does_not_verify(site):
    with httpx.Client(proxy=site.proxy_url, verify=False, trust_env=False) as http:
        assert http.get("https://wrong.example/").text == "<title>hi</title>"


# -- bookkeeping and validation --------------------------------------------------------------
def test_tunnels_to_hosts_that_are_down_are_logged_too(site):
    with client(site) as http, pytest.raises(httpx.ProxyError):
        http.get("https://down.example/")
    assert any(t.host == "down.example" and t.status == 502 for t in site.tunnels)


def test_host_configuration_is_never_served(site):
    assert resolve(site.root, "silent.example", "/.fixture.toml").status == 404
    assert resolve(FIXTURE_WEB, "wronghost.example", "/.fixture.toml").status == 404


def test_unknown_directives_and_configuration_keys_are_mistakes(tmp_path):
    (tmp_path / "x.example").mkdir()
    (tmp_path / "x.example" / "a.http").write_bytes(raw("HTTP/1.1 200 OK\nX-Fixture-Trikle: 1"))
    with pytest.raises(ValueError, match="trikle"):
        resolve(tmp_path, "x.example", "/a")
    (tmp_path / "x.example" / ".fixture.toml").write_text('cert_hots = "y.example"\n')
    with pytest.raises(ValueError, match="cert_hots"):
        host_config(tmp_path, "x.example")


def test_every_shipped_fixture_directive_and_host_configuration_is_valid():
    for config in FIXTURE_WEB.glob("*/.fixture.toml"):
        host_config(FIXTURE_WEB, config.parent.name)
    for path in FIXTURE_WEB.rglob("*.http"):
        host, *parts = path.relative_to(FIXTURE_WEB).with_suffix("").parts
        answer = resolve(FIXTURE_WEB, host, "/" + "/".join(parts))
        assert isinstance(answer, FixtureResponse) and 100 <= answer.status <= 999, path


def test_plain_fixture_files_are_unchanged_by_the_directives(site):
    answer = resolve(site.root, "b.example", "/")
    assert (answer.repeat_to, answer.gzip, answer.trickle, answer.hang) == (None, False, 0.0, False)
    assert b"".join(answer.body_chunks()) == b"<title>home</title>" and answer.content_length() == 19
