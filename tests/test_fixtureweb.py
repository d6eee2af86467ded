"""The fixture internet's naming rule, and that it really is a proxy with TLS."""

from __future__ import annotations

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
