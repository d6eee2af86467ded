"""Benchmark: parse_feed next to feedparser, fastfeedparser and feedparser-rs, all in one run.

    python benchmarks/feeds.py [--corpus PATH] [--repeat 5]

Four figures, each against peers measured in the same run:

1. **Corpus** (``--corpus``: feedparser's source distribution, the ``.tar.gz`` itself or the
   folder it unpacks to; or ``$FEEDPARSER_SDIST``). Its ``tests/`` hold about 2,100 real and
   adversarial feed files (encodings, entities, ill-formed XML, Atom 0.3, RSS 0.9x, CDF) that
   nobody here wrote. They are read where pip put them, never copied into this repository::

       pip download --no-deps --no-binary :all: feedparser -d /tmp/feedparser-sdist

   For every file: read, rejected (``FeedError``) or crashed (any other exception); then, on the
   files feedparser reads, how often each parser gives the same entries (count and links) and
   the same newest date to the second. ``Header: Content-type:`` lines in a file's leading
   comment are passed as the HTTP header, as feedparser's own test server does.
2. **Date table**: the date strings of feedparser's test suite (``date_tests`` in
   ``tests/runtests.py``, with the expected UTC value or None): right/wrong for read_date and for
   feedparser's own date parser.
3. **Speed on a realistic mix** made here: RSS 2.0, Atom 1.0, RSS 1.0, JSON Feed, Atom 0.3 and
   UTF-16 feeds of 1 to 500 items, plus the fixture feeds; best of ``--repeat`` passes of CPU
   time (``time.process_time``: a busy machine stretches wall time, not the work done), as feeds/s
   and as a ratio to feedparser.
4. Speed on the corpus files, the same way.

The peers come with the ``bench`` extra (``pip install -e '.[bench]'``); a peer that is not
installed is left out. Nothing here is a test: timings depend on the machine, ratios less so.
"""

from __future__ import annotations

import argparse
import ast
import calendar
import os
import re
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from auditor.fixtures.fixtureweb import bundled_root
from auditor.parse.feeddates import read_date
from auditor.parse.feeds import FeedError, parse_feed

CORPUS_FOLDERS = ("wellformed", "illformed", "encoding", "entities")
_HEADER = re.compile(rb"^Header:\s+([^:]+):(.+)$", re.MULTILINE)
UTC = timezone.utc


@dataclass(frozen=True)
class Doc:
    name: str
    data: bytes
    content_type: str | None


@dataclass(frozen=True)
class Reading:
    """What one parser made of one document: None when it failed."""

    links: tuple[str, ...]
    newest: datetime | None


# -- the corpus ------------------------------------------------------------------------------------------
def corpus_docs(path: Path) -> list[Doc]:
    """The feed files of feedparser's tests/ folders, from its sdist tarball or the unpacked folder."""
    found: list[tuple[str, bytes]] = []
    if path.is_file():
        with tarfile.open(path) as archive:
            for member in archive.getmembers():
                parts = member.name.split("/")
                if member.isfile() and len(parts) > 3 and parts[1] == "tests" and parts[2] in CORPUS_FOLDERS \
                        and member.name.endswith(".xml"):
                    found.append(("/".join(parts[2:]), archive.extractfile(member).read()))
    else:
        tests = path / "tests" if (path / "tests").is_dir() else path
        for folder in CORPUS_FOLDERS:
            for file in sorted((tests / folder).rglob("*.xml")):
                found.append((str(file.relative_to(tests)), file.read_bytes()))
    docs = []
    for name, data in sorted(found):
        headers = {k.strip().lower(): v.strip() for k, v in
                   ((m.group(1).decode("latin-1"), m.group(2).decode("latin-1")) for m in _HEADER.finditer(data[:4096]))}
        docs.append(Doc(name, data, headers.get("content-type")))
    return docs


def date_table(path: Path) -> list[tuple[str, tuple[int, ...] | None]]:
    """(date string, expected UTC (y, m, d, H, M, S) or None) from runtests.py's ``date_tests``."""
    if path.is_file():
        with tarfile.open(path) as archive:
            member = next(m for m in archive.getmembers() if m.name.endswith("/tests/runtests.py"))
            source = archive.extractfile(member).read().decode("utf-8")
    else:
        tests = path / "tests" if (path / "tests").is_dir() else path
        source = (tests / "runtests.py").read_text("utf-8")
    rows = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "date_tests":
            for value in node.value.values:
                for text, expected in ast.literal_eval(value):
                    rows.append((text, tuple(expected[:6]) if expected else None))
    return rows


