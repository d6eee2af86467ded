"""Synthetic brands for the batch benchmarks: a fixture-internet tree and a brands file.

    python benchmarks/generate.py 1000 /tmp/bench-web [--seed 7]

writes ``DEST/web/<host>/…`` (served by :class:`auditor.fixtureweb.FixtureInternet`) and
``DEST/brands.csv`` (``name,url``, read by :func:`auditor.batch.read_brands`). Brand ``i`` is
``https://bNNNNN.example/``, a homepage whose feeds and links lead, in fixed proportions
drawn from a seeded generator (the same seed gives the same tree), to:

* an RSS or Atom feed at ``/feed/`` (most brands; some stale by one to five years);
* a WordPress site declaring its REST API: the exact ``/wp-json/wp/v2/posts?…`` and
  ``/wp-json/wp/v2/comments?post=ID&per_page=100`` requests plugins/wordpress.py makes,
  copied from the bundled ``wpactive.example`` fixture with the host and dates changed;
* a Discourse forum at ``forum.bNNNNN.example`` (``latest.json``, ``about.json``,
  ``t/ID.json``, from ``forum.acme.example``);
* a GitHub organisation on the shared host ``api.github.com`` (``users/X``, its repos, open
  issues and their comments, from ``quiet-labs``), one account per brand;
* walled links: ``x.com/…`` (whose robots.txt disallows profiles), LinkedIn company pages
  answering 999, Facebook pages behind a login form;
* a few feeds answering ``429`` with ``Retry-After: 1`` (every time: a host that stays
  rate-limited, so each retry must wait its second), a few dead links (a blog on a host that
  does not exist, a 404 page) and some robots.txt files.

The real platform shapes come from the bundled fixtures (``auditor.fixtureweb.bundled_root``),
so the generated sites answer exactly the URLs the plugins request.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

from auditor.fixtureweb import bundled_root

AS_OF = datetime(2026, 11, 22, tzinfo=timezone.utc)
# Share of brands with each trait (independent draws, except where noted).
SHARES = {
    "feed": 0.75,  # an RSS/Atom feed linked from the homepage
    "stale": 0.30,  # of the feeds: newest item one to five years old
    "atom": 0.35,  # of the feeds: Atom rather than RSS
    "wordpress": 0.15,  # WordPress with the REST API (has a feed too)
    "discourse": 0.10,
    "github": 0.20,
    "x": 0.35,
    "linkedin": 0.25,
    "facebook": 0.25,
    "rate_limited": 0.015,  # the feed answers 429 Retry-After: 1
    "dead_blog": 0.03,  # a "Blog" link to blog.<brand host>, a host that does not exist
    "dead_page": 0.05,  # an "About" link that is a 404
    "about": 0.40,  # an about page that exists
    "robots": 0.50,  # a robots.txt (allowing everything but /wp-admin/)
}
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})")


@dataclass(frozen=True)
class Templates:
    """Files of the bundled fixtures, as (relative path, text) pairs, with the names to replace."""

    wordpress: tuple[tuple[str, str], ...]
    discourse: tuple[tuple[str, str], ...]
    github: tuple[tuple[str, str], ...]
    linkedin: str
    facebook: str
    x_robots: str


def load_templates(root: Path | None = None) -> Templates:
    root = root or bundled_root()

    def tree(base: Path, pattern: str = "**/*") -> tuple[tuple[str, str], ...]:
        return tuple(sorted((str(p.relative_to(base)), p.read_text("utf-8"))
                            for p in base.glob(pattern) if p.is_file()))

    github = tuple((path, text) for path, text in tree(root / "api.github.com") if "quiet-labs" in path)
    return Templates(
        wordpress=tree(root / "wpactive.example", "wp-json/**/*"),
        discourse=tuple((p, t) for p, t in tree(root / "forum.acme.example") if p != "index.html"),
        github=github,
        linkedin=(root / "www.linkedin.com/company/bigbrand/index.http").read_text("utf-8"),
        facebook=(root / "www.facebook.com/bigbrand.html").read_text("utf-8"),
        x_robots=(root / "x.com/robots.txt").read_text("utf-8"),
    )


def shift_dates(text: str, days: int) -> str:
    """Every ISO timestamp in ``text`` moved ``days`` into the past (format kept)."""
    def move(match: re.Match[str]) -> str:
        moment = datetime(*map(int, match.groups())) - timedelta(days=days)
        return moment.strftime("%Y-%m-%dT%H:%M:%S")

    return _ISO.sub(move, text)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def _feed(host: str, name: str, atom: bool, newest_age: int, rng: random.Random) -> str:
    count = rng.randint(5, 12)
    ages = sorted(newest_age + rng.randint(0, 20) * k for k in range(count))
    entries = []
    for number, age in enumerate(ages):
        when = AS_OF - timedelta(days=age, hours=rng.randint(0, 23))
        link = f"https://{host}/{when:%Y/%m/%d}/post-{count - number}/"
        title = f"{name} news, part {count - number}"
        if atom:
            entries.append(f"  <entry>\n    <title>{title}</title>\n    <link href=\"{link}\"/>\n"
                           f"    <id>{link}</id>\n    <published>{when:%Y-%m-%dT%H:%M:%SZ}</published>\n"
                           f"    <updated>{when:%Y-%m-%dT%H:%M:%SZ}</updated>\n"
                           f"    <summary>What happened at {name}.</summary>\n  </entry>")
        else:
            entries.append(f"    <item>\n      <title>{title}</title>\n      <link>{link}</link>\n"
                           f"      <guid isPermaLink=\"true\">{link}</guid>\n"
                           f"      <pubDate>{format_datetime(when)}</pubDate>\n"
                           f"      <description>What happened at {name}.</description>\n    </item>")
    newest = AS_OF - timedelta(days=ages[0])
    if atom:
        return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
                f"  <title>{name}</title>\n  <link href=\"https://{host}/\"/>\n  <id>https://{host}/</id>\n"
                f"  <updated>{newest:%Y-%m-%dT%H:%M:%SZ}</updated>\n" + "\n".join(entries) + "\n</feed>\n")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n  <channel>\n'
            f"    <title>{name}</title>\n    <link>https://{host}/</link>\n"
            f"    <description>News from {name}</description>\n"
            f"    <lastBuildDate>{format_datetime(newest)}</lastBuildDate>\n"
            + "\n".join(entries) + "\n  </channel>\n</rss>\n")


def generate(count: int, dest: Path, *, seed: int = 7, templates: Templates | None = None) -> Path:
    """Write ``count`` brands under ``dest``; returns the brands file. Same seed, same tree."""
    templates = templates or load_templates()
    rng = random.Random(seed)
    web = dest / "web"
    web.mkdir(parents=True, exist_ok=True)
    _write(web / "x.com" / "robots.txt", templates.x_robots)
    (web / "www.linkedin.com").mkdir(exist_ok=True)
    (web / "www.facebook.com").mkdir(exist_ok=True)
    (web / "api.github.com").mkdir(exist_ok=True)
    rows = ["name,url"]
    for index in range(count):
        trait = {name: rng.random() < share for name, share in SHARES.items()}
        handle = f"b{index:05d}"
        host = f"{handle}.example"
        name = f"Brand {index:05d}"
        rows.append(f"{name},https://{host}/")
        site = web / host
        head = [f"<title>{name}</title>"]
        nav: list[str] = []
        footer: list[str] = []
        if trait["robots"]:
            _write(site / "robots.txt", "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n")
        has_feed = trait["feed"] or trait["wordpress"]
        if has_feed:
            age = rng.randint(400, 1900) if trait["stale"] else rng.randint(0, 60)
            atom = trait["atom"] and not trait["wordpress"]
            kind = "atom+xml" if atom else "rss+xml"
            head.append(f'<link rel="alternate" type="application/{kind}" title="{name} &raquo; Feed" '
                        f'href="https://{host}/feed/" />')
            if trait["rate_limited"]:
                _write(site / "feed" / "index.http",
                       "HTTP/1.1 429 Too Many Requests\nContent-Type: text/plain\nRetry-After: 1\n\nslow down\n")
            else:
                _write(site / "feed" / "index.xml", _feed(host, name, atom, age, rng))
        if trait["wordpress"]:
            head.append(f'<link rel="https://api.w.org/" href="https://{host}/wp-json/" />')
            head.append('<meta name="generator" content="WordPress 6.8.1" />')
            days = rng.randint(400, 1500) if trait["stale"] else rng.randint(0, 30)
            for relative, text in templates.wordpress:
                _write(site / relative, shift_dates(text.replace("wpactive.example", host), days))
        if trait["discourse"]:
            forum = f"forum.{host}"
            days = rng.randint(200, 1200) if rng.random() < 0.3 else rng.randint(0, 20)
            for relative, text in templates.discourse:
                _write(web / forum / relative, shift_dates(text.replace("forum.acme.example", forum), days))
            _write(web / forum / "index.html",
                   f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{name} Forum</title>\n'
                   '<meta name="generator" content="Discourse 3.4.0.beta3 - https://github.com/discourse/discourse">\n'
                   f'</head><body><noscript><h1>{name} Forum</h1></noscript></body></html>\n')
            footer.append(f'<a href="https://{forum}/">Community forum</a>')
        if trait["github"]:
            org = f"{handle}-labs"
            days = rng.randint(300, 1500) if rng.random() < 0.3 else rng.randint(0, 40)
            for relative, text in templates.github:
                _write(web / "api.github.com" / relative.replace("quiet-labs", org),
                       shift_dates(text.replace("quiet-labs", org).replace("Quiet Labs", name), days))
            footer.append(f'<a href="https://github.com/{org}">GitHub</a>')
        if trait["x"]:
            footer.append(f'<a href="https://x.com/{handle}">X</a>')
        if trait["linkedin"]:
            _write(web / "www.linkedin.com" / "company" / handle / "index.http", templates.linkedin)
            footer.append(f'<a href="https://www.linkedin.com/company/{handle}/">LinkedIn</a>')
        if trait["facebook"]:
            _write(web / "www.facebook.com" / f"{handle}.html", templates.facebook.replace("BigBrand", name))
            footer.append(f'<a href="https://www.facebook.com/{handle}">Facebook</a>')
        if trait["dead_blog"]:
            nav.append(f'<a href="https://blog.{host}/">Blog</a>')  # no such host: down
        if trait["about"]:
            _write(site / "about" / "index.html",
                   f"<!DOCTYPE html><html><head><title>About {name}</title></head>"
                   f"<body><h1>About {name}</h1><p>Founded in {1950 + index % 70}.</p></body></html>\n")
            nav.append(f'<a href="https://{host}/about/">About</a>')
        elif trait["dead_page"]:
            nav.append(f'<a href="https://{host}/about/">About</a>')
        _write(site / "index.html", (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' + "\n".join(head) + "\n</head>\n"
            f"<body>\n<header><p class=\"site-title\"><a href=\"https://{host}/\">{name}</a></p>\n"
            f"<nav>{' '.join(nav)}</nav></header>\n<main><h1>{name}</h1><p>Things we make.</p></main>\n"
            f"<footer>{' '.join(footer)} &copy; 2026 {name}</footer>\n</body>\n</html>\n"))
    brands = dest / "brands.csv"
    brands.write_text("\n".join(rows) + "\n", "utf-8")
    return brands


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    brands = generate(args.count, args.dest, seed=args.seed)
    print(f"{args.count} brands: {brands} (sites under {args.dest / 'web'})", file=sys.stderr)


if __name__ == "__main__":
    main()
