"""The compiled scanner answers as the Python model of the parser's stack would, and reads the same tokens.

auditor.parse._htmlscan decides the common case of the nesting guard (is a page within every cap?) in
C; auditor.parse.htmldepth's Python model stays the rule. Held side by side on real pages, the fixture
pages and generated token soups (with the caps made small, so that soups often pass them), the two
must agree wherever the scanner gives an answer.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import FIXTURE_WEB

from auditor.parse import htmldepth

pytestmark = pytest.mark.skipif(htmldepth._htmlscan is None, reason="the C scanner is not built here")

DEV_PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "page-dates-dev" / "pages"

# Pieces real and broken pages are made of: tags of every kind the model tells apart, raw-text
# elements and what hides an end tag from them, comments, CDATA, quotes, slashes, stray "<" and ">".
PIECES = [
    "<div>", "</div>", "<DIV class=a>", "<p>", "</p>", "<li>", "<b>", "</b>", "<i id='x'>", "</I>", "<font>",
    "</font>", "<table>", "</table>", "<template>", "</template>", "<select>", "</select>", "<span>", "</span>",
    "<a href=/x>", "</a>", "<x-widget>", "</x-widget>", "<svg>", "</svg>", "<math>", "</math>", "<g>", "</g>",
    "<path d='M0 0'/>", "<foreignObject>", "</foreignObject>", "<annotation-xml encoding=x>", "<mi>", "<desc>",
    "<title>", "</title>", "<style>", "</style>", "<script>", "</script>", "<script type=module>", "<textarea>",
    "</textarea>", "<xmp>", "<iframe>", "</iframe>", "<noembed>", "<noframes>", "<plaintext>", "<!--", "-->",
    "--!>", "<!-->", "<!--->", "<!--<script>", "<![CDATA[", "]]>", "<!DOCTYPE html>", "<?php ?>", "</ x>", "</>",
    "<", ">", "/", "/>", "'", '"', "=", " ", "\n", "text", "é", "<dív>", "</dív>", "<div a=\"<\" b='>'>",
    "<div a b c d e f>", "<br/>", "<div/>", "<scripts>", "</scriptx>", "<script", "</script", "-", "--",
]

ASCII_PIECES = [piece for piece in PIECES if piece.isascii() or not piece.startswith("<")]
SMALL_CAPS = {"MAX_DEPTH": 4, "MAX_FORMATTING": 1, "MAX_ELEMENTS": 60, "_REACH": 2, "MAX_RAW_NESTING": 1}


def soups(count: int, seed: int, pieces: list[str] = PIECES) -> list[bytes]:
    chooser = random.Random(seed)
    return ["".join(chooser.choices(pieces, k=chooser.randint(1, 100))).encode() for _ in range(count)]


def real_pages() -> list[bytes]:
    paths = sorted(FIXTURE_WEB.rglob("*.htm*"))
    if DEV_PAGES.is_dir():
        paths += sorted(DEV_PAGES.glob("*.html"))
    return [htmldepth._utf8(path.read_bytes().decode("utf-8", errors="replace")) for path in paths]


def test_the_scanner_reads_the_tokens_the_pattern_finds_on_real_pages():
    for page in real_pages():
        assert htmldepth._htmlscan.tokens(page, htmldepth.MAX_ATTRIBUTES) == htmldepth._TOKENS.findall(page)


def test_the_scanner_reads_the_tokens_the_pattern_finds_on_broken_markup():
    for soup in soups(4_000, seed=1):
        assert htmldepth._htmlscan.tokens(soup, htmldepth.MAX_ATTRIBUTES) == htmldepth._TOKENS.findall(soup), soup


def test_a_tag_with_more_attributes_than_the_cap_is_told_apart_as_the_pattern_tells_it():
    for tag in ("<div " + "a " * 300 + ">", "<div " + "a" * 300 + "/>", "<div " + "a=1 " * 200 + "/>", "<div a=/>"):
        page = tag.encode()
        assert htmldepth._htmlscan.tokens(page, htmldepth.MAX_ATTRIBUTES) == htmldepth._TOKENS.findall(page)


def test_real_pages_are_within_the_caps_by_both_readings():
    for page in real_pages():
        assert htmldepth._scanned_within_caps(page) is True
        assert not htmldepth._plan(page)


def test_wherever_the_scanner_answers_the_model_agrees(monkeypatch):
    for name, value in SMALL_CAPS.items():
        monkeypatch.setattr(htmldepth, name, value)
    answers = {True: 0, False: 0, None: 0}
    for soup in soups(6_000, seed=2, pieces=ASCII_PIECES):
        answer = htmldepth._scanned_within_caps(soup)
        answers[answer] += 1
        if answer is not None:
            assert answer is not bool(htmldepth._plan(soup)), soup
    assert answers[True] > 1_000 and answers[False] > 1_000  # the soups test both answers


def test_a_tag_name_the_scanner_cannot_compare_is_left_to_the_model():
    assert htmldepth._scanned_within_caps("<dív></dív>".encode()) is None
    assert htmldepth.flatten_deep_nesting("<dív>" * 600) != "<dív>" * 600  # and the model still caps it


def test_raw_text_read_as_markup_within_itself_is_dropped_past_its_nesting_cap():
    page = "<svg><style>" * (htmldepth.MAX_RAW_NESTING + 2)
    assert htmldepth._scanned_within_caps(page.encode()) is False
    assert htmldepth.flatten_deep_nesting(page) == "<svg>"  # the outermost <style> and all it holds
