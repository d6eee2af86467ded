"""JSON-LD: the ``<script type="application/ld+json">`` blocks of a page, and a bounded walk over their nodes.

Takes a parsed page; gives its documents (each block that parses, in page order, within a byte
budget) and, per document, its typed nodes however deep ``@graph``, lists and nesting go.
Discovery reads ``sameAs`` from them, page extraction dates and authors. Every walk is bounded
in depth and in nodes, so a hostile page cannot make it run long.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator
from typing import Any

from selectolax.lexbor import LexborHTMLParser

MAX_BYTES = 1_000_000  # of JSON-LD read per page
MAX_DEPTH = 12
MAX_NODES = 5_000  # visited per document


def documents(tree: LexborHTMLParser, url: str = "", notes: list[str] | None = None,
              max_bytes: int = MAX_BYTES) -> list[Any]:
    """Every JSON-LD block of the page that parses, in page order; what was skipped goes to ``notes``."""
    found: list[Any] = []
    budget = max_bytes
    for script in tree.css('script[type="application/ld+json"]'):
        text = script.text(deep=True) or ""
        budget -= len(text)
        if budget < 0:
            if notes is not None:
                notes.append(f"{url}: more than {max_bytes:,} bytes of JSON-LD; the rest was not read")
            break
        try:
            found.append(json.loads(text.strip().rstrip(";"), strict=False))
        except (ValueError, RecursionError):
            if notes is not None:
                notes.append(f"{url}: a JSON-LD block is not valid JSON; skipped")
    return found


def type_names(node: dict[str, Any]) -> list[str]:
    """A node's ``@type`` names (``"Article"``, ``["Organization", "Brand"]``), as written."""
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k for k in kinds if isinstance(k, str)]


def nodes(document: Any, *, skip: Collection[str] = (), prune: Callable[[list[str]], bool] = lambda _: False,
          max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> Iterator[tuple[list[str], dict[str, Any]]]:
    """Every object of ``document`` with its type names, in document order (an object before what it holds).

    Values under the keys in ``skip`` are not entered; an object whose types ``prune`` refuses is
    neither given nor entered. At most ``max_nodes`` values are visited, none deeper than ``max_depth``.
    """
    stack: list[tuple[Any, int]] = [(document, 0)]
    visited = 0
    while stack and visited < max_nodes:
        value, depth = stack.pop()
        visited += 1
        if depth > max_depth:
            continue
        if isinstance(value, list):
            stack.extend((item, depth + 1) for item in reversed(value) if isinstance(item, (dict, list)))
            continue
        if not isinstance(value, dict):
            continue
        names = type_names(value)
        if names and prune(names):
            continue
        yield names, value
        stack.extend((item, depth + 1) for key, item in reversed(list(value.items()))
                     if key not in skip and isinstance(item, (dict, list)))
