"""Cap how deep a page's elements nest before it is parsed, so hostile HTML costs linear time.

For many start tags (``<div>``, ``<section>``, ``<ul>``…) an HTML parser checks the stack of
open elements ("is a ``<p>`` open in button scope?"), so a page of 100,000 nested ``<div>``\\ s
costs a spec-following parser such as lexbor time that grows with the square of the depth:
about 13 seconds for 120,000, all of it blocking the audit's event loop. Browsers cap the
depth too (Blink at 512).

:func:`flatten_deep_nesting` drops the start tags (and their matching end tags) of elements
that would open deeper than :data:`MAX_DEPTH`, and nothing else: text, comments, void
elements such as ``<link>``, ``<meta>`` and ``<img>``, and ``<a>`` (which never nests in
itself) stay where they were. A page that never nests that deep is returned unchanged.
It reads only the string it is given. :func:`parse_html` parses a page of few tags directly and
flattens it only when the tree turns out too deep.

Two more caps keep the rest of the parse linear: an element keeps its first
:data:`MAX_ATTRIBUTES` attributes (lexbor's cost per element grows with the square of its
distinct attributes: 40,000 on one ``<div>`` take 15 s), and a page is read up to its
:data:`MAX_ELEMENTS`-th start tag, the rest dropped (lexbor is linear in elements, but every
plugin's queries then walk them all).
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate, compress

from selectolax.lexbor import LexborHTMLParser

import re

MAX_DEPTH = 512
MAX_ATTRIBUTES = 256  # per element; real pages use a few dozen at most
MAX_ELEMENTS = 200_000  # start tags read from one page; real pages have a few thousand

_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"  # a comment: tags inside it are not tags
    # A tag; "<" cannot occur inside one, so a failed match costs only the distance to the next
    # "<" or ">", keeping the whole scan linear even on input full of unterminated tags.
    r"|<(/?)([A-Za-z][^\t\n\f\r /<>]*)([^<>]*)>",
    re.DOTALL,
)
# Elements with no content, and elements whose end tag a parser implies (a new <li> closes the
# last one): neither can pile up on the stack of open elements, so neither counts.
_NOT_COUNTED = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr", "keygen", "frame", "basefont", "bgsound", "image",
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rp", "rtc", "thead", "tbody",
    "tfoot", "colgroup", "caption", "html", "head", "body", "a",
})
# Their content is text to the parser, whatever it looks like.
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"})
_FOREIGN = frozenset({"svg", "math"})  # inside these, <x/> closes itself
_ATTRIBUTE = re.compile(r"""[^\s/>=][^\s/>=]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?""")


# The quick checks before a parse read the page as lexbor does, UTF-8 bytes: a scan of bytes is
# quicker than one of text outside ASCII, and lexbor is handed the same bytes (no second encoding).
# Where they skip text: a comment, or a raw-text element's content (when its start tag is whole).
# Letters are spelled in both cases: an IGNORECASE scan of a whole page is several times slower.
_HIDDEN_START = re.compile(rb"<(?:!--|(" + b"|".join(
    "".join(f"[{c}{c.upper()}]" for c in name).encode() for name in sorted(_RAW_TEXT)) + rb")(?=[\t\n\f\r />]))")
_TAG_REST = re.compile(rb"[^<>]*>")
_RAW_END: dict[bytes, re.Pattern[bytes]] = {name.encode(): re.compile(rf"</{name}".encode(), re.IGNORECASE)
                                            for name in _RAW_TEXT}
# A start tag's name ("div"), or a whole end tag without attributes ("/div>").
_TAG_NAME = re.compile(rb"<(/[A-Za-z][^\t\n\f\r /<>]*\s*>|[A-Za-z][^\t\n\f\r /<>]*)")
_ATTRIBUTE_BYTES = re.compile(_ATTRIBUTE.pattern.encode())
_LETTERS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")  # byte values a tag name starts with


def _utf8(html: str) -> bytes:
    """The bytes lexbor parses for ``html`` (selectolax drops what UTF-8 cannot hold, lone surrogates)."""
    return html.encode("utf-8", "ignore")


def _hidden_spans(html: bytes) -> list[tuple[int, int]]:
    """Where ``html``'s comments and raw-text contents are, as (start, end) offsets in page order.

    A raw-text span starts at its element's start tag (which, when not whole, hides nothing) and
    ends where the element's end tag starts."""
    spans: list[tuple[int, int]] = []
    position = 0
    while True:
        match = _HIDDEN_START.search(html, position)
        if match is None:
            return spans
        name = match.group(1)
        if name is None:  # a comment
            end = html.find(b"-->", match.end())
            end = len(html) if end < 0 else end + 3
        else:
            rest = _TAG_REST.match(html, match.end())
            if rest is None:  # not a whole start tag: the scan does not treat what follows as raw text
                position = match.end()
                continue
            closing = _RAW_END[name.lower()].search(html, rest.end())
            end = len(html) if closing is None else closing.start()
        spans.append((match.start(), end))
        position = end


