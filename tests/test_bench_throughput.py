"""benchmarks/throughput.py: the dead-host figure counts what the fetcher sent, not what it remembered."""

from __future__ import annotations

import sys
from pathlib import Path

from auditor.models import RequestRecord

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from throughput import unreachable  # noqa: E402


def test_unreachable_hosts_count_the_attempts_sent_to_them_and_the_requests_failed_from_memory():
    said = "cannot reach blog.b1.example (the proxy said: 502 Bad Gateway)"
    records = [
        RequestRecord("https://blog.b1.example/robots.txt", None, 0, 0.01, 1, said),
        RequestRecord("https://blog.b1.example/", None, 0, 0.0, 0, said),  # known dead: nothing sent
        RequestRecord("https://blog.b1.example/feed/", None, 0, 0.0, 0, said),
        RequestRecord("https://b2.example/", None, 0, 0.02, 1, "cannot connect to b2.example: refused"),
        RequestRecord("https://b2.example/feed", 404, 0, 0.01, 1, ""),
        RequestRecord("https://b3.example/", None, 0, 5.0, 3, "no answer from https://b3.example/ within 10 s"),
    ]
    assert unreachable(records) == (2, 2, 2)  # b3 timed out: slow is not unreachable
