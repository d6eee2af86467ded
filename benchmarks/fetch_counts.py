"""Requests per audited demo brand, and how many of them asked for a URL the same audit had already fetched.

    python benchmarks/fetch_counts.py

Audits every demo brand (with handle probing, as the demo's probed brand needs) through the
bundled fixture internet, one brand at a time, and prints per brand: requests, distinct URLs
and repeats (a URL fetched again within the same audit). The totals line is the figure to quote.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import Counter

from auditor import AuditOptions, Fetcher, FetchSettings, audit_async, make_client
from auditor.demo import DEMO_AS_OF, demo_brands

from auditor.fixtures.fixtureweb import FixtureInternet, bundled_root


async def measure() -> list[tuple[str, int, int, int]]:
    rows = []
    settings = FetchSettings(retries=1, backoff=0.1, allow_private=True)
    with FixtureInternet(bundled_root()) as web:
        verify = ssl.create_default_context(cafile=str(web.ca_file))
        for url in demo_brands():
            async with make_client(settings, proxy=web.proxy_url, verify=verify) as client:
                fetcher = Fetcher(client, settings)
                options = AuditOptions(as_of=DEMO_AS_OF, fetch=settings, probe_handles=True)
                await audit_async(url, options, fetcher=fetcher)
                counts = Counter(record.url for record in fetcher.records)
                total = sum(counts.values())
                rows.append((url, total, len(counts), total - len(counts)))
    return rows


def main() -> None:
    rows = asyncio.run(measure())
    print(f"{'brand':40} {'requests':>8} {'distinct':>8} {'repeats':>8}")
    for url, total, distinct, repeats in rows:
        print(f"{url:40} {total:8} {distinct:8} {repeats:8}")
    requests = sum(r[1] for r in rows)
    repeats = sum(r[3] for r in rows)
    print(f"total: {len(rows)} brands, {requests} requests ({requests / len(rows):.1f} per brand), "
          f"{repeats} repeated URLs")


if __name__ == "__main__":
    main()