def _tag_names(html: bytes) -> list[bytes]:
    """The :data:`_TAG_NAME` matches of ``html`` outside comments and raw-text content, in order."""
    names: list[bytes] = []
    kept_from = 0
    for start, end in _hidden_spans(html):
        names += _TAG_NAME.findall(html, kept_from, start)
        kept_from = end
    names += _TAG_NAME.findall(html, kept_from)
    return names


def _depth_bound(html: bytes) -> int:
    """An upper bound of the depth the scan in :func:`flatten_deep_nesting` reaches, without its Python loop.

    Over the same visible text: each counted start tag is +1 (unfinished and self-closed foreign
    ones too, which only raises the bound), each counted end tag without attributes -1 (ones with
    attributes are left out, which only raises it too). The scan floors its depth at zero, so its
    depth never exceeds the highest running sum minus the lowest (or zero).
    """
    names = _tag_names(html)
    weights = {}
    for name in set(names):
        closing = name.startswith(b"/")
        bare = (name[1:].rstrip(b"> \t\n\f\r") if closing else name).lower().decode("utf-8", "replace")
        weights[name] = 0 if bare in _NOT_COUNTED else (-1 if closing else 1)
    sums = list(accumulate(map(weights.__getitem__, names)))
    return max(sums, default=0) - min(0, min(sums, default=0))


def _uncapped_tags(html: bytes) -> int | None:
    """How many ``<`` the page holds, or None when a cap other than the depth's applies to it: a start tag
    holds more than :data:`MAX_ATTRIBUTES` attributes, or the page has tags enough to reach
    :data:`MAX_ELEMENTS`. Only tags long enough to hold that many attributes are counted (a long
    ``srcset`` or ``style`` is common; many attributes are not), and only outside scripts and comments.

    The page is split at each ``<`` (one pass in C); a tag is the text of its piece up to the first ``>``,
    so only the few pieces longer than a tag with that many attributes are looked at in Python."""
    pieces = html.split(b"<")
    tags = len(pieces) - 1
    if tags > MAX_ELEMENTS:
        return None
    shortest = 2 * MAX_ATTRIBUTES + 1  # a letter, then a space and a name per attribute
    long = compress(range(len(pieces)), map(shortest.__le__, map(len, pieces)))  # the long pieces, chosen in C
    suspects = [index for index in long if pieces[index][0] in _LETTERS and _may_hold_too_many(pieces[index], shortest)]
    if not suspects:
        return tags
    # A "tag" in a script or a comment is text: only those outside them count.
    ends = [0, *accumulate(map(len, pieces))]  # piece i's "<" is at ends[i] + i - 1
    hidden = _hidden_spans(html)
    for index in suspects:
        where = ends[index] + index - 1
        span = bisect_right(hidden, (where, len(html) + 1)) - 1
        if span < 0 or not hidden[span][0] < where < hidden[span][1]:
            return None
    return tags


def _may_hold_too_many(piece: bytes, shortest: int) -> bool:
    """Whether the bytes after a ``<`` (a letter first) are a start tag with more than :data:`MAX_ATTRIBUTES`
    attributes. Read in place: the tag's end is found, its separators counted up to it, nothing copied."""
    end = piece.find(b">", 1)
    if end < 0:
        end = len(piece)
    elif end < shortest:
        return False  # a short tag, then text: the common long piece
    if piece.count(b" ", 0, end) + piece.count(b"\n", 0, end) + piece.count(b"\t", 0, end) <= MAX_ATTRIBUTES:
        return False  # fewer separators than attributes allowed: cannot hold too many (the common long tag)
    return sum(1 for _ in _ATTRIBUTE_BYTES.finditer(piece, 0, end)) > MAX_ATTRIBUTES


def flatten_deep_nesting(html: str, max_depth: int = MAX_DEPTH) -> str:
    """``html`` with elements nested deeper than ``max_depth`` unwrapped (their content kept)."""
    data = _utf8(html)
    flattened = _flattened(html, max_depth, data if _uncapped_tags(data) is not None else None)
    return html if flattened is None else flattened


