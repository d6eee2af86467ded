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
It reads only the string it is given.

Two more caps keep the rest of the parse linear: an element keeps its first
:data:`MAX_ATTRIBUTES` attributes (lexbor's cost per element grows with the square of its
distinct attributes: 40,000 on one ``<div>`` take 15 s), and a page is read up to its
:data:`MAX_ELEMENTS`-th start tag, the rest dropped (lexbor is linear in elements, but every
plugin's queries then walk them all).
"""

from __future__ import annotations

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
# Each attribute takes at least two characters (a space and a name): a shorter tag needs no count.
_LONG_TAG = re.compile(r"<[A-Za-z][^<>]{%d}" % (2 * MAX_ATTRIBUTES))


def flatten_deep_nesting(html: str, max_depth: int = MAX_DEPTH) -> str:
    """``html`` with elements nested deeper than ``max_depth`` unwrapped (their content kept)."""
    if html.count("<") <= max_depth and _LONG_TAG.search(html) is None:
        return html  # too few tags to nest that deep, none long enough to need a count: the common case
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
        return html
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


def parse_html(html: str) -> LexborHTMLParser:
    """The one way the auditor parses HTML: over-deep nesting flattened first, then lexbor."""
    return LexborHTMLParser(flatten_deep_nesting(html))
