"""Synthetic brands for the batch benchmarks: a fixture-internet tree and a brands file.

    python benchmarks/generate.py 1000 /tmp/bench-web [--seed 7]

writes ``DEST/web/<host>/…`` (served by :class:`auditor.fixtures.fixtureweb.FixtureInternet`) and
``DEST/brands.csv`` (``name,url``, read by :func:`auditor.batch.read_brands`). Brand ``i`` is
``https://bNNNNN.example/``, a homepage whose feeds and links lead, in the proportions of
``SHARES`` drawn from a seeded generator (the same seed gives the same tree), to:

* an RSS or Atom feed at ``/feed/`` (60%; 30% of them stale by one to five years);
* a WordPress site declaring its REST API (30%; WordPress runs about 43% of websites,
  W3Techs): the exact ``/wp-json/wp/v2/posts?…`` and ``/wp-json/wp/v2/comments?post=ID&per_page=100``
  requests plugins/wordpress.py makes, copied from the bundled ``wpactive.example`` fixture
  with the host and dates changed;
* a YouTube channel (30%) linked as ``www.youtube.com/channel/UC…``, so plugins/youtube.py
  asks the shared ``www.youtube.com`` for the uploads feed alone (from ``UCacme…``);
* a Bluesky account (8%) linked as ``bsky.app/profile/did:plc:…``, so plugins/bluesky.py
  skips the handle lookup: its profile, author feed and two reply threads on the shared
  ``public.api.bsky.app`` (from ``did:plc:acme2x…``);
* a Mastodon account (5%), 60% of them on ``mastodon.social`` and the rest on fosstodon.org,
  hachyderm.io or mstdn.social: ``accounts/lookup``, its statuses and two reply threads (from
  ``@acme``, with its own numeric account and status ids);
* a Discourse forum at ``forum.bNNNNN.example`` (3%; ``latest.json``, ``about.json``,
  ``t/ID.json``, from ``forum.acme.example``);
* a GitHub organisation on the shared host ``api.github.com`` (4%; ``users/X``, its repos,
  open issues and their comments, from ``quiet-labs``), one account per brand;
* walled links: ``x.com/…`` (35%; its robots.txt disallows profiles), LinkedIn company pages
  answering 999 (35%), Facebook pages behind a login form (45%);
* a few feeds answering ``429`` with ``Retry-After: 1`` (every time: a host that stays
  rate-limited, so each retry must wait its second), a few dead links (a blog on a host that
  does not exist, a 404 page) and some robots.txt files.

The shares are those of the small and mid-sized brands an agency audits: many run WordPress,
link YouTube and the walled networks; fewer are on Bluesky or Mastodon; few have a GitHub
organisation or a forum. The copied accounts are active, healthy ones (an audit dates them);
30% of each brand's accounts are moved a year or more into the past (stale). Platform ids
(``UC`` + 22 characters, ``did:plc:`` + 24 base32 characters, numeric Mastodon ids) are
derived from the brand's index, valid for the plugins' parsing and unique per brand.

The real platform shapes come from the bundled fixtures (``auditor.fixtures.fixtureweb.bundled_root``),
so the generated sites answer exactly the URLs the plugins request.

With ``pages`` (``--pages DIR``: every ``*.html`` in DIR, used in turn), each homepage also carries
the markup of a real web page inside its ``<main>`` (its size and nesting, what parsing costs),
made inert so the audit asks for exactly what it asks of the full mix: no ``href`` or ``src``
attribute, ``<meta>``, ``<link>``, ``<base>``, ``<title>`` or JSON-LD survives, so the page links,
declares and names nothing. :func:`real_pages` finds the page-dates dataset
(``../shared/datasets/page-dates-dev/pages``, or ``$AUDITOR_BENCH_PAGES``) or else the bundled fixture
pages (small: then only the markup's variety is real, not its size).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

from auditor.fixtures.fixtureweb import bundled_root

AS_OF = datetime(2026, 11, 22, tzinfo=timezone.utc)
# Share of brands with each trait (independent draws, except where noted). The platform shares
# follow what the small and mid-sized brands an agency audits have, not what developer tools have:
# WordPress powers about 43% of websites (W3Techs), YouTube and the walled networks are common,
# Bluesky and Mastodon less so, and a GitHub organisation or a Discourse forum is rare.
SHARES = {
    "feed": 0.60,  # an RSS/Atom feed linked from the homepage
    "stale": 0.30,  # of the feeds: newest item one to five years old
    "atom": 0.35,  # of the feeds: Atom rather than RSS
    "wordpress": 0.30,  # WordPress with the REST API (has a feed too)
    "youtube": 0.30,  # a channel linked from the footer, on the shared www.youtube.com
    "bluesky": 0.08,  # on the shared public.api.bsky.app
    "mastodon": 0.05,  # 60% on mastodon.social, the rest on MASTODON_OTHERS
    "discourse": 0.03,
    "github": 0.04,  # on the shared api.github.com
    "x": 0.35,
    "linkedin": 0.35,
    "facebook": 0.45,
    "rate_limited": 0.015,  # the feed answers 429 Retry-After: 1
    "dead_blog": 0.03,  # a "Blog" link to blog.<brand host>, a host that does not exist
    "dead_page": 0.05,  # an "About" link that is a 404
    "about": 0.40,  # an about page that exists
    "robots": 0.50,  # a robots.txt (allowing everything but /wp-admin/)
}
# The lightest brand: a homepage linking one feed, and half the time a robots.txt (five
# requests: robots.txt, the homepage, the two sitemap locations discovery tries, the feed;
# none to a shared host). benchmarks/memory.py uses it for its 10,000-brand run.
LIGHT = {**{name: 0.0 for name in SHARES}, "feed": 1.0, "stale": 0.30, "atom": 0.35, "robots": 0.50}
MIXES = {"full": SHARES, "light": LIGHT}
STALE_ACCOUNT = 0.30  # of the GitHub, YouTube, Bluesky and Mastodon accounts: idle for ten months or more
MASTODON_HOME = "mastodon.social"
MASTODON_HOME_SHARE = 0.60
MASTODON_OTHERS = ("fosstodon.org", "hachyderm.io", "mstdn.social")

# The bundled accounts copied for every brand: active, healthy ones whose audit dates them.
YOUTUBE_TEMPLATE = "UCacmeCaXyMFSb4hBqlxJJLa"  # uploads feed with three videos
BLUESKY_TEMPLATE = "acme2xuid5zzzzg6zdmen4kh"  # did:plc:…: profile, author feed, two threads with replies
MASTODON_TEMPLATE = ("acme", "109400000000000001")  # username, account id: statuses and two reply threads
_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
_STATUS_ID = re.compile(r"\b117\d{15}\b")  # the template's Mastodon status ids (18-digit snowflakes)
_LAST_STATUS_DAY = re.compile(r'("last_status_at": ")(\d{4})-(\d{2})-(\d{2})(")')
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})")


@dataclass(frozen=True)
class Templates:
    """Files of the bundled fixtures, as (relative path, text) pairs, with the names to replace."""

    wordpress: tuple[tuple[str, str], ...]
    discourse: tuple[tuple[str, str], ...]
    github: tuple[tuple[str, str], ...]
    youtube: tuple[tuple[str, str], ...]  # under www.youtube.com
    bluesky: tuple[tuple[str, str], ...]  # under public.api.bsky.app
    mastodon: tuple[tuple[str, str], ...]  # under mastodon.social
    linkedin: str
    facebook: str
    x_robots: str


def load_templates(root: Path | None = None) -> Templates:
    root = root or bundled_root()

    def tree(base: Path, pattern: str = "**/*") -> tuple[tuple[str, str], ...]:
        return tuple(sorted((str(p.relative_to(base)), p.read_text("utf-8"))
                            for p in base.glob(pattern) if p.is_file()))

    github = tuple((path, text) for path, text in tree(root / "api.github.com") if "quiet-labs" in path)
    # Only the URLs the plugins request for these accounts (see generate()); nothing else is copied.
    youtube = tuple((p, t) for p, t in tree(root / "www.youtube.com", "feeds/*") if YOUTUBE_TEMPLATE in p)
    bluesky = tuple((p, t) for p, t in tree(root / "public.api.bsky.app", "xrpc/*") if BLUESKY_TEMPLATE in p)
    user, account_id = MASTODON_TEMPLATE
    accounts = f"api/v1/accounts/{account_id}/"
    mastodon_files = tree(root / MASTODON_HOME, "api/v1/**/*")
    statuses = [t for p, t in mastodon_files if p.startswith(accounts)]
    own_ids = set(_STATUS_ID.findall(statuses[0])) if statuses else set()
    mastodon = tuple((p, t) for p, t in mastodon_files
                     if p == f"api/v1/accounts/lookup?acct={user}.json" or p.startswith(accounts)
                     or (p.startswith("api/v1/statuses/") and p.split("/")[3] in own_ids))
    if not (youtube and len(bluesky) >= 2 and len(mastodon) >= 2):
        raise RuntimeError(f"the bundled YouTube/Bluesky/Mastodon template accounts are missing under {root}")
    return Templates(
        wordpress=tree(root / "wpactive.example", "wp-json/**/*"),
        discourse=tuple((p, t) for p, t in tree(root / "forum.acme.example") if p != "index.html"),
        github=github,
        youtube=youtube,
        bluesky=bluesky,
        mastodon=mastodon,
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


def shift_days(text: str, days: int) -> str:
    """Mastodon's date-only ``last_status_at`` moved ``days`` into the past, like :func:`shift_dates`."""
    def move(match: re.Match[str]) -> str:
        day = datetime(*map(int, match.group(2, 3, 4))) - timedelta(days=days)
        return f"{match.group(1)}{day:%Y-%m-%d}{match.group(5)}"

    return _LAST_STATUS_DAY.sub(move, text)


