"""Benchmark: publication days of real pages, extract_page against htmldate, in one process.

Run from the repository root (htmldate comes with ``pip install -e '.[bench]'``):

    python benchmarks/page_dates.py [DIR] [--fetched-at 2026-12-02T12:00:00+00:00] [--show-wrong]

``DIR`` holds ``gold.json`` (``{file: {"url", "date"}}``) and ``pages/<file>``; it defaults to
the development set ``../shared/datasets/page-dates-dev`` next to the repository. Every page is
read by :func:`auditor.parse.page.extract_page` and by ``htmldate.find_date`` in fast
(``extensive_search=False``) and extensive modes; the order of the three is rotated from page
to page and each call's CPU time (``time.process_time``) is summed per tool. For each tool it
prints the exact-day accuracy, the share of pages given a wrong day, the share left undated,
the CPU time per page and the pages per second, and the speed as a ratio to htmldate fast.

For the auditor it also counts its wrong days by cause (relative words, a day off from a
time zone, a date from the wrong region, the wrong candidate ranked first, the day not read
at all), the pages it dates within two days of the fetch whose gold day is not, and, on the
pages whose markup marks the owner's comments (``bypostauthor``, ``blog-author``), how its
comments compare with a reading of the markup by regular expressions: comments listed more
than once, comments dated, and owner replies found (recall and precision).
Nothing here is a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.parse.page import PageExtract, extract_page  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "datasets" / "page-dates-dev"
DEFAULT_FETCHED_AT = "2026-12-02T12:00:00+00:00"


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    gold: date
    html: str


def load(directory: Path) -> list[Page]:
    gold = json.loads((directory / "gold.json").read_text(encoding="utf-8"))
    pages = []
    for name, entry in sorted(gold.items()):
        html = (directory / "pages" / name).read_bytes().decode("utf-8", errors="replace")
        pages.append(Page(name, entry["url"], date.fromisoformat(entry["date"]), html))
    return pages


def htmldate_tool(extensive: bool, fetched_at: datetime) -> Callable[[Page], date | None]:
    from htmldate import find_date

    latest = fetched_at.strftime("%Y-%m-%d")

    def run(page: Page) -> date | None:
        found = find_date(page.html, url=page.url, extensive_search=extensive, original_date=True, max_date=latest)
        return date.fromisoformat(found) if found else None
    return run


def every_candidate(page: Page) -> list:
    """All date candidates of the page, the body's text included (extract_page stops reading once the day is settled)."""
    from auditor.parse.dates import body_candidates, head_candidates, month_first, url_candidates
    from auditor.parse.jsonld import documents as json_ld_documents
    from auditor.parse.htmldepth import parse_html
    from auditor.parse.regions import Regions

    tree = parse_html(page.html)
    metas = tree.css("meta[content]")
    order = month_first(tree, metas)
    return [*head_candidates(metas, json_ld_documents(tree), order), *body_candidates(tree, Regions(tree), order),
            *url_candidates(page.url)]


def cause(extract: PageExtract, page: Page) -> str:
    """Why the auditor's day is wrong, judged from the chosen candidate and all the page's others."""
    chosen, gold = extract.published, page.gold
    assert chosen is not None
    if chosen.precision == "relative":
        return "relative words"
    if abs((chosen.value.date() - gold).days) == 1 and re.search(r"\d[T ]?\d{2}:\d{2}", chosen.text):
        return "a day off (time of day, time zone)"
    right = [c for c in every_candidate(page) if c.value.date() == gold]
    if not right:
        return "format (the day not read)"
    if chosen.region == "page" or all(c.region in ("sidebar", "comment", "footer", "header") for c in right):
        return "region"
    if all(c.role == "modified" for c in right):
        return "ranking (gold is a date the page calls updated)"
    return "ranking"


_COMMENT_ID = re.compile(r"""<(?:li|article|div)\b[^>]*\bid=["'](?:li-|wc-comm-)?comment-(\d+)["'][^>]*>"""
                         r"""|<div\b[^>]*\bid=["']wc-comm-(\d+)_\d+["'][^>]*>""", re.IGNORECASE)
_BLOGGER_ID = re.compile(r"""<(?:li|dt)\b[^>]*\bid=["']c(\d{5,})["'][^>]*>""", re.IGNORECASE)
_CLASSES = re.compile(r"""\bclass=["']([^"']*)["']""", re.IGNORECASE)


