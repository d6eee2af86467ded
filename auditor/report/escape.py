"""Text from the web made safe for each report format.

Page titles, URLs, reasons and brand names come from sites the auditor does not control. Each
function takes such a text and gives it ready for one format: no terminal escape sequences or
other control characters anywhere (:func:`printable`), XML-legal characters only
(:func:`xml_legal`), HTML and Markdown escaped (:func:`html`, :func:`markdown`,
:func:`markdown_url`), spreadsheet formulas neutralised (:func:`csv_cell`), and JSON text
with the control characters ``json`` leaves raw written as escapes (:func:`json_text`).
"""

from __future__ import annotations

import html as _html
import re
from urllib.parse import quote

# C0 controls but tab and newline, DEL, C1 controls (a lone 0x9B is a CSI on some terminals), and the
# bidirectional overrides and isolates that reorder what a reader sees.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Characters XML 1.0 forbids outright (and the noncharacters U+FFFE/U+FFFF).
_XML_ILLEGAL = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`|<>\[\]])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_JSON_RAW = re.compile("[\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` without control characters (tab and newline kept): safe on a terminal."""
    return _CONTROLS.sub("", text)


def xml_legal(text: str) -> str:
    """``text`` with only characters XML 1.0 allows, and no other control characters."""
    return printable(_XML_ILLEGAL.sub("", text))


def html(text: str) -> str:
    """Escaped for HTML text and quoted attribute values."""
    return _html.escape(xml_legal(text), quote=True)


def markdown(text: str) -> str:
    """One line of Markdown text (a table cell, a list item) that renders as the text itself:
    no HTML, links, code spans or cell breaks can start from it."""
    flat = " ".join(printable(text).split("\n"))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat).strip()


def markdown_url(url: str) -> str:
    """A Markdown autolink for an http(s) URL (spaces, angle brackets and controls percent-encoded,
    so it cannot end early); any other text is shown escaped, never linked."""
    if url.lower().startswith(("http://", "https://")):
        return "<" + quote(xml_legal(url), safe="!#$%&'()*+,/:;=?@[]~") + ">"
    return markdown(url)


def csv_cell(value: object) -> object:
    """A spreadsheet cell that is never read as a formula: text starting with ``=``, ``+``, ``-``,
    ``@``, tab or CR gets a leading apostrophe. Numbers are left as they are."""
    if not isinstance(value, str):
        return value
    text = printable(value.replace("\r\n", "\n").replace("\r", "\n"))
    return "'" + text if text.startswith(_FORMULA_START) else text


def json_text(text: str) -> str:
    """JSON from ``json.dumps(..., ensure_ascii=False)`` with DEL, C1 controls and the line separators
    written as ``\\u`` escapes (they can only occur inside strings, so the data is unchanged)."""
    return _JSON_RAW.sub(lambda match: f"\\u{ord(match.group(0)):04x}", text)