def _ident(index: int, salt: str, alphabet: str, length: int, index_chars: int) -> str:
    """A platform id of ``length`` characters from ``alphabet``: random-looking, derived from the
    brand's index (so the same on every run) and unique per brand (its last ``index_chars``
    characters spell the index in that alphabet)."""
    base = len(alphabet)
    if index >= base ** index_chars:
        raise ValueError(f"brand index {index} does not fit {index_chars} characters of a base-{base} id")
    digest = hashlib.blake2b(f"{salt}:{index}".encode(), digest_size=32).digest()
    head = "".join(alphabet[byte % base] for byte in digest[: length - index_chars])
    tail = ""
    for _ in range(index_chars):
        index, digit = divmod(index, base)
        tail = alphabet[digit] + tail
    return head + tail


def youtube_channel_id(index: int) -> str:
    """``UC`` + 22 characters, as plugins/youtube.py's CHANNEL_ID expects."""
    return "UC" + _ident(index, "youtube", _B64URL, 22, 4)


def bluesky_did(index: int) -> str:
    """``did:plc:`` + 24 base32 characters, as plugins/bluesky.py's DID expects."""
    return "did:plc:" + _ident(index, "bluesky", _BASE32, 24, 5)


def mastodon_account_id(index: int) -> str:
    """A numeric account id (18 digits, like Mastodon's), unique per brand."""
    return f"110{index:015d}"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def _account_days(rng: random.Random) -> int:
    """How far back a copied account's dates move: most are active, some idle for a year or more."""
    return rng.randint(300, 1500) if rng.random() < STALE_ACCOUNT else rng.randint(0, 40)


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


