"""benchmarks/audit_cpu.py: the in-memory internet answers as the fixture proxy would."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from audit_cpu import memory_transport  # noqa: E402


def test_a_page_of_the_tree_is_served_and_a_host_without_a_folder_does_not_resolve(tmp_path):
    (tmp_path / "brand.example").mkdir()
    (tmp_path / "brand.example" / "index.html").write_text("<title>Brand</title>")
    with httpx.Client(transport=memory_transport(tmp_path)) as client:
        page = client.get("https://brand.example/")
        missing = client.get("https://brand.example/nothing-here")
        with pytest.raises(httpx.ConnectError):
            client.get("https://gone.example/")
    assert page.status_code == 200 and "<title>Brand</title>" in page.text
    assert missing.status_code == 404


def test_a_gzipped_answer_arrives_labelled_and_inflates(tmp_path):
    (tmp_path / "zip.example").mkdir()
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Fixture-Gzip: true\r\n\r\nsqueezed"
    (tmp_path / "zip.example" / "index.http").write_bytes(raw)
    with httpx.Client(transport=memory_transport(tmp_path)) as client:
        answer = client.get("https://zip.example/")
    assert answer.headers.get_list("content-encoding") == ["gzip"] and answer.text == "squeezed"