def markup_threads(html: str) -> tuple[set[str], set[str]] | None:
    """(comment numbers, owner comment numbers) as the markup states them, or None without owner markup.

    WordPress: one comment per number in ``id="comment-N"`` / ``id="li-comment-N"`` elements (not
    pingbacks), the owner's when its own element's classes hold ``bypostauthor``; wpDiscuz's
    ``id="wc-comm-N_M"``, the owner's with ``wc-blog-post_author``. Blogger: one per ``id="cN"``,
    the owner's when ``blog-author`` appears before the next comment starts and before its reply list.
    """
    if "bypostauthor" not in html and "blog-author" not in html:
        return None
    numbers: set[str] = set()
    owners: set[str] = set()
    for match in _COMMENT_ID.finditer(html):
        number = match.group(1) or match.group(2)
        classes = _CLASSES.search(match.group(0))
        words = classes.group(1).split() if classes else []
        if "pingback" in words or "trackback" in words:
            continue
        numbers.add(number)
        if "bypostauthor" in words or "wc-blog-post_author" in words:
            owners.add(number)
    if not numbers:
        matches = list(_BLOGGER_ID.finditer(html))
        for index, match in enumerate(matches):
            numbers.add(match.group(1))
            end = matches[index + 1].start() if index + 1 < len(matches) else len(html)
            stretch = html[match.start():end]
            stretch = stretch.split("comment-replies", 1)[0]
            if re.search(r"""class=["'][^"']*\bblog-author\b""", stretch):
                owners.add(match.group(1))
    return (numbers, owners) if numbers else None


_THREAD_ID = re.compile(r"(?:li-|div-)?comment-(\d+)|wc-comm-(\d+)_\d+|c(\d{10,})")
_OWNER_WORDS = {"bypostauthor", "wc-blog-post_author"}


def markup_answered(html: str) -> set[str]:
    """Numbers of the visitors' comments the markup shows an owner reply nested under (WordPress, wpDiscuz, Blogger)."""
    from selectolax.lexbor import LexborHTMLParser

    def number_and_owner(node) -> tuple[str | None, bool]:
        found = _THREAD_ID.fullmatch(node.attributes.get("id") or "")
        if found is None:
            return None, False
        if found.group(3):  # Blogger: the blog-author mark sits in the comment's own block
            block = next((child for child in node.iter() if "comment-block" in (child.attributes.get("class") or "")), None)
            return found.group(3), block is not None and block.css_first(".blog-author") is not None
        return found.group(1) or found.group(2), bool(_OWNER_WORDS & set((node.attributes.get("class") or "").split()))

    answered: set[str] = set()
    for node in LexborHTMLParser(html).css("li[id], div[id], article[id]"):
        number, owner = number_and_owner(node)
        if number is None or not owner:
            continue
        ancestor = node.parent
        while ancestor is not None:
            other, other_owner = number_and_owner(ancestor)
            if other is not None and other != number:
                if not other_owner:
                    answered.add(other)
                break
            ancestor = ancestor.parent
    return answered