def _mastodon(site: Path, templates: Templates, index: int, handle: str, host: str, name: str, days: int) -> None:
    """The template Mastodon account as ``@handle`` on the server whose folder is ``site``."""
    user, template_id = MASTODON_TEMPLATE
    server = site.name
    account_id = mastodon_account_id(index)
    # Status ids are per server, so every brand gets its own: 117, the brand's index, a serial.
    status_ids: dict[str, str] = {}

    def status_id(match: re.Match[str]) -> str:
        return status_ids.setdefault(match.group(0), f"117{index:07d}{len(status_ids):08d}")

    own_name = re.compile(rf"\b{user}\b")
    for relative, text in templates.mastodon:
        text = own_name.sub(handle, text.replace(f"{user}.example", host).replace("Acme Outdoor", name))
        text = _STATUS_ID.sub(status_id, text.replace(template_id, account_id)).replace(MASTODON_HOME, server)
        relative = _STATUS_ID.sub(status_id, relative.replace(f"acct={user}.", f"acct={handle}."))
        _write(site / relative.replace(template_id, account_id), shift_days(shift_dates(text, days), days))


# The page-dates dataset beside the repository (or where AUDITOR_BENCH_PAGES points).
DATASET_PAGES = Path(os.environ.get("AUDITOR_BENCH_PAGES") or
                     Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "page-dates-dev" / "pages")
_INERT_DROP = re.compile(
    r"<!DOCTYPE[^>]*>|</?(?:html|head|body)\b[^>]*>|<(?:meta|link|base)\b[^>]*>|<title\b.*?</title>"
    r"|<script\b[^>]*ld\+json[^>]*>.*?</script>", re.IGNORECASE | re.DOTALL)
_INERT_ATTRIBUTES = re.compile(r"(\s)(href|src|srcset|rel|action)(\s*=)", re.IGNORECASE)


def real_pages() -> tuple[str, list[Path]]:
    """Where real-size pages come from and the pages: the page-dates dataset when present, else the
    bundled fixture pages (``fixtures/web/*/…/*.html``)."""
    found = sorted(DATASET_PAGES.glob("*.html")) if DATASET_PAGES.is_dir() else []
    if found:
        return str(DATASET_PAGES), found
    return "the bundled fixture pages", sorted(bundled_root().rglob("*.html"))


