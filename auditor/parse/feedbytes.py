"""A feed's bytes into text its parser can read: which encoding, and what kind of document.

Takes the body and, when known, the HTTP ``Content-Type``; gives a :class:`Sniffed`: the kind
("xml", "json" or "other") and the document, either as the original bytes (UTF-8 with nothing
to correct: the fast path, handed to expat untouched) or as decoded text.

The encoding is decided like a careful reader, each candidate tried strictly in order and the
first that decodes winning: the byte-order mark, then the family the first bytes show (UTF-16
and UTF-32 without a mark, EBCDIC; XML 1.0 appendix F), then the HTTP charset, then the XML
declaration, then UTF-8, then (no label fitting) a guess: UTF-8 with its few bad bytes
replaced, windows-1252, or charset-normalizer's detection for text that looks multi-byte. A declared
encoding that is unknown, wrong for the bytes or not a text encoding is skipped, never fatal.
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass

__all__ = ["Sniffed", "charset_of", "sniff"]

_BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
_BOM_STARTS = frozenset(mark[:1] for mark, _ in _BOMS)
_FAMILIES = (  # how "<?" or "<" begins in encodings that are not ASCII-compatible: a NUL, or EBCDIC's "<?xm"
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", "cp037"),
)
# Labels seen in feeds that Python's codec registry does not know, and labels it knows wrongly.
_ALIASES = {
    "csucs4": "utf-32", "ucs-4": "utf-32", "iso-10646-ucs-4": "utf-32",
    "csunicode": "utf-16", "ucs-2": "utf-16", "iso-10646-ucs-2": "utf-16", "unicode": "utf-16",
    "x-sjis": "shift_jis", "sjis": "shift_jis", "x-euc-jp": "euc_jp", "x-gbk": "gbk",
    "utf-8-sig": "utf-8",
}
_NOT_DOCUMENT_CODECS = frozenset({"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined"})
_DECLARATION = re.compile(rb"<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:\-]{1,40})[\"']")
_DECLARATION_TEXT = re.compile(r"\A\s*<\?xml[^>]{0,200}?\?>")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:\-]{1,40})", re.IGNORECASE)
_WHITESPACE = b" \t\r\n\x0c\x00"
_UTF8_NAMES = frozenset({"utf-8"})
_NON_ASCII = re.compile("[^\x00-\x7f]")
_HIGH_RUN = re.compile(rb"[\x80-\xff]{2}")


@dataclass(frozen=True, slots=True)
class Sniffed:
    """What the body is (``kind``), and the document as ``data`` (bytes, UTF-8) or ``text``."""

    kind: str  # "xml", "json" or "other"
    data: bytes = b""
    text: str | None = None
    encoding: str = "utf-8"


def charset_of(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, or None."""
    if not content_type:
        return None
    found = _CHARSET.search(content_type)
    return found.group(1) if found else None


def sniff(body: bytes, content_type: str | None = None) -> Sniffed:
    """Decide the encoding and the kind of document; never raises."""
    for mark, encoding in _BOMS if body[:1] in _BOM_STARTS else ():
        if body.startswith(mark):
            text = _decode(body[len(mark):], encoding)
            if text is not None:
                return _from_text(text, encoding)
            body = body[len(mark):]  # a mark the bytes then contradict: read on without it
            break
    head = body.lstrip(_WHITESPACE)[:4] if body[:1] in (b" ", b"\t", b"\r", b"\n") else body[:4]
    for start, encoding in _FAMILIES if b"\x00" in head or head[:1] == b"\x4c" else ():
        if head.startswith(start):
            text = _decode(body, encoding)
            if text is None and encoding.startswith("utf-16"):  # an odd byte at the end of the file
                text = _decode(body[: len(body) - len(body) % 2], encoding)
            if text is not None and encoding == "cp037":  # EBCDIC has variants: the declaration names which
                named = _DECLARATION.match(text[:300].encode("ascii", "replace"))
                variant = _codec(named.group(1).decode("ascii")) if named else None
                if variant is not None and variant != encoding:
                    text = _decode(body, variant) or text
            if text is not None:
                return _from_text(text, encoding)
            break
    stripped = body.lstrip(_WHITESPACE)
    first = stripped[:1]
    if first in (b"{", b"["):
        kind = "json"
    elif first == b"<":
        kind = "xml"
    else:
        kind = "other"
    declared: str | None = None
    if kind == "xml" and stripped.startswith(b"<?xml"):
        match = _DECLARATION.match(stripped)
        declared = match.group(1).decode("ascii") if match else None
    candidates = [name for name in (charset_of(content_type), declared) if name]
    for label in candidates:
        codec = _codec(label)
        if codec is None:
            continue
        if codec in _UTF8_NAMES and (declared is None or _codec(declared) in _UTF8_NAMES):
            if _is_utf8(stripped):
                return Sniffed(kind, data=stripped)
            continue
        text = _decode(stripped, codec)
        if text is not None and (kind == "other" or text.lstrip()[:1] in ("<", "{", "[")):
            return _from_text(text, codec, kind)
    if not candidates or declared is None or _codec(declared) in _UTF8_NAMES:
        if _is_utf8(stripped):
            return Sniffed(kind, data=stripped)
    elif _is_utf8(stripped):
        return _from_text(stripped.decode("utf-8"), "utf-8", kind)
    said_utf8 = any(_codec(label) in _UTF8_NAMES for label in candidates)
    return _from_text(*_guess(stripped, said_utf8), kind)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@functools.lru_cache(maxsize=256)  # a handful of labels, asked for several times per document
def _codec(label: str) -> str | None:
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return None if name in _NOT_DOCUMENT_CODECS else name


def _decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):  # LookupError: a bytes-to-bytes codec such as zlib
        return None


def _guess(data: bytes, said_utf8: bool) -> tuple[str, str]:
    """No label fits the bytes. Mostly valid UTF-8 with a few bad bytes: UTF-8, the bad ones replaced.
    Said to be UTF-8, or high bytes only one at a time (how Western single-byte text looks):
    windows-1252. Otherwise charset-normalizer's guess, then windows-1252, then Latin-1 (always decodes).
    """
    replaced = data.decode("utf-8", "replace")
    bad = replaced.count("\ufffd")
    if len(_NON_ASCII.findall(replaced)) - bad > bad:
        return replaced, "utf-8"
    if not said_utf8 and _HIGH_RUN.search(data):
        from charset_normalizer import from_bytes

        best = from_bytes(data[:65536]).best()
        if best is not None:
            guessed = _decode(data, best.encoding)
            if guessed is not None:
                return guessed, best.encoding
    text = _decode(data, "cp1252")
    return (text, "cp1252") if text is not None else (data.decode("latin-1"), "latin-1")


def _from_text(text: str, encoding: str, kind: str | None = None) -> Sniffed:
    text = text.lstrip("\ufeff \t\r\n\x0c\x00")
    if kind is None or kind == "other":
        first = text[:1]
        kind = "json" if first in ("{", "[") else "xml" if first == "<" else "other"
    if kind == "xml":  # the text is decoded now: a declaration naming another encoding would mislead expat
        text = _DECLARATION_TEXT.sub("", text, count=1)
    return Sniffed(kind, text=text, encoding=encoding)