def _flattened(html: str, max_depth: int, uncapped: bytes | None) -> str | None:
    """:func:`flatten_deep_nesting`, or None when it would return ``html`` unchanged. ``uncapped`` is the
    page's UTF-8 when no cap but the depth's applies to it (see :func:`_uncapped_tags`), else None."""
    if uncapped is not None and _depth_bound(uncapped) < max_depth:
        return None  # cannot nest that deep, and no tag or count to cap: the common case costs a few passes in C
    pieces: list[str] = []
    kept_from = 0
    depth = 0  # counted elements open
    dropped = 0  # start tags dropped whose end tags have not come yet
    foreign = 0
    elements = 0
    position = 0
    while True:
        match = _TOKEN.search(html, position)
        if match is None:
            break
        position = match.end()
        closing, name, rest = match.group(1), match.group(2), match.group(3)
        if name is None:
            continue  # a comment
        trimmed = False
        if not closing:
            elements += 1
            if elements > MAX_ELEMENTS:  # the rest of the page is not read
                pieces.append(html[kept_from:match.start()])
                kept_from = len(html)
                break
            if len(rest) > 2 * MAX_ATTRIBUTES:
                kept = _first_attributes(rest, MAX_ATTRIBUTES)
                if kept is not None:
                    pieces += (html[kept_from:match.start()], f"<{name}{kept}>")
                    kept_from = match.end()
                    trimmed = True
        name = name.lower()
        if not closing and name in _RAW_TEXT:
            end = re.compile(rf"</{re.escape(name)}", re.IGNORECASE).search(html, position)
            position = len(html) if end is None else end.start()
            continue
        if name in _NOT_COUNTED:
            continue
        if closing:
            if dropped:
                dropped -= 1
                pieces.append(html[kept_from:match.start()])
                kept_from = match.end()
            else:
                depth = max(0, depth - 1)
                foreign = max(0, foreign - 1) if name in _FOREIGN else foreign
            continue
        if foreign and rest.rstrip().endswith("/"):
            continue  # a self-closed element in SVG or MathML
        if depth >= max_depth:
            dropped += 1
            if trimmed:
                pieces.pop()  # the trimmed start tag goes too
            else:
                pieces.append(html[kept_from:match.start()])
            kept_from = match.end()
            continue
        depth += 1
        if name in _FOREIGN:
            foreign += 1
    if not pieces:
        return None
    pieces.append(html[kept_from:])
    return "".join(pieces)


def _first_attributes(rest: str, limit: int) -> str | None:
    """A start tag's text after its name, cut after its first ``limit`` attributes; None if it has no more."""
    for count, attribute in enumerate(_ATTRIBUTE.finditer(rest), 1):
        if count == limit:
            end = attribute.end()
            if _ATTRIBUTE.search(rest, end) is None:
                return None
            return rest[:end] + ("/" if rest.rstrip().endswith("/") else "")
    return None


# A page of at most this many tags is parsed as it is first: however it nests, lexbor takes at most
# some tens of milliseconds over it (3,000 nested <div>s and <section>s), less than bounding its
# depth beforehand costs on ordinary pages.
DIRECT_PARSE_TAGS = 3000
# Matches an element with more than MAX_DEPTH ancestors below the document. Lexbor parses a selector
# on every query, and this long one costs about 0.2 ms, so a short one that any page deep enough
# for it matches is asked first (ordinary pages nest a few dozen levels).
_TOO_DEEP = " > ".join(["*"] * (MAX_DEPTH + 2))
_RATHER_DEEP = " > ".join(["*"] * 100)


def parse_html(html: str) -> LexborHTMLParser:
    """The one way the auditor parses HTML: over-deep nesting flattened first, then lexbor.

    A page with few tags is parsed directly and only flattened (and parsed again) when its tree
    turns out deeper than :data:`MAX_DEPTH`, so either way its nesting is capped as the flattening caps it.
    """
    data = _utf8(html)
    tags = _uncapped_tags(data)
    if tags is not None and tags <= MAX_DEPTH:
        return LexborHTMLParser(data)  # too few tags to nest that deep
    if tags is not None and tags <= DIRECT_PARSE_TAGS:
        tree = LexborHTMLParser(data)
        if tree.css_first(_RATHER_DEEP) is None or tree.css_first(_TOO_DEEP) is None:
            return tree
    # Too many tags to parse blind, or a tag with too many attributes, or too many tags.
    flattened = _flattened(html, MAX_DEPTH, data if tags is not None else None)
    return LexborHTMLParser(data if flattened is None else flattened)
