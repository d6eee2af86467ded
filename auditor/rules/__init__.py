"""The rules: one module per rule, each carrying its own documentation.

A rule module defines

* ``CODE`` (stable, e.g. ``STALE001``), ``NAME`` (a slug), ``CATEGORY`` (stale, unanswered,
  slow, broken, unknown) and ``SEVERITY`` (its default);
* ``Options``: a frozen dataclass whose fields are the rule's options with their defaults;
* ``check(channel, activity, options, as_of)``: yields :class:`Violation` values;
* a module docstring with the sections *What it flags*, *Why it matters*, *Example*,
  *How to fix* and *Options*.

Rules never read the clock: the audit's ``as_of`` is the only "now".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ..hookspecs import hookimpl
from ..models import Activity, Channel, Evidence, Severity


@dataclass(frozen=True, slots=True)
class Violation:
    """What a rule found on one channel: a message a person can act on, and the facts behind it."""

    message: str
    evidence: tuple[Evidence, ...] = ()


class Rule(Protocol):
    CODE: str
    NAME: str
    CATEGORY: str
    SEVERITY: Severity
    Options: type[Any]
    __doc__: str | None

    def check(self, channel: Channel, activity: Activity, options: Any, as_of: datetime) -> Iterable[Violation]: ...


def builtin_rules() -> list[Rule]:
    from . import stale

    return [stale]


@hookimpl
def auditor_register_rules(registry: Any) -> None:
    for rule in builtin_rules():
        registry.add_rule(rule)
