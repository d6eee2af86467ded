"""Cap what a page can make the HTML parser do before it is parsed, so hostile HTML costs linear time.

For many tokens an HTML parser walks its stack of open elements ("is a ``<p>`` open in button
scope?"), so a page of 100,000 nested ``<div>``\\ s costs a spec-following parser such as lexbor time
that grows with the square of the depth: about 13 seconds for 120,000, all of it blocking the audit's
event loop. Browsers cap the depth too (Blink at 512). Three more things grow faster than the page:
an element's attributes (lexbor's cost grows with the square of their number: 40,000 on one ``<div>``
take 15 s), formatting elements left open (each one the parser re-opens after every block, so 500
distinct ``<b>``\\ s and 800 ``<div>``\\ s make 400,000 elements), and plainly many tags.

:func:`parse_html` reads the page's tokens as an HTML tokenizer does (quoted attribute values may hold
``<`` and ``>``; comments, scripts and other raw text hide what looks like tags; ``<svg>`` and
``<math>`` content follows its own rules) and follows a cautious model of the parser's stack of open
elements: an element is counted as open until an end tag the parser would certainly honour closes
it, so the model's depth is never below the parser's. A page within every cap is handed to lexbor
unchanged. That common case is decided in one pass by :mod:`auditor.parse._htmlscan` where the package
was built with a C compiler (it reads the same tokens and follows the same model up to its first edit),
and otherwise by one scan of the token pattern and one loop over the tag names. Otherwise the start tags
that would open deeper than :data:`MAX_DEPTH` (or leave more than :data:`MAX_FORMATTING` formatting
elements open) are dropped with their end tags, an element keeps its first :data:`MAX_ATTRIBUTES`
attributes, the page is read up to its :data:`MAX_ELEMENTS`-th start tag, and raw text read as
markup more than :data:`MAX_RAW_NESTING` deep within itself is dropped whole; text, comments and
everything else stay where they were.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser

try:  # the common case in C, where the package was built with a compiler (setup.py)
    from auditor.parse import _htmlscan
except ImportError:  # pragma: no cover - the Python model alone
    _htmlscan = None  # type: ignore[assignment]

MAX_DEPTH = 512
MAX_ATTRIBUTES = 256  # per element; real pages use a few dozen at most
MAX_FORMATTING = 64  # formatting elements (<b>, <font>…) left open at once
MAX_ELEMENTS = 200_000  # start tags read from one page; real pages have a few thousand
# Raw text read as markup (in <svg> and <math>, or after a CDATA section's first ">" in HTML) within raw
# text read so: real pages go two deep at most. Deeper, the outermost is dropped (each level is one more
# scan of what follows it).
MAX_RAW_NESTING = 8
# How far down the stack an end tag is looked for. Further down, the model keeps the element open
# (the parser may close it: the model only ever counts more than the parser holds).
_REACH = 16


def _either_case(name: str) -> bytes:
    """A pattern matching ``name`` in any letter case (an IGNORECASE scan of a whole page is several times slower)."""
    return "".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in name).encode()


# The tokens, over the page's UTF-8 bytes. Whitespace is the tokenizer's own (no vertical tab).
_SEPARATOR = rb"(?:[\t\n\f\r ]|/(?!>))++"  # a "/" right before ">" closes the tag itself
# An attribute: a name (which may start with "=" and hold quotes or "<"), then maybe "=" and a value;
# only a value that starts with a quote is quoted, and it may hold anything but that quote.
_ATTRIBUTE = rb"""[^\t\n\f\r />][^\t\n\f\r />=]*+(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?:"[^"]*+"?|'[^']*+'?|[^\t\n\f\r >]*+))?+"""
_ATTRIBUTES = rb"(?:" + _SEPARATOR + rb"|" + _ATTRIBUTE + rb")*+"
_TAG_END = rb"/?(?:>|\Z)"  # a tag never closed runs to the end of the page: nothing after it is markup
_AFTER_NAME = rb"(?=[\t\n\f\r />])"
_SCRIPT = _either_case("script")
# A script's text ends at its first </script> outside a "<!--<script>" … "</script>" part of a
# "<!--" … "-->" part (the tokenizer's escaped and double-escaped states).
_ESCAPED = (rb"(?:[^<-]++|-(?!->)|<(?!/?" + _SCRIPT + _AFTER_NAME + rb")|<" + _SCRIPT + _AFTER_NAME
            + rb"(?:[^<-]++|-(?!->)|<(?!/" + _SCRIPT + _AFTER_NAME + rb"))*+(?:</" + _SCRIPT + _AFTER_NAME
            + rb")?)*+(?:-->)?")