# -- each parser, reduced to links and the newest date ----------------------------------------------------
def ours(doc: Doc) -> Reading:
    feed = parse_feed(doc.data, doc.content_type)
    dates = [d for item in feed.items for d in (item.published, item.updated) if d is not None]
    return Reading(tuple(item.url for item in feed.items), max(dates) if dates else None)


def _struct(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC) if value else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _fp_reading(result: Any) -> Reading | None:
    if not (result.get("version") or result.get("entries")):
        return None
    entries = result.get("entries") or []
    dates = [d for e in entries for key in ("published_parsed", "updated_parsed", "created_parsed")
             if (d := _struct(e.get(key))) is not None]
    return Reading(tuple((e.get("link") or e.get("id") or "").strip() for e in entries), max(dates) if dates else None)


def feedparser_reading(doc: Doc) -> Reading | None:
    import feedparser

    headers = {"content-type": doc.content_type} if doc.content_type else {}
    return _fp_reading(feedparser.parse(doc.data, response_headers=headers))


def feedparser_rs_reading(doc: Doc) -> Reading | None:
    import feedparser_rs

    return _fp_reading(feedparser_rs.parse(doc.data))


def fastfeedparser_reading(doc: Doc) -> Reading | None:
    import fastfeedparser

    result = fastfeedparser.parse(doc.data)  # bytes only: a str that looks like a URL would be fetched
    entries = result.get("entries") or []
    dates = []
    for entry in entries:
        for key in ("published", "updated", "created"):
            value = entry.get(key)
            if isinstance(value, str) and value:
                try:
                    moment = datetime.fromisoformat(value)
                except ValueError:
                    continue
                dates.append(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    return Reading(tuple((e.get("link") or e.get("id") or "").strip() for e in entries), max(dates) if dates else None)


PEERS: dict[str, Callable[[Doc], Reading | None]] = {
    "feedparser": feedparser_reading,
    "fastfeedparser": fastfeedparser_reading,
    "feedparser-rs": feedparser_rs_reading,
}


def available_peers() -> dict[str, Callable[[Doc], Reading | None]]:
    found = {}
    for name, reader in PEERS.items():
        try:
            __import__(name.replace("-", "_"))
        except ImportError:
            print(f"  {name} not installed (pip install -e '.[bench]'): left out")
            continue
        found[name] = reader
    return found


def _run(reader: Callable[[Doc], Reading | None], doc: Doc) -> tuple[str, Reading | None]:
    try:
        reading = reader(doc)
    except FeedError:
        return "rejected", None
    except Exception:  # noqa: BLE001 - counting crashes is the point
        return "crashed", None
    return ("read", reading) if reading is not None else ("rejected", None)


def _same_newest(a: datetime | None, b: datetime | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) < timedelta(seconds=1)


def corpus_report(docs: list[Doc], peers: dict[str, Callable[[Doc], Reading | None]],
                  show: int = 0) -> None:
    parsers: dict[str, Callable[[Doc], Reading | None]] = {"parse_feed": ours, **peers}
    outcomes = {name: [_run(reader, doc) for doc in docs] for name, reader in parsers.items()}
    print(f"corpus: {len(docs)} files")
    print(f"  {'parser':<15}{'read':>6}{'rejected':>10}{'crashed':>9}   same entries / same newest date as feedparser")
    reference = outcomes.get("feedparser")
    for name, results in outcomes.items():
        counts = {k: sum(1 for status, _ in results if status == k) for k in ("read", "rejected", "crashed")}
        line = f"  {name:<15}{counts['read']:>6}{counts['rejected']:>10}{counts['crashed']:>9}"
        if reference is not None and name != "feedparser":
            base = [(i, r) for i, (status, r) in enumerate(reference) if status == "read"]
            same = [i for i, r in base if results[i][0] == "read" and results[i][1].links == r.links]
            dated = [(i, r) for i, r in base if r.newest is not None]
            same_date = [i for i, r in dated if results[i][0] == "read" and _same_newest(results[i][1].newest, r.newest)]
            line += (f"   {len(same)}/{len(base)} ({100 * len(same) / max(1, len(base)):.1f} %)"
                     f" / {len(same_date)}/{len(dated)} ({100 * len(same_date) / max(1, len(dated)):.1f} %)")
            if name == "parse_feed" and show:
                differ = [i for i, r in base if i not in set(same)][:show]
                for i in differ:
                    print(f"    entries differ: {docs[i].name}: ours={results[i]} feedparser={reference[i][1]}")
                differ = [i for i, r in dated if i not in set(same_date)][:show]
                for i in differ:
                    print(f"    newest differs: {docs[i].name}: ours={results[i]} feedparser={reference[i][1]}")
        print(line)


def date_report(rows: list[tuple[str, tuple[int, ...] | None]], show: bool = False) -> None:
    def ours_value(text: str) -> tuple[int, ...] | None:
        reading = read_date(text)
        return tuple(reading.instant.timetuple()[:6]) if reading else None

    readers: dict[str, Callable[[str], tuple[int, ...] | None]] = {"read_date": ours_value}
    try:
        import feedparser.datetimes
    except ImportError:
        pass
    else:
        readers["feedparser"] = lambda text: tuple(v[:6]) if (v := feedparser.datetimes._parse_date(text)) else None
    print(f"date table: {len(rows)} rows of feedparser's date tests ({sum(1 for _, e in rows if e is None)} expect no date)")
    for name, reader in readers.items():
        wrong = [(text, expected, got) for text, expected in rows if (got := reader(text)) != expected]
        print(f"  {name:<15}{len(rows) - len(wrong):>4} right {len(wrong):>4} wrong")
        for text, expected, got in wrong if show or name == "read_date" else ():
            print(f"    {text!r}: expected {expected}, got {got}")


# -- speed ------------------------------------------------------------------------------------------------
_RSS_ITEM = ("<item><title>Post {n} &amp; more</title><link>https://mix.example/{n}</link>"
             "<guid>https://mix.example/{n}</guid><pubDate>{rfc}</pubDate>"
             "<description><![CDATA[<p>Body of post {n}, with <b>markup</b>.</p>]]></description></item>")
_ATOM_ENTRY = ("<entry><title type='html'>Entry {n}</title><link rel='alternate' href='/{n}'/><id>tag:mix,{n}</id>"
               "<{published}>{iso}</{published}><{updated}>{iso}</{updated}><summary>Summary {n}</summary></entry>")
_RDF_ITEM = ("<item rdf:about='https://mix.example/{n}'><title>Item {n}</title><link>https://mix.example/{n}</link>"
             "<dc:date>{iso}</dc:date><description>Body {n}</description></item>")


def _stamp(n: int) -> tuple[str, str]:
    moment = datetime(2024, 1, 1, tzinfo=UTC) - timedelta(hours=7 * n)
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0000"), moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def mix_feeds() -> list[Doc]:
    """RSS 2.0, Atom 1.0, RSS 1.0, JSON Feed, Atom 0.3 and UTF-16 feeds of 1 to 500 items."""
    docs = []
    for count in (1, 10, 50, 200, 500):
        stamps = [_stamp(n) for n in range(count)]
        rss = ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Mix</title>"
               "<link>https://mix.example/</link>" + "".join(_RSS_ITEM.format(n=n, rfc=r) for n, (r, _) in enumerate(stamps))
               + "</channel></rss>")
        docs.append(Doc(f"rss-{count}", rss.encode(), "application/rss+xml"))
        atom = ("<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom' xml:base='https://mix.example/'>"
                "<title>Mix</title><id>tag:mix</id><updated>2024-01-01T00:00:00Z</updated>"
                + "".join(_ATOM_ENTRY.format(n=n, iso=i, published="published", updated="updated")
                          for n, (_, i) in enumerate(stamps)) + "</feed>")
        docs.append(Doc(f"atom-{count}", atom.encode(), "application/atom+xml"))
        atom03 = ("<?xml version='1.0'?><feed version='0.3' xmlns='http://purl.org/atom/ns#' xml:base='https://mix.example/'>"
                  "<title>Mix</title><modified>2024-01-01T00:00:00Z</modified>"
                  + "".join(_ATOM_ENTRY.format(n=n, iso=i, published="issued", updated="modified")
                            for n, (_, i) in enumerate(stamps)) + "</feed>")
        docs.append(Doc(f"atom03-{count}", atom03.encode(), "application/xml"))
        rdf = ("<?xml version='1.0'?><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' "
               "xmlns='http://purl.org/rss/1.0/' xmlns:dc='http://purl.org/dc/elements/1.1/'>"
               "<channel rdf:about='https://mix.example/'><title>Mix</title><link>https://mix.example/</link></channel>"
               + "".join(_RDF_ITEM.format(n=n, iso=i) for n, (_, i) in enumerate(stamps)) + "</rdf:RDF>")
        docs.append(Doc(f"rdf-{count}", rdf.encode(), "application/rdf+xml"))
        json_feed = ('{"version": "https://jsonfeed.org/version/1.1", "title": "Mix", "items": ['
                     + ",".join(f'{{"id": "{n}", "url": "https://mix.example/{n}", "title": "Post {n}", '
                                f'"content_html": "<p>Body {n}</p>", "date_published": "{i}"}}'
                                for n, (_, i) in enumerate(stamps)) + "]}")
        docs.append(Doc(f"json-{count}", json_feed.encode(), "application/feed+json"))
        docs.append(Doc(f"utf16-{count}", rss.replace("utf-8", "utf-16").encode("utf-16"), "application/rss+xml"))
    root = bundled_root()
    for pattern in ("*.xml", "*.json", "*.rss", "*.atom"):
        for path in sorted(root.rglob(pattern)):
            data = path.read_bytes()
            try:
                parse_feed(data)
            except FeedError:
                continue
            docs.append(Doc(str(path.relative_to(root)), data, None))
    return docs