def inert(markup: str) -> str:
    """A page's markup that links, declares and names nothing (see the module docstring)."""
    return _INERT_ATTRIBUTES.sub(r"\1data-\2\3", _INERT_DROP.sub("", markup))


def generate(count: int, dest: Path, *, seed: int = 7, templates: Templates | None = None,
             drawn: list[dict[str, bool | str]] | None = None, shares: dict[str, float] = SHARES,
             pages: list[Path] | None = None) -> Path:
    """Write ``count`` brands under ``dest``; returns the brands file. Same seed, same tree.

    ``shares`` gives each trait's share (``SHARES``, or ``LIGHT`` for the lightest brands).

    ``drawn``, when given, receives each brand's traits in order (and, for a Mastodon account,
    its ``mastodon_host``), so callers can pick brands by what they have."""
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
        trait = {name: rng.random() < share for name, share in shares.items()}
        if drawn is not None:
            drawn.append(dict(trait))
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
            days = _account_days(rng)
            for relative, text in templates.github:
                _write(web / "api.github.com" / relative.replace("quiet-labs", org),
                       shift_dates(text.replace("quiet-labs", org).replace("Quiet Labs", name), days))
            footer.append(f'<a href="https://github.com/{org}">GitHub</a>')
        if trait["youtube"]:
            # A /channel/UC… link: plugins/youtube.py reads the id from the URL and asks for the
            # uploads feed alone (an /@handle link would cost a channel page first).
            channel_id = youtube_channel_id(index)
            days = _account_days(rng)
            for relative, text in templates.youtube:
                text = text.replace(YOUTUBE_TEMPLATE[2:], channel_id[2:]).replace("Acme Outdoor", name)
                _write(web / "www.youtube.com" / relative.replace(YOUTUBE_TEMPLATE, channel_id),
                       shift_dates(text, days))
            footer.append(f'<a href="https://www.youtube.com/channel/{channel_id}">YouTube</a>')
        if trait["bluesky"]:
            # A DID profile link: plugins/bluesky.py skips resolveHandle and asks for the profile,
            # the author feed and the thread of each post with replies (two in the template): four
            # requests on the shared host.
            did = bluesky_did(index)
            days = _account_days(rng)
            suffix = did.removeprefix("did:plc:")
            for relative, text in templates.bluesky:
                text = (text.replace(BLUESKY_TEMPLATE, suffix).replace("acme.bsky.social", f"{handle}.bsky.social")
                        .replace("Acme Outdoor", name))
                _write(web / "public.api.bsky.app" / relative.replace(BLUESKY_TEMPLATE, suffix),
                       shift_dates(text, days))
            footer.append(f'<a href="https://bsky.app/profile/{did}">Bluesky</a>')
        if trait["mastodon"]:
            # plugins/mastodon.py: accounts/lookup, the account's statuses, and the context of each
            # status with replies (two in the template): four requests on the instance.
            server = (MASTODON_HOME if rng.random() < MASTODON_HOME_SHARE
                      else MASTODON_OTHERS[rng.randrange(len(MASTODON_OTHERS))])
            if drawn is not None:
                drawn[-1]["mastodon_host"] = server
            _mastodon(web / server, templates, index, handle, host, name, _account_days(rng))
            footer.append(f'<a rel="me" href="https://{server}/@{handle}">Mastodon</a>')
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
        body = inert(pages[index % len(pages)].read_text("utf-8", errors="replace")) if pages else ""
        _write(site / "index.html", (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' + "\n".join(head) + "\n</head>\n"
            f"<body>\n<header><p class=\"site-title\"><a href=\"https://{host}/\">{name}</a></p>\n"
            f"<nav>{' '.join(nav)}</nav></header>\n<main><h1>{name}</h1><p>Things we make.</p>{body}</main>\n"
            f"<footer>{' '.join(footer)} &copy; 2026 {name}</footer>\n</body>\n</html>\n"))
    brands = dest / "brands.csv"
    brands.write_text("\n".join(rows) + "\n", "utf-8")
    return brands


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mix", choices=sorted(MIXES), default="full",
                        help="full: the platform shares above; light: a homepage and one feed per brand")
    parser.add_argument("--pages", type=Path, help="real pages (*.html) to carry on the homepages")
    args = parser.parse_args(argv)
    pages = sorted(args.pages.glob("*.html")) if args.pages else None
    brands = generate(args.count, args.dest, seed=args.seed, shares=MIXES[args.mix], pages=pages)
    print(f"{args.count} brands: {brands} (sites under {args.dest / 'web'})", file=sys.stderr)


if __name__ == "__main__":
    main()