_RAW_ELEMENTS = (
    [_SCRIPT + _AFTER_NAME + _ATTRIBUTES + _TAG_END
     + rb"(?:[^<]++|<(?!/" + _SCRIPT + _AFTER_NAME + rb"|!--)|<!--" + _ESCAPED + rb")*+"]
    + [_either_case(name) + _AFTER_NAME + _ATTRIBUTES + _TAG_END
       + rb"(?:[^<]++|<(?!/" + _either_case(name) + _AFTER_NAME + rb"))*+"
       for name in ("style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")]
    + [_either_case("plaintext") + _AFTER_NAME + rb".*", rb"!\[CDATA\[.*?(?:\]\]>|\Z)"]
)
# Not the start of a raw-text element's name (spelled as a trie, so that most names fail at their first letter).
_NOT_RAW = (rb"(?!(?:" + _either_case("s") + rb"(?:" + _either_case("cript") + rb"|" + _either_case("tyle") + rb")|"
            + _either_case("t") + rb"(?:" + _either_case("extarea") + rb"|" + _either_case("itle") + rb")|"
            + _either_case("xmp") + rb"|" + _either_case("iframe") + rb"|" + _either_case("no") + rb"(?:"
            + _either_case("embed") + rb"|" + _either_case("frames") + rb")|" + _either_case("plaintext") + rb")"
            + _AFTER_NAME + rb")")
_TOKENS = re.compile(
    rb"<(?:"
    # 1: a tag's name, after "/" for an end tag; 2: what follows its first MAX_ATTRIBUTES attributes, or
    # "/" when it closes itself ("<path/>")
    + rb"((?:/|" + _NOT_RAW + rb")[A-Za-z][^\t\n\f\r />]*+)(?:" + _SEPARATOR + rb"|" + _ATTRIBUTE
    + rb"){0,%d}+((?:" % MAX_ATTRIBUTES + _SEPARATOR + rb"|" + _ATTRIBUTE + rb")++|/(?=>)|)" + _TAG_END
    # 3: a raw-text element whole (its start tag and its text), or a CDATA section
    + rb"|(" + b"|".join(_RAW_ELEMENTS) + rb")"
    # a comment (also "<!-->"), a bogus comment or doctype, a "</" not followed by a name
    + rb"|!--(?:-?>|(?:[^-]++|-(?!-!?>))*+(?:--!?>)?)|[!?][^>]*+>?|/(?![A-Za-z])[^>]*+>?"
    + rb")",
    re.DOTALL,
)
_START_TAG = re.compile(rb"([A-Za-z][^\t\n\f\r />]*+)" + _ATTRIBUTES + _TAG_END)  # read after its "<"
_ONE_ATTRIBUTE = re.compile(_ATTRIBUTE)

# What a start tag's name is to the model of the stack (in HTML content; in <svg> and <math>
# every element nests).
_UNCOUNTED = 0  # closes itself or is closed by the next of its kind (<p>, <li>, <td>…), holds no markup, or is void
_SPECIAL = 1  # the parser's "special" elements: an end tag for another element is not looked for below them
_ORDINARY = 2
_BOUNDARY = 3  # the end tag of a special element is not looked for below these (<table>, <template>…)
_FORMATTING = 4  # reopened by the parser while left open (the "active formatting elements")
_FOREIGN_ROOT = 5  # <svg>, <math>: a boundary too, and what is inside follows other rules
_STOPS = {_SPECIAL: (_BOUNDARY, _FOREIGN_ROOT), _BOUNDARY: (_BOUNDARY, _FOREIGN_ROOT), _FOREIGN_ROOT: (_BOUNDARY, _FOREIGN_ROOT),
          _ORDINARY: (_SPECIAL, _BOUNDARY, _FOREIGN_ROOT), _FORMATTING: (_SPECIAL, _BOUNDARY, _FOREIGN_ROOT),
          _UNCOUNTED: (_SPECIAL, _BOUNDARY, _FOREIGN_ROOT)}

