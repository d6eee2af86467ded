"""Benchmark: extract_page (dates and comments) against htmldate on the fixture HTML pages.

Run from the repository root:

    python benchmarks/extraction.py [--repeat 30]

Times :func:`auditor.parse.page.extract_page` over every ``fixtures/web/**/*.html`` page,
repeated for stable figures (best and median of the repeats), and, when htmldate is
installed (``pip install -e '.[bench]'``), ``htmldate.find_date`` in fast
(``extensive_search=False``) and extensive modes on the same pages in the same run, with
the speed ratios. Accuracy is the share of the labelled pages below whose publication day
each tool gets exactly right (an undated page is right only when no date is returned).
Nothing here is a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.parse.page import extract_page  # noqa: E402

FIXTURES = ROOT / "fixtures" / "web"
FETCHED_AT = datetime(2026, 11, 22, tzinfo=timezone.utc)

# The true publication day of each post page in the fixtures (None: the page shows no post date).
LABELS: dict[str, date | None] = {
    "seedblog.example/blog/2008/08/25/first-seedlings.html": date(2008, 8, 25),
    "seedblog.example/blog/2008/07/14/saving-bean-seed.html": date(2008, 7, 14),
    "seedblog.example/blog/2008/06/02/tomato-trial.html": date(2008, 6, 2),
    "wpnoapi.example/2026/10/05/model-7-hinge/index.html": date(2026, 10, 5),
    "wpnoapi.example/2026/08/12/spring-oil/index.html": date(2026, 8, 12),
    "wpnoapi.example/2026/06/30/holiday/index.html": date(2026, 6, 30),
    "pages.example/sidebar.html": date(2019, 3, 2),
    "pages.example/kommentare.html": date(2009, 3, 3),
    "pages.example/commentaires.html": date(2009, 3, 11),
    "pages.example/copyright.html": None,
    "nodate.example/news/new-workshop.html": None,
    "nodate.example/news/winter-service.html": None,
}


def url_of(relative: str) -> str:
    path = relative.split("/", 1)[1] if "/" in relative else ""
    path = path.removesuffix("index.html")
    return f"https://{relative.split('/', 1)[0]}/{path}"


def load_pages() -> list[tuple[str, str, str]]:
    """(relative path, url, html) for every fixture HTML page."""
    pages = []
    for path in sorted(FIXTURES.rglob("*.html")):
        relative = path.relative_to(FIXTURES).as_posix()
        pages.append((relative, url_of(relative), path.read_text(encoding="utf-8", errors="replace")))
    return pages


def timed(run: Callable[[str, str], object], pages: list[tuple[str, str, str]], repeat: int) -> list[float]:
    """Seconds per pass over all pages: the first (cold: no warm caches) pass, then each timed repeat."""
    start = time.perf_counter()
    for _, url, html in pages:
        run(html, url)
    passes = [time.perf_counter() - start]
    for _ in range(repeat):
        start = time.perf_counter()
        for _, url, html in pages:
            run(html, url)
        passes.append(time.perf_counter() - start)
    return passes


def ours(html: str, url: str) -> date | None:
    extract = extract_page(html, url, FETCHED_AT)
    return extract.published.value.date() if extract.published else None


def accuracy(guess: Callable[[str, str], date | None], pages: list[tuple[str, str, str]]) -> tuple[int, int, list[str]]:
    right, wrong = 0, []
    for relative, url, html in pages:
        if relative not in LABELS:
            continue
        got = guess(html, url)
        if got == LABELS[relative]:
            right += 1
        else:
            wrong.append(f"{relative}: got {got}, true {LABELS[relative]}")
    return right, len(LABELS), wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed passes over all pages (default 30)")
    args = parser.parse_args()
    pages = load_pages()
    total_bytes = sum(len(html.encode()) for _, _, html in pages)
    print(f"{len(pages)} fixture HTML pages, {total_bytes / 1024:.0f} KiB; {args.repeat} timed passes each; "
          f"{len(LABELS)} labelled pages\n")

    results: dict[str, float] = {}

    def report(name: str, passes: list[float], guess: Callable[[str, str], date | None]) -> None:
        cold, passes = passes[0], passes[1:]
        best, median = min(passes), statistics.median(passes)
        rate = len(pages) / median
        results[name] = rate
        right, total, wrong = accuracy(guess, pages)
        print(f"{name:<32} {rate:>7.0f} pages/s (median pass {median * 1000:6.2f} ms, best {best * 1000:6.2f} ms, "
              f"cold first pass {cold * 1000:6.2f} ms)   accuracy {right}/{total} exact day")
        for line in wrong:
            print(f"{'':<34}miss: {line}")

    report("extract_page (dates+comments)", timed(lambda h, u: extract_page(h, u, FETCHED_AT), pages, args.repeat),
           ours)
    try:
        from htmldate import find_date
    except ImportError:
        print("\nhtmldate is not installed: skipping the comparison (pip install -e '.[bench]')")
        return

    def htmldate_guess(extensive: bool) -> Callable[[str, str], date | None]:
        def guess(html: str, url: str) -> date | None:
            found = find_date(html, url=url, extensive_search=extensive, original_date=True,
                              max_date="2026-11-23")
            return date.fromisoformat(found) if found else None
        return guess

    fast, extensive = htmldate_guess(False), htmldate_guess(True)
    report("htmldate find_date (fast)", timed(fast, pages, args.repeat), fast)
    report("htmldate find_date (extensive)", timed(extensive, pages, args.repeat), extensive)
    base = results["extract_page (dates+comments)"]
    print(f"\nextract_page vs htmldate fast:      {base / results['htmldate find_date (fast)']:.2f}x the pages/s")
    print(f"extract_page vs htmldate extensive: {base / results['htmldate find_date (extensive)']:.2f}x the pages/s")


if __name__ == "__main__":
    main()
