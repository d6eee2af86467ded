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
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

import re

MAX_DEPTH = 512

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


def flatten_deep_nesting(html: str, max_depth: int = MAX_DEPTH) -> str:
    """``html`` with elements nested deeper than ``max_depth`` unwrapped (their content kept)."""
    if html.count("<") <= max_depth:
        return html  # too few tags to nest that deep: the common case costs one count
    pieces: list[str] = []
    kept_from = 0
    depth = 0  # counted elements open
    dropped = 0  # start tags dropped whose end tags have not come yet
    foreign = 0
    position = 0
    while True:
        match = _TOKEN.search(html, position)
        if match is None:
            break
        position = match.end()
        closing, name, rest = match.group(1), match.group(2), match.group(3)
        if name is None:
            continue  # a comment
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


def parse_html(html: str) -> LexborHTMLParser:
    """The one way the auditor parses HTML: over-deep nesting flattened first, then lexbor."""
    return LexborHTMLParser(flatten_deep_nesting(html))