_NOT_COUNTED = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr", "keygen", "frame", "basefont", "bgsound", "image",
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rp", "rtc", "thead", "tbody",
    "tfoot", "colgroup", "caption", "html", "head", "body", "a",
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext",
})
_SPECIALS = frozenset({
    "address", "article", "aside", "blockquote", "button", "center", "details", "dialog", "dir", "div", "dl",
    "fieldset", "figcaption", "figure", "footer", "form", "frameset", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "listing", "main", "menu", "nav", "noscript", "ol", "pre", "search", "section",
    "select", "summary", "ul",
})
_BOUNDARIES = frozenset({"applet", "marquee", "object", "table", "template"})
_FORMATTINGS = frozenset({"b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"})
_FOREIGN = frozenset({"svg", "math"})
# In <svg> or <math>, these start tags close the foreign content and open an HTML element
# (<font> only with some attributes, so it leaves the model unsure which content it is in).
_BREAKOUT = frozenset({
    "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em", "embed", "h1", "h2",
    "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing", "menu", "meta", "nobr", "ol", "p", "pre",
    "ruby", "s", "small", "span", "strong", "strike", "sub", "sup", "table", "tt", "u", "ul", "var",
})
# Inside these, <svg> and <math> content is HTML again; in "annotation-xml" only with an attribute.
_HTML_INSIDE = frozenset({"foreignobject", "desc", "title", "mi", "mo", "mn", "ms", "mtext"})
# Inside these the content is HTML or not, depending on attributes.
_UNSURE_INSIDE = frozenset({"font", "annotation-xml"})
# In <svg> and <math>, the text of this raw-text element is HTML.
_TEXT_IS_HTML = "title"

_HTML, _IN_FOREIGN, _UNSURE = 0, 1, 2  # what content the parser is in: the model's "unsure" is either


def _kind(name: str) -> int:
    if name in _NOT_COUNTED:
        return _UNCOUNTED
    if name in _BOUNDARIES:
        return _BOUNDARY
    if name in _FOREIGN:
        return _FOREIGN_ROOT
    if name in _SPECIALS:
        return _SPECIAL
    return _FORMATTING if name in _FORMATTINGS else _ORDINARY


@dataclass
class _Plan:
    """What the scan decided: the tokens (by their index in the page) to drop, the start tags to trim,
    the token where the page is cut. Empty when the page is within every cap."""

    drops: set[int] = field(default_factory=set)
    trims: set[int] = field(default_factory=set)
    cut: int | None = None

    def __bool__(self) -> bool:
        return bool(self.drops or self.trims) or self.cut is not None


@dataclass
class _Stack:
    """The model of the parser's stack of open elements (names in lower case) and what goes with it."""

    names: list[str] = field(default_factory=list)
    contents: list[tuple[int, int]] = field(default_factory=list)  # (stack height, _IN_FOREIGN…) where content changes
    formatting: dict[str, int] = field(default_factory=dict)  # open formatting elements by name
    open_formatting: int = 0
    pending: dict[str, int] = field(default_factory=dict)  # dropped start tags whose end tags are still to come
    elements: int = 0

    def content(self) -> int:
        return self.contents[-1][1] if self.contents else _HTML

    def close_to(self, height: int) -> None:
        del self.names[height:]
        while self.contents and self.contents[-1][0] >= height:
            self.contents.pop()


_NAMES: dict[bytes, tuple[str, bool, int]] = {}  # a tag name as spelled -> (lower-case name, is an end tag, kind)


def _name(spelled: bytes) -> tuple[str, bool, int]:
    """What :data:`_NAMES` does not know yet: worked out, and remembered."""
    closing = spelled.startswith(b"/")
    name = (spelled[1:] if closing else spelled).lower().decode("utf-8", "replace")
    known = (name, closing, _kind(name))
    if len(_NAMES) < 10_000:  # names a page makes up are not remembered for ever
        _NAMES[spelled] = known
    return known


def _plan(data: bytes) -> _Plan:
    """Which edits keep ``data`` within the caps (see the module's docstring)."""
    plan = _Plan()
    _follow(_TOKENS.findall(data), _Stack(), plan, None, honour_end_tags=True, nesting=0)
    return plan