def _number(ident: str) -> str:
    found = re.search(r"comm(?:ent)?-(\d+)|c(\d{10,})$|(\d+)$", ident)
    return (found.group(1) or found.group(2) or found.group(3)) if found else ident


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--fetched-at", default=DEFAULT_FETCHED_AT, help="the fetch moment given to every tool")
    parser.add_argument("--show-wrong", action="store_true", help="list the auditor's wrong and undated pages")
    parser.add_argument("--only-auditor", action="store_true", help="skip htmldate (quick checks)")
    args = parser.parse_args()
    if not (args.directory / "gold.json").is_file():
        sys.exit(f"no gold.json in {args.directory}: give the data set's folder")
    fetched_at = datetime.fromisoformat(args.fetched_at)
    pages = load(args.directory)

    extracts: dict[str, PageExtract] = {}

    def auditor(page: Page) -> date | None:
        extract = extract_page(page.html, page.url, fetched_at)
        extracts[page.name] = extract
        return extract.published.value.date() if extract.published else None

    tools: dict[str, Callable[[Page], date | None]] = {"auditor extract_page": auditor}
    if not args.only_auditor:
        try:
            tools["htmldate fast"] = htmldate_tool(False, fetched_at)
            tools["htmldate extensive"] = htmldate_tool(True, fetched_at)
        except ImportError:
            print("htmldate is not installed (pip install -e '.[bench]'): the auditor alone\n")
    names = list(tools)
    cpu = dict.fromkeys(names, 0.0)
    answers: dict[str, dict[str, date | None]] = {name: {} for name in names}
    for index, page in enumerate(pages):
        for name in names[index % len(names):] + names[:index % len(names)]:
            start = time.process_time()
            answers[name][page.name] = tools[name](page)
            cpu[name] += time.process_time() - start

    total = len(pages)
    print(f"{total} pages in {args.directory}, fetched_at {fetched_at.isoformat()}\n")
    print(f"{'':<22}{'exact day':>10}{'wrong':>8}{'undated':>9}{'CPU ms/page':>13}{'pages/s':>9}{'speed':>8}")
    reference = cpu.get("htmldate fast")
    for name in names:
        right = sum(1 for p in pages if answers[name][p.name] == p.gold)
        undated = sum(1 for p in pages if answers[name][p.name] is None)
        wrong = total - right - undated
        speed = f"{reference / cpu[name]:.2f}x" if reference else "-"
        print(f"{name:<22}{right / total:>10.3f}{wrong / total:>8.3f}{undated / total:>9.3f}"
              f"{cpu[name] / total * 1000:>13.2f}{total / cpu[name]:>9.0f}{speed:>8}")
    if reference:
        print("(speed: htmldate fast's CPU time over the tool's; above 1 is faster)")

    ours = answers["auditor extract_page"]
    causes = Counter(cause(extracts[p.name], p) for p in pages if ours[p.name] not in (None, p.gold))
    print("\nauditor's wrong days by cause:")
    for reason, count in causes.most_common():
        print(f"  {count:>4}  {reason}")
    if len(names) == 3:
        shared = sum(1 for p in pages if ours[p.name] not in (None, p.gold)
                     and answers[names[1]][p.name] == ours[p.name] == answers[names[2]][p.name])
        print(f"  of which htmldate fast and extensive give the same wrong day: {shared}")
    near = [p for p in pages if ours[p.name] is not None and abs((ours[p.name] - fetched_at.date()).days) <= 2
            and abs((p.gold - fetched_at.date()).days) > 2]
    print(f"pages dated within two days of the fetch, gold not: {len(near)}")

    threads = listed = duplicated = dated = owner_true = owner_found = owner_right = 0
    answered_true = answered_found = answered_right = answered_flat = 0
    for page in pages:
        stated = markup_threads(page.html)
        if stated is None:
            continue
        numbers, owners = stated
        comments = extracts[page.name].comments
        threads += 1
        listed += len(comments)
        counted = Counter(_number(c.id) for c in comments)
        duplicated += sum(n - 1 for n in counted.values() if n > 1)
        dated += sum(1 for c in comments if c.at is not None)
        found = {_number(c.id) for c in comments if c.is_owner}
        owner_true += len(owners)
        owner_found += len(found)
        owner_right += len(found & owners)
        answered = markup_answered(page.html)
        seen = {_number(i.url.rsplit("#", 1)[-1]) for i in extracts[page.name].interactions() if i.owner_replied_at}
        flat = {_number(t) for c in comments if c.is_owner for t in c.replies_to}
        answered_flat += len((seen - answered) & flat)
        answered_true += len(answered)
        answered_found += len(seen)
        answered_right += len(seen & answered)
    if threads:
        print(f"\ncomment pages with owner markup: {threads}; comments listed {listed}, listed twice {duplicated}, "
              f"dated {dated / max(listed, 1):.3f}; owner replies: recall {owner_right / max(owner_true, 1):.3f} "
              f"({owner_right}/{owner_true}), precision {owner_right / max(owner_found, 1):.3f} "
              f"({owner_right}/{owner_found})")
        print(f"answered visitors (an owner reply threaded under them): recall "
              f"{answered_right / max(answered_true, 1):.3f} ({answered_right}/{answered_true}), precision "
              f"{answered_right / max(answered_found, 1):.3f} ({answered_right}/{answered_found}; "
              f"{answered_flat} more answered by an unthreaded \"@Name\" reply)")

    if args.show_wrong:
        print("\nauditor's wrong and undated pages:")
        for page in pages:
            got = ours[page.name]
            if got == page.gold:
                continue
            extract = extracts[page.name]
            chosen = extract.published
            said = (f"{got} {chosen.source} [{chosen.region}/{chosen.role}/{chosen.precision}] {chosen.text[:60]!r}"
                    if chosen else f"undated: {extract.note}")
            label = cause(extract, page) if chosen else "undated"
            others = " ".join(f"{answers[n][page.name]}" for n in names[1:])
            print(f"{page.name} gold {page.gold} | {label} | {said} | htmldate {others} | {page.url}")


if __name__ == "__main__":
    main()
