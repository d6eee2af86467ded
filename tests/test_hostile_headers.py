"""Headers a hostile server may send: stacked Content-Encoding never lifts the body cap, and no
Retry-After or rate-limit value raises, whatever its spelling."""

from __future__ import annotations

import asyncio
import gzip
import os
import tracemalloc
import zlib
from datetime import datetime, timezone

import httpx
from hypothesis import example, given, settings, strategies as st

from auditor.fetch.client import Fetcher, FetchSettings, parse_retry_after, rate_limit_delay

MB = 1024 * 1024
FAST = FetchSettings(min_gap=0.0, retries=0, backoff=0.01, respect_robots=False)


def gzip_stream(size: int) -> bytes:
    """``size`` zero bytes gzip-compressed, without ever holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(MB)
    parts = [packer.compress(block) for _ in range(size // MB)]
    return b"".join(parts) + packer.flush()


class Streamed(httpx.AsyncByteStream):
    """A body sent in 4 KiB pieces with no length, as a server streams it (httpx would read and
    decode a body given whole before the fetcher sees it)."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    async def __aiter__(self):
        for start in range(0, len(self.body), 4096):
            yield self.body[start:start + 4096]


def fetch(body: bytes, encoding: str, settings: FetchSettings = FAST, *, measure: bool = False):
    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": encoding, "Content-Type": "text/plain"},
                              stream=Streamed(body))

    async def main():
        async with httpx.AsyncClient(transport=httpx.MockTransport(serve)) as client:
            return await Fetcher(client, settings).get("https://bomb.example/")

    if measure:
        tracemalloc.start()
    try:
        result = asyncio.run(main())
        peak = tracemalloc.get_traced_memory()[1] if measure else 0
    finally:
        if measure:
            tracemalloc.stop()
    return result, peak


def test_two_gzip_layers_of_a_bomb_stop_at_the_cap_in_bounded_memory():
    bomb = gzip.compress(gzip_stream(256 * MB))  # 256 MB of zeros in two layers: a few kilobytes
    assert len(bomb) < 16_000
    result, peak = fetch(bomb, "gzip, gzip", measure=True)
    assert result.error_kind == "too_large" and "5,242,880" in result.error
    assert peak < 24 * MB  # the cap and a layer's room, not the 256 MB the layers hold


def test_an_inner_layer_past_the_cap_is_refused_too():
    noise = os.urandom(20_000)  # incompressible: the inner layer is as large as the body
    result, _ = fetch(gzip.compress(gzip.compress(noise)), "gzip, gzip", FetchSettings(
        min_gap=0.0, retries=0, respect_robots=False, max_bytes=10_000))
    assert result.error_kind == "too_large" and "layer 1 of its 2" in result.error


def test_a_body_in_two_honest_layers_reads_whole():
    text = b"hello " * 10_000
    for encoding, body in (("gzip, gzip", gzip.compress(gzip.compress(text))),
                           ("deflate, gzip", gzip.compress(zlib.compress(text))),
                           ("identity, gzip", gzip.compress(text))):
        result, _ = fetch(body, encoding)
        assert result.ok and result.body == text, encoding


def test_more_layers_than_allowed_or_stacked_brotli_are_refused_with_a_reason():
    body = gzip.compress(gzip.compress(gzip.compress(b"x")))
    result, _ = fetch(body, "gzip, gzip, gzip")
    assert result.error_kind == "protocol" and "3 layers of Content-Encoding" in result.error
    result, _ = fetch(b"whatever", "br, gzip")
    assert result.error_kind == "protocol" and "stacked Content-Encoding br, gzip" in result.error


NOW = datetime(2026, 11, 22, tzinfo=timezone.utc)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.from_regex(r"\A(Mon|Tue), \d{1,2} [A-Z][a-z]{2} \d{1,6} \d\d:\d\d:\d\d [A-Z+\-0-9]{1,5}\Z")))
@example("²")
@example("Wed, 21 Oct 99999 07:28:00 GMT")
@example("Wed, 21 Oct 2015 07:28:00 +9900")
@example("9" * 400)
@example("٣")  # an Arabic-Indic digit
def test_retry_after_never_raises(value):
    delay = parse_retry_after(value, now=NOW)
    assert delay is None or delay >= 0


def test_retry_after_reads_what_http_allows_and_nothing_else():
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Sun, 22 Nov 2026 00:01:00 GMT", now=NOW) == 60.0
    assert parse_retry_after("²") is None and parse_retry_after("Wed, 21 Oct 99999 07:28:00 GMT") is None


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["x-ratelimit-remaining", "ratelimit-remaining", "x-ratelimit-reset",
                                        "ratelimit-reset"]),
                       st.one_of(st.text(alphabet=st.characters(codec="latin-1")), st.sampled_from(
                           ["0", "0.0", "nan", "inf", "-inf", "1e400", "99999-01-01T00:00:00", "+99999-01-01"]))))
def test_rate_limit_headers_never_raise(values):
    delay = rate_limit_delay(httpx.Headers({k: v.encode("latin-1") for k, v in values.items()}), now=1.8e9)
    assert delay is None or delay >= 0 or delay != delay  # a number (NaN is a server's own nonsense)