def _follow(tokens: list[tuple[bytes, bytes, bytes]], stack: _Stack, plan: _Plan, within: int | None,
            honour_end_tags: bool, nesting: int) -> None:
    """Run the model over ``tokens``. ``within`` is the index of the raw-text token whose text these
    tokens are (read as markup because the parser reads it so there), ``nesting`` how many raw texts
    deep they are; an edit inside it drops it whole.

    The common tokens (an ordinary start tag in HTML content, an end tag closing the element on top)
    are handled in the loop itself; the rest in the functions it calls."""
    names, contents, pending = stack.names, stack.contents, stack.pending  # changed in place only
    known = _NAMES
    count_elements = len(tokens) > MAX_ELEMENTS - stack.elements
    if not count_elements:
        stack.elements += len(tokens)  # at most as many start tags as tokens: the cap cannot be reached
    for index, (spelled, more, raw) in enumerate(tokens):
        if not spelled:
            if raw:
                _raw(raw, stack, plan, index if within is None else within, honour_end_tags, nesting)
            continue  # a comment, a doctype
        name, closing, kind = known.get(spelled) or _name(spelled)
        if closing:
            if not honour_end_tags:
                continue
            if names and names[-1] == name and kind != _FORMATTING and not pending:
                names.pop()
                if contents and contents[-1][0] >= len(names):
                    contents.pop()
            elif kind != _UNCOUNTED or contents:
                _close(stack, plan, name, kind, index if within is None else within)
            continue
        if count_elements:
            stack.elements += 1
            if stack.elements > MAX_ELEMENTS:
                if within is None:
                    plan.cut = index
                else:
                    plan.drops.add(within)
                return
        if more:
            if more == b"/":  # closes itself: only in <svg> and <math> content does it not open
                if contents and contents[-1][1] == _IN_FOREIGN:
                    continue
            else:
                plan.trims.add(index if within is None else within)
        if contents:
            _open_in(stack, plan, name, kind, index if within is None else within)
        elif kind:
            if kind < _FORMATTING and len(names) + stack.open_formatting < MAX_DEPTH:
                names.append(name)
            else:
                _open(stack, plan, name, kind, index if within is None else within)


def _open_in(stack: _Stack, plan: _Plan, name: str, kind: int, where: int) -> None:
    """A start tag inside <svg> or <math> content, or in HTML content within it."""
    content = stack.contents[-1][1]
    if content != _HTML and name not in _BREAKOUT:  # a foreign element: whatever its name, it nests
        if _open(stack, plan, name, _ORDINARY, where):
            if name in _HTML_INSIDE:
                stack.contents.append((len(stack.names) - 1, _HTML))
            elif name in _UNSURE_INSIDE:
                stack.contents.append((len(stack.names) - 1, _UNSURE))
        return
    if content == _IN_FOREIGN:  # a breakout: the foreign content ends, the tag is HTML
        stack.close_to(stack.contents[-1][0])
    if kind:  # in unsure content a breakout tag is read as HTML, the foreign content kept open
        _open(stack, plan, name, kind, where)


def _open(stack: _Stack, plan: _Plan, name: str, kind: int, where: int) -> bool:
    """A counted start tag: the element opens (True), or its tag is dropped when that would pass a cap."""
    if len(stack.names) + stack.open_formatting >= MAX_DEPTH or (
            kind == _FORMATTING and stack.open_formatting >= MAX_FORMATTING):
        plan.drops.add(where)
        stack.pending[name] = stack.pending.get(name, 0) + 1
        return False
    stack.names.append(name)
    if kind == _FORMATTING:
        stack.formatting[name] = stack.formatting.get(name, 0) + 1
        stack.open_formatting += 1
    elif kind == _FOREIGN_ROOT:
        stack.contents.append((len(stack.names) - 1, _IN_FOREIGN))
    return True


def _close(stack: _Stack, plan: _Plan, name: str, kind: int, where: int) -> None:
    """An end tag: it goes with a dropped start tag, or closes the element (and those above it) when the
    parser certainly would: found near the top of the stack, with nothing between that stops the
    parser's search (a special element for an ordinary name; a table, template, <svg>… for a special one)."""
    pending = stack.pending.get(name)
    if pending:
        stack.pending[name] = pending - 1
        plan.drops.add(where)
        return
    height = _open_height(stack, name, kind)
    if height is None:
        return
    stack.close_to(height)
    if stack.formatting.get(name):
        stack.formatting[name] -= 1
        stack.open_formatting -= 1


def _open_height(stack: _Stack, name: str, kind: int) -> int | None:
    """Where on the stack the element an end tag for ``name`` certainly closes is, if anywhere."""
    names = stack.names
    if names and names[-1] == name:
        return len(names) - 1
    if kind == _UNCOUNTED and not stack.contents:
        return None
    stops = _STOPS[kind]
    for height in range(len(names) - 1, max(-1, len(names) - 1 - _REACH), -1):
        if names[height] == name:
            return height
        if _kind(names[height]) in stops:
            return None
    return None


def _raw(raw: bytes, stack: _Stack, plan: _Plan, where: int, honour_end_tags: bool, nesting: int) -> None:
    """A raw-text element or a CDATA section: hidden from the parser's tree builder in HTML content;
    in <svg> or <math> an element whose text is markup, and CDATA there is hidden."""
    content = stack.content()
    if raw.startswith(b"![CDATA["):
        if content == _IN_FOREIGN:
            return
        start = raw.find(b">") + 1  # in HTML content a bogus comment, up to the first ">"
        text = raw[start:] if start else b""
    else:
        tag = _START_TAG.match(raw)
        assert tag is not None
        if tag.end() > 2 * MAX_ATTRIBUTES and len(_attributes(raw, tag)) > MAX_ATTRIBUTES:
            plan.trims.add(where)
        if content == _HTML:
            return
        name = tag.group(1).lower().decode("utf-8", "replace")
        if _open(stack, plan, name, _ORDINARY, where) and name == _TEXT_IS_HTML:
            stack.contents.append((len(stack.names) - 1, _HTML))
        text = raw[tag.end():]
    if b"<" not in text:
        return
    if nesting >= MAX_RAW_NESTING:
        plan.drops.add(where)
        return
    _follow(_TOKENS.findall(text), stack, plan, where, honour_end_tags and content != _UNSURE, nesting + 1)


