"""Reading a platform's JSON defensively: the documented shape, or an error a person can read.

Platforms answer HTML error pages, junk and wrongly typed fields; plugins take values
through these helpers so none of that becomes an exception or a Python repr in a report.
"""

from __future__ import annotations

from typing import Any

from auditor.fetch.client import Fetched


class Unreadable(ValueError):
    """An answer that is not the JSON shape the platform documents; the message says how."""


def json_object(fetched: Fetched, expected: str) -> dict[str, Any]:
    """The body as a JSON object, else Unreadable naming what was ``expected`` ("an account object")."""
    body = _json(fetched, expected)
    if not isinstance(body, dict):
        raise Unreadable(f"{fetched.final_url} answered JSON that is not {expected}")
    return body


def json_list(fetched: Fetched, expected: str) -> list[dict[str, Any]]:
    """The body as a JSON list, keeping only its objects; else Unreadable."""
    body = _json(fetched, expected)
    if not isinstance(body, list):
        raise Unreadable(f"{fetched.final_url} answered JSON that is not {expected}")
    return [entry for entry in body if isinstance(entry, dict)]


def string(value: object) -> str:
    """A string field stripped; an integer id as text; anything else (null, lists, booleans) as ""."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return value.strip()
    return str(value) if isinstance(value, int) else ""


def _json(fetched: Fetched, expected: str) -> Any:
    try:
        return fetched.json()
    except ValueError:
        raise Unreadable(f"{fetched.final_url} did not answer JSON (an HTML page or junk, not {expected})") from None