def _timer(call: Callable[[Doc], Any]) -> Callable[[Doc], None]:
    def run(doc: Doc) -> None:
        try:
            call(doc)
        except Exception:  # noqa: BLE001 - a peer failing on a file still spent the time
            pass
    return run


def best_pass(parse: Callable[[Doc], None], docs: list[Doc], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for doc in docs:
            parse(doc)
        best = min(best, time.process_time() - started)
    return best


def _raw_parsers() -> dict[str, Callable[[Doc], Any]]:
    parsers: dict[str, Callable[[Doc], Any]] = {"parse_feed": lambda d: parse_feed(d.data, d.content_type)}
    try:
        import feedparser
        parsers["feedparser"] = lambda d: feedparser.parse(
            d.data, response_headers={"content-type": d.content_type} if d.content_type else {})
    except ImportError:
        pass
    try:
        import fastfeedparser
        parsers["fastfeedparser"] = lambda d: fastfeedparser.parse(d.data)
    except ImportError:
        pass
    try:
        import feedparser_rs
        parsers["feedparser-rs"] = lambda d: feedparser_rs.parse(d.data)
    except ImportError:
        pass
    return parsers


def speed_report(title: str, docs: list[Doc], repeat: int) -> dict[str, float]:
    """Each pass times every parser in turn (so a busy moment of the machine hits them alike); best pass kept."""
    size = sum(len(d.data) for d in docs)
    print(f"speed, {title}: {len(docs)} documents ({size / 1024:.0f} KiB), best of {repeat} interleaved passes")
    parsers = {name: _timer(parse) for name, parse in _raw_parsers().items()}
    times = {name: float("inf") for name in parsers}
    for _ in range(repeat):
        for name, parse in parsers.items():
            times[name] = min(times[name], best_pass(parse, docs, 1))
    base = times.get("feedparser")
    for name, spent in times.items():
        ratio = f"  {base / spent:6.1f}x feedparser" if base else ""
        print(f"  {name:<15}{len(docs) / spent:9.0f} docs/s{ratio}")
    return {f"{name}_per_s": len(docs) / spent for name, spent in times.items()}


def run(corpus: Path | None, repeat: int = 5, show: int = 0) -> dict[str, float]:
    figures = speed_report("realistic mix", mix_feeds(), repeat)
    if corpus is None:
        print("corpus: not given (--corpus or $FEEDPARSER_SDIST; see this file's docstring): skipped")
        return figures
    docs = corpus_docs(corpus)
    corpus_report(docs, available_peers(), show)
    date_report(date_table(corpus))
    speed_report("corpus", docs, max(1, repeat // 2))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=os.environ.get("FEEDPARSER_SDIST") or None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--show", type=int, default=0, help="list this many disagreements with feedparser")
    arguments = parser.parse_args()
    run(arguments.corpus, arguments.repeat, arguments.show)


if __name__ == "__main__":
    main()
