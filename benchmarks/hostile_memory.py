"""Benchmark: peak memory (RSS), time and report size of one audit of a hostile brand, per attack.

    python benchmarks/hostile_memory.py [--cases NAME ...]

Each case is a brand whose homepage (and, for the feed cases, its one feed) sends one hostile
body under the 5 MB cap: a JSON Feed of 1.6 million items, an RSS feed of 740,000 items, a feed
of 256 MB in two gzip layers, a page of 100,000 copies of one link, a page of 330,000 distinct
links, one element with 600,000 attributes. The baseline is a healthy brand (a homepage and a
ten-item feed). Every case runs in a fresh child process: ``audit_async`` on an httpx
``MockTransport`` that streams the body in 64 KiB pieces (no network, no proxy: what is
measured is the auditor's own cost), then the JSON report; the child prints its own
``ru_maxrss``. Figures are printed with their ratio to the baseline measured in the same run.
Target (issue 17): every case under 512 MB peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import resource
import subprocess
import sys
import time
import zlib
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_MB = 512
AS_OF = datetime(2026, 11, 22, tzinfo=timezone.utc)
MB = 1024 * 1024
FEED_LINK = '<link rel="alternate" type="application/rss+xml" href="/feed.xml">'
JSON_FEED_LINK = '<link rel="alternate" type="application/feed+json" href="/feed.json">'


def _home(head: str = "", body: str = "") -> bytes:
    return f"<html><head><title>Hostile</title>{head}</head><body>{body}</body></html>".encode()


def _rss(items: str) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://hostile.example/</link>'
            f"{items}</channel></rss>").encode()


def _gzip_zeros(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(MB)
    return b"".join(packer.compress(block) for _ in range(size // MB)) + packer.flush()


def case_site(name: str) -> dict[str, tuple[bytes, dict[str, str]]]:
    """Path → (body, headers) for the case's host."""
    html = {"content-type": "text/html; charset=utf-8"}
    if name == "baseline":
        items = "".join(f"<item><title>post {n}</title><link>https://hostile.example/{n}</link>"
                        f"<pubDate>Sun, {n + 1:02d} Nov 2026 10:00:00 GMT</pubDate></item>" for n in range(10))
        return {"/": (_home(FEED_LINK), html), "/feed.xml": (_rss(items), {"content-type": "application/rss+xml"})}
    if name == "json_feed_1.6M_items":
        feed = b'{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [' + \
            b",".join([b"{}"] * 1_600_000) + b"]}"
        return {"/": (_home(JSON_FEED_LINK), html), "/feed.json": (feed, {"content-type": "application/feed+json"})}
    if name == "rss_740k_items":
        return {"/": (_home(FEED_LINK), html),
                "/feed.xml": (_rss("<item/>" * 740_000), {"content-type": "application/rss+xml"})}
    if name == "gzip_gzip_256MB":
        bomb = gzip.compress(_gzip_zeros(256 * MB))
        return {"/": (_home(FEED_LINK), html),
                "/feed.xml": (bomb, {"content-type": "application/rss+xml", "content-encoding": "gzip, gzip"})}
    if name == "links_100k_copies":
        return {"/": (_home(body='<a href="https://x.com/hostile">X</a>' * 100_000), html)}
    if name == "links_330k_distinct":
        return {"/": (_home(body="".join(f"<a href=/{n}>" for n in range(330_000))), html)}
    if name == "attributes_600k":
        attributes = " ".join(f"a{n:x}" for n in range(600_000))
        return {"/": (_home(body=f"<div {attributes}>x</div>"), html)}
    raise SystemExit(f"unknown case {name!r}")


CASES = ("baseline", "json_feed_1.6M_items", "rss_740k_items", "gzip_gzip_256MB", "links_100k_copies",
         "links_330k_distinct", "attributes_600k")


def child(name: str) -> None:
    import httpx

    from auditor import AuditOptions, Brand, FetchSettings, audit_async
    from auditor.report import render

    site = case_site(name)
    body_bytes = max(len(body) for body, _ in site.values())

    class Streamed(httpx.AsyncByteStream):
        def __init__(self, body: bytes) -> None:
            self.body = body

        async def __aiter__(self):
            for start in range(0, len(self.body), 64 * 1024):
                yield self.body[start:start + 64 * 1024]

    def serve(request: httpx.Request) -> httpx.Response:
        if request.url.host == "hostile.example" and request.url.path in site:
            body, headers = site[request.url.path]
            return httpx.Response(200, headers=headers, stream=Streamed(body))
        return httpx.Response(404)

    settings = FetchSettings(min_gap=0.0, retries=0, respect_robots=False)
    options = AuditOptions(as_of=AS_OF, fetch=settings, credentials={})

    async def main():
        async with httpx.AsyncClient(transport=httpx.MockTransport(serve)) as client:
            return await audit_async(Brand(name="hostile", homepages=("https://hostile.example/",)), options,
                                     client=client)

    started = time.perf_counter()
    result = asyncio.run(main())
    report = render(result, "json")
    seconds = time.perf_counter() - started
    items = max((len(a.items) for a in result.activities), default=0)
    statuses = sorted({f"{a.status.value}" for a in result.activities})
    print(json.dumps({"case": name, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "seconds": seconds, "report_bytes": len(report), "body_bytes": body_bytes,
                      "items_kept": items, "statuses": statuses}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=CASES)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    cases = ["baseline", *[c for c in args.cases if c != "baseline"]]
    rows = []
    for name in cases:
        done = subprocess.run([sys.executable, __file__, "--child", name], capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            raise SystemExit(f"{name} failed:\n{done.stderr}")
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    base = rows[0]
    print(f"{'case':<22} {'body':>9} {'peak RSS':>10} {'x base':>7} {'time':>8} {'x base':>7} {'report':>10} "
          f"{'items kept':>10}  statuses")
    for row in rows:
        print(f"{row['case']:<22} {row['body_bytes'] / MB:>7.2f}MB {row['peak_mb']:>8.1f}MB "
              f"{row['peak_mb'] / base['peak_mb']:>6.2f}x {row['seconds']:>7.2f}s {row['seconds'] / base['seconds']:>6.1f}x "
              f"{row['report_bytes']:>9,}B {row['items_kept']:>10,}  {','.join(row['statuses'])}")
    worst = max(rows, key=lambda r: r["peak_mb"])
    verdict = "under" if worst["peak_mb"] < TARGET_MB else "OVER"
    print(f"worst peak: {worst['case']} {worst['peak_mb']:.1f} MB, {verdict} the {TARGET_MB} MB target")


if __name__ == "__main__":
    main()
