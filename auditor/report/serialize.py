"""JSON conversion for the audit model (cattrs does the walking; we only teach it datetimes)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TypeVar

import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from auditor.models import Activity, Audit, Channel, Evidence, Finding, Item

SCHEMA_VERSION = "1"

T = TypeVar("T")

_converter = cattrs.Converter()
_converter.register_unstructure_hook(datetime, lambda value: value.isoformat())
_converter.register_structure_hook(datetime, lambda value, _: datetime.fromisoformat(value))
# What only the history gives is left out when there is none, so reports without it read as before.
_omitted = override(omit_if_default=True)
# Evidence names its archived response only when there is an archive (--archive).
_converter.register_unstructure_hook(Evidence, make_dict_unstructure_fn(Evidence, _converter, warc_record=_omitted))
_converter.register_unstructure_hook(Finding, make_dict_unstructure_fn(
    Finding, _converter, first_seen=_omitted, stale_since=_omitted))
# Typed facts are written when they say something, so reports of channels without them read as before
# (items and channels first: the Activity and Audit hooks are built with theirs).
_converter.register_unstructure_hook(Item, make_dict_unstructure_fn(Item, _converter, kind=_omitted, pinned=_omitted))
_converter.register_unstructure_hook(Channel, make_dict_unstructure_fn(Channel, _converter, found_through=_omitted))
_converter.register_unstructure_hook(Activity, make_dict_unstructure_fn(
    Activity, _converter, empty=_omitted, expired_source=_omitted, redirected_to=_omitted, exists=_omitted,
    last_activity_kind=_omitted, interstitial=_omitted))
_converter.register_unstructure_hook(Audit, make_dict_unstructure_fn(Audit, _converter, trend=_omitted))


def to_data(value: Any) -> Any:
    """Any model value as JSON-ready dicts, lists and strings."""
    return _converter.unstructure(value)


def from_data(data: Any, cls: type[T]) -> T:
    return _converter.structure(data, cls)


def audit_to_json(audit: Audit, *, indent: int | None = 2) -> str:
    document = {"schema_version": SCHEMA_VERSION, **to_data(audit)}
    return json.dumps(document, indent=indent, ensure_ascii=False)


def audit_from_json(text: str) -> Audit:
    document = json.loads(text)
    document.pop("schema_version", None)
    return from_data(document, Audit)