def _edited(data: bytes, plan: _Plan) -> bytes:
    """``data`` with the plan's edits made."""
    pieces: list[bytes] = []
    kept_from = 0
    for index, match in enumerate(_TOKENS.finditer(data)):
        if index == plan.cut:
            pieces.append(data[kept_from:match.start()])
            kept_from = len(data)
            break
        if index in plan.drops:
            pieces.append(data[kept_from:match.start()])
            kept_from = match.end()
        elif index in plan.trims:
            trimmed = _trimmed(data, match.start())
            if trimmed is not None:
                kept, end = trimmed
                pieces += (data[kept_from:match.start()], kept)
                kept_from = end
    pieces.append(data[kept_from:])
    return b"".join(pieces)


def _trimmed(data: bytes, start: int) -> tuple[bytes, int] | None:
    """The start tag at ``start`` cut after its first :data:`MAX_ATTRIBUTES` attributes, and where the
    tag ended; None if it has no more."""
    tag = _START_TAG.match(data, start + 1)
    assert tag is not None
    attributes = _attributes(data, tag)
    if len(attributes) <= MAX_ATTRIBUTES:
        return None
    closing = b"/>" if data[tag.end() - 2:tag.end()] == b"/>" else b">"
    return data[start:attributes[MAX_ATTRIBUTES - 1].end()] + closing, tag.end()


def _attributes(data: bytes, tag: re.Match[bytes]) -> list[re.Match[bytes]]:
    """The attributes of the start tag :data:`_START_TAG` matched."""
    return list(_ONE_ATTRIBUTE.finditer(data, tag.end(1), tag.end()))


def _utf8(html: str) -> bytes:
    """The bytes lexbor parses for ``html`` (selectolax drops what UTF-8 cannot hold, lone surrogates)."""
    return html.encode("utf-8", "ignore")


def _scanned_within_caps(data: bytes) -> bool | None:
    """What :mod:`auditor.parse._htmlscan` says of ``data``: True when the model would make no edit,
    False when it would, None when it cannot tell or is not built."""
    if _htmlscan is None:
        return None
    return _htmlscan.within_caps(data, MAX_DEPTH, MAX_ATTRIBUTES, MAX_FORMATTING, MAX_ELEMENTS, _REACH,
                                 MAX_RAW_NESTING)


def _within_caps(data: bytes) -> bytes:
    """``data`` edited to keep within the caps (see the module's docstring); ``data`` itself when it is."""
    if _scanned_within_caps(data):
        return data
    plan = _plan(data)
    return _edited(data, plan) if plan else data


def _scanner_names() -> dict[str, tuple[int, int]]:
    """What :mod:`auditor.parse._htmlscan` is told of each name the model tells apart: (kind, flags)."""
    assert _htmlscan is not None
    flags = {_BREAKOUT: _htmlscan.BREAKOUT, _HTML_INSIDE: _htmlscan.HTML_INSIDE,
             _UNSURE_INSIDE: _htmlscan.UNSURE_INSIDE, frozenset({_TEXT_IS_HTML}): _htmlscan.TEXT_IS_HTML}
    names = set().union(_NOT_COUNTED, _SPECIALS, _BOUNDARIES, _FORMATTINGS, _FOREIGN, *flags)
    return {name: (_kind(name), sum(flag for group, flag in flags.items() if name in group)) for name in names}


if _htmlscan is not None:
    _htmlscan.configure(_scanner_names())


def flatten_deep_nesting(html: str) -> str:
    """``html`` within the caps: elements that would nest deeper than :data:`MAX_DEPTH` unwrapped (their
    content kept), long attribute lists and over-long pages cut. ``html`` itself when within them."""
    data = _utf8(html)
    capped = _within_caps(data)
    return html if capped is data else capped.decode("utf-8")


def parse_html(html: str) -> LexborHTMLParser:
    """The one way the auditor parses HTML: within the caps first, then lexbor."""
    return LexborHTMLParser(_within_caps(_utf8(html)))
