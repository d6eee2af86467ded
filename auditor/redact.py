"""Secrets out of everything the auditor writes: each configured credential replaced, by value.

Takes the credentials (name → value); gives a :class:`Redactor` that rewrites text, or any
audit value (frozen dataclasses, tuples, lists, dicts of them), with every occurrence of a
secret replaced by ``[REDACTED:NAME]``: the value as is and percent-encoded, as a server may
echo it in a URL, a header or an error body. Values shorter than :data:`MIN_SECRET` characters
are left alone (so a placeholder such as ``x`` cannot blank out every report).

Applied where results leave the library (:func:`auditor.audit.audit_async`, the Discovery of
:func:`auditor.discover.discover_async`, the errors of :func:`auditor.batch.audit_many`), and
to the records of the auditor's and its HTTP libraries' loggers (:func:`guard_logs`), so
reports, the history and logs only see redacted values.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Mapping
from typing import TypeVar

from auditor.strings import map_strings

MIN_SECRET = 6
LOGGERS = ("auditor", "httpx", "httpcore", "hishel")  # ours, and the libraries that log request URLs
T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Redactor:
    """Replaces every configured secret, in any of its spellings, with a marker naming it."""

    pattern: re.Pattern[str] | None
    markers: tuple[str, ...]  # the marker of each secret, by its group's position in ``pattern``

    @classmethod
    def of(cls, credentials: Mapping[str, str]) -> "Redactor":
        secrets = sorted(((value, name) for name, value in credentials.items()
                          if isinstance(value, str) and len(value) >= MIN_SECRET), key=lambda p: -len(p[0]))
        if not secrets:
            return cls(None, ())
        pattern = "|".join(f"({_spellings(value)})" for value, _ in secrets)
        return cls(re.compile(pattern), tuple(f"[REDACTED:{name}]" for _, name in secrets))

    def __bool__(self) -> bool:
        return self.pattern is not None

    def text(self, text: str) -> str:
        if self.pattern is None or not text:
            return text
        return self.pattern.sub(lambda match: self.markers[(match.lastindex or 1) - 1], text)

    def __call__(self, value: T) -> T:
        """``value`` with every string inside it redacted; the same object when nothing changed."""
        if self.pattern is None:
            return value
        return map_strings(value, self.text)

    def error(self, error: BaseException) -> BaseException:
        """``error`` itself when its message holds no secret, else one of the same type with the
        redacted message (a :class:`RedactedError` naming the type, for types that cannot be made so)."""
        message = str(error)
        clean = self.text(message)
        if clean == message:
            return error
        try:
            copy = type(error)(clean)
        except Exception:  # noqa: BLE001 - an exception type with its own constructor
            copy = None
        if copy is not None and str(copy) == clean:
            return copy
        return RedactedError(f"{type(error).__name__}: {clean}")


def _spellings(secret: str) -> str:
    """A pattern for ``secret`` as is or with any of its characters percent-encoded (either hex case),
    a space also as ``+``: a URL library may encode some characters and keep others."""
    parts = []
    for char in secret:
        if char.isascii() and (char.isalnum() or char in "-._~"):
            parts.append(re.escape(char))
            continue
        encoded = "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))
        options = [re.escape(char), re.escape(encoded), re.escape(encoded.lower())] + ([r"\+"] if char == " " else [])
        parts.append("(?:" + "|".join(dict.fromkeys(options)) + ")")
    return "".join(parts)


class RedactedError(Exception):
    """An error whose message held a secret, with that secret replaced."""


class LogRedaction(logging.Filter):
    """A logging filter that redacts each record's message (and drops its traceback's secrets)."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        if self.redactor:
            message = record.getMessage()
            clean = self.redactor.text(message)
            if record.exc_info:
                formatted = logging.Formatter().formatException(record.exc_info)
                clean += "\n" + self.redactor.text(formatted)
                record.exc_info = None
                record.exc_text = None
            record.msg, record.args = clean, ()
        return True


_GUARDED: list[tuple[Redactor, int]] = []  # the redactor last installed, and how many loggers there were then


def guard_logs(redactor: Redactor) -> None:
    """Redact what the :data:`LOGGERS` and their children (``auditor.discover``, ``httpcore.http11``)
    record from now on (a logger's filter does not apply to its children's records, so each gets one).
    Each audit of a batch asks again with the same redactor: unless loggers were made since, nothing is left to do."""
    manager = logging.Logger.manager
    if _GUARDED == [(redactor, len(manager.loggerDict))]:
        return
    names = [*LOGGERS, *(name for name in list(manager.loggerDict) if name.split(".")[0] in LOGGERS)]
    for name in names:
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, LogRedaction)]:
            logger.removeFilter(old)
        if redactor:
            logger.addFilter(LogRedaction(redactor))
    _GUARDED[:] = [(redactor, len(manager.loggerDict))]  # counted after: getLogger may have made some
