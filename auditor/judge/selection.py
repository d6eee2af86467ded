"""Which rules run: ``select`` / ``extend-select`` / ``ignore`` by code or code prefix.

For each rule the most specific matching selector wins (``ALL`` < ``STALE`` < ``STALE0``
< ``STALE001``); at equal specificity ``ignore`` beats ``select``. A selector that
matches no rule is an error, so typos surface instead of silently selecting nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

ALL = "ALL"


class SelectorError(ValueError):
    pass


def specificity(selector: str) -> int:
    return 0 if selector == ALL else len(selector)


def matches(selector: str, code: str) -> bool:
    return selector == ALL or code.startswith(selector)


def check_selectors(selectors: Iterable[str], codes: Iterable[str], where: str) -> None:
    known = list(codes)
    for selector in selectors:
        if not any(matches(selector, code) for code in known):
            raise SelectorError(f"{where}: {selector!r} matches no rule (rules: {', '.join(sorted(known))})")


def enabled(codes: Iterable[str], select: Iterable[str], ignore: Iterable[str]) -> set[str]:
    """The codes that run, given the select (including extend-select) and ignore selectors."""
    select, ignore = list(select), list(ignore)
    chosen = set()
    for code in codes:
        best_select = max((specificity(s) for s in select if matches(s, code)), default=-1)
        best_ignore = max((specificity(s) for s in ignore if matches(s, code)), default=-1)
        if best_select >= 0 and best_select > best_ignore:
            chosen.add(code)
    return chosen
