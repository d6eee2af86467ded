"""The fixture internet's naming rule, and that it really is a proxy with TLS."""

from __future__ import annotations

import ssl

import httpx
from conftest import FIXTURE_WEB

from auditor.fixtures.fixtureweb import resolve


def test_paths_map_to_files_with_or_without_extension():
    assert resolve(FIXTURE_WEB, "acme.example", "/").status == 200  # index.html
    feed = resolve(FIXTURE_WEB, "acme.example", "/feed/")
    assert feed.status == 200 and b"<rss" in feed.body
    assert resolve(FIXTURE_WEB, "acme.example", "/feed").body == feed.body  # a folder reads as its index
    assert dict(resolve(FIXTURE_WEB, "atomonly.example", "/atom.xml").headers)["Content-Type"] == "application/xml"


def test_raw_http_files_give_status_and_headers():
    answer = resolve(FIXTURE_WEB, "hostile.example", "/loop/feed")
    assert answer.status == 302 and ("Location", "/loop/again") in answer.headers


def test_unknown_paths_are_404_and_unknown_hosts_are_down():
    assert resolve(FIXTURE_WEB, "acme.example", "/nope").status == 404
    assert resolve(FIXTURE_WEB, "acme.example", "/../hostile.example/index.html").status == 404
    assert resolve(FIXTURE_WEB, "down.example", "/") is None


def test_query_strings_are_part_of_the_file_name(tmp_path):
    (tmp_path / "q.example").mkdir()
    (tmp_path / "q.example" / "posts?page=2.json").write_text("[2]")
    assert resolve(tmp_path, "q.example", "/posts?page=2").body == b"[2]"
    assert resolve(tmp_path, "q.example", "/posts?page=3").status == 404


def test_clients_reach_it_only_through_the_standard_proxy_variables(fixture_internet):
    with httpx.Client() as client:  # trust_env: HTTPS_PROXY and SSL_CERT_FILE from the environment
        response = client.get("https://acme.example/robots.txt")
    assert response.status_code == 200 and "Sitemap:" in response.text
    assert fixture_internet.log[-1].host == "acme.example"


def _web_with(tmp_path, files: dict[str, str]):
    from auditor.fixtures.fixtureweb import FixtureInternet

    for name, text in files.items():
        path = tmp_path / "h2.example" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return FixtureInternet(tmp_path, http2=True)


def _get_all(web, paths: list[str], host: str = "h2.example") -> list[httpx.Response]:
    """GET ``paths`` one after another with a client that speaks HTTP/2 and HTTP/1.1."""
    trusted = ssl.create_default_context(cafile=web.ca_file)
    with httpx.Client(http2=True, proxy=web.proxy_url, verify=trusted) as client:
        return [client.get(f"https://{host}{path}") for path in paths]


def test_with_http2_offered_a_client_that_speaks_it_sends_its_requests_as_streams_of_one_connection(tmp_path):
    with _web_with(tmp_path, {"index.html": "<p>home</p>", "feed.xml": "<rss/>"}) as web:
        answers = _get_all(web, ["/", "/feed.xml", "/missing"])
        assert [(a.http_version, a.status_code) for a in answers] == [("HTTP/2", 200), ("HTTP/2", 200), ("HTTP/2", 404)]
        assert answers[0].text == "<p>home</p>" and answers[1].headers["content-type"] == "application/xml"
        assert [(e.target, e.completed) for e in web.log] == [("/", True), ("/feed.xml", True), ("/missing", True)]
        assert len(web.tunnels) == 1


def test_http2_bodies_wider_than_the_flow_control_window_arrive_whole_and_compressed_ones_inflate(tmp_path):
    repeated = "HTTP/1.1 200 OK\nContent-Type: text/plain\nX-Fixture-Body-Repeat: 1000000\n\nhead\nabc\n"
    zipped = "HTTP/1.1 200 OK\nContent-Type: text/plain\nX-Fixture-Gzip: true\nX-Fixture-Body-Repeat: 200000\n\nz\n"
    with _web_with(tmp_path, {"big.http": repeated, "zipped.http": zipped}) as web:
        big, small = _get_all(web, ["/big", "/zipped"])
    assert big.http_version == "HTTP/2" and len(big.content) == 1_000_000 and big.content.startswith(b"head\nabcabc")
    assert "transfer-encoding" not in big.headers  # HTTP/2 has no hop-by-hop headers
    assert small.headers["content-encoding"] == "gzip" and small.content == b"z" * 200_000


def test_without_http2_offered_the_tunnel_speaks_http1_even_to_a_client_that_could_do_both(tmp_path):
    (tmp_path / "h1.example").mkdir()
    (tmp_path / "h1.example" / "index.html").write_text("<p>one</p>")
    from auditor.fixtures.fixtureweb import FixtureInternet

    with FixtureInternet(tmp_path) as web:
        [answer] = _get_all(web, ["/"], host="h1.example")
    assert (answer.http_version, answer.text) == ("HTTP/1.1", "<p>one</p>")
