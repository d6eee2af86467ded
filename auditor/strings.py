"""Every string inside an audit value, rewritten by one function.

Takes a value (frozen dataclasses, tuples, lists, dicts of them, strings) and a function on
text; gives the same shape with each plain ``str`` passed through the function (enum members,
which are strings too, stay as they are). Parts that did not change are the same objects, so a
clean audit costs a walk and no copies. Used to redact secrets and to make text safe to print.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def map_strings(value: T, rewrite: Callable[[str], str]) -> T:
    return _walk(value, rewrite)


def _walk(value: Any, rewrite: Callable[[str], str]) -> Any:
    if type(value) is str:
        return rewrite(value)
    if isinstance(value, (tuple, list)):
        items = [_walk(item, rewrite) for item in value]
        if all(new is old for new, old in zip(items, value)):
            return value
        return type(value)(items)
    if isinstance(value, dict):
        pairs = [(_walk(k, rewrite), _walk(v, rewrite)) for k, v in value.items()]
        if all(k is old_k and v is old_v for (k, v), (old_k, old_v) in zip(pairs, value.items())):
            return value
        return dict(pairs)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for spec in dataclasses.fields(value):
            if not spec.init:
                continue
            old = getattr(value, spec.name)
            new = _walk(old, rewrite)
            if new is not old:
                changes[spec.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value
