"""Benchmark: feeds per second for auditor.parse.feeds.parse_feed, next to feedparser on the same inputs.

    python benchmarks/feeds.py [--repeat 20]

Inputs: every ``fixtures/web/**/*.xml|*.json|*.rss|*.atom`` file that ``parse_feed`` accepts
(sitemaps, API answers and hostile files are left out because they do not parse as feeds).
Both parsers read the same bytes in the same run; the best of ``--repeat`` passes is kept.
feedparser comes with the ``bench`` extra (``pip install -e '.[bench]'``); without it only
parse_feed is timed. Nothing here is a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from auditor.parse.feeds import FeedError, parse_feed
from auditor.fixtures.fixtureweb import bundled_root

PATTERNS = ("*.xml", "*.json", "*.rss", "*.atom")


def feed_inputs(root: Path | None = None) -> list[tuple[Path, bytes]]:
    root = root or bundled_root()
    found = []
    for pattern in PATTERNS:
        for path in sorted(root.rglob(pattern)):
            data = path.read_bytes()
            try:
                parse_feed(data)
            except (FeedError, ValueError):
                continue
            found.append((path, data))
    return found


def best_pass(parse: Callable[[bytes], object], inputs: list[bytes], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for data in inputs:
            parse(data)
        best = min(best, time.perf_counter() - started)
    return best


def run(repeat: int = 20) -> dict[str, float]:
    found = feed_inputs()
    inputs = [data for _, data in found]
    size = sum(len(d) for d in inputs)
    print(f"feeds: {len(inputs)} fixture feeds ({size / 1024:.0f} KiB), best of {repeat} passes")
    ours = best_pass(parse_feed, inputs, repeat)
    print(f"  parse_feed          {len(inputs) / ours:9.0f} feeds/s  ({ours * 1000 / len(inputs):.3f} ms/feed)")
    figures = {"parse_feed_per_s": len(inputs) / ours}
    try:
        import feedparser
    except ImportError:
        print("  feedparser not installed (pip install -e '.[bench]'); comparison skipped")
        return figures
    theirs = best_pass(feedparser.parse, inputs, repeat)
    print(f"  feedparser.parse    {len(inputs) / theirs:9.0f} feeds/s  ({theirs * 1000 / len(inputs):.3f} ms/feed)")
    print(f"  parse_feed is {theirs / ours:.1f}x feedparser's speed")
    figures["feedparser_per_s"] = len(inputs) / theirs
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    run(parser.parse_args().repeat)


if __name__ == "__main__":
    main()
