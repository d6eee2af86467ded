"""The configuration file: ``auditor.toml``, or ``[tool.auditor]`` in a ``pyproject.toml``.

::

    select = ["ALL"]                 # codes or prefixes; the most specific selector wins
    extend-select = []
    ignore = ["SLOW"]
    fail-on = "warning"              # info | warning | error | never

    [severity]
    STALE002 = "warning"

    [rules.STALE001]
    days = { blog = 120 }            # tables merge over the defaults
    platform_days = { mastodon = 30 }

    [[channel]]                      # options for one channel
    url = "https://acme.example/feed/"
    rules.STALE001.default_days = 365

    [[suppress]]
    channel = "https://oldcorner.example/rss.xml"
    rule = "STALE001"
    reason = "client retired it; links come down in March"
    until = 2027-03-01               # optional; after it the suppression stops and says so

Every mistake (unknown key, unknown code, wrong type) is a ConfigError naming the file,
the key and what was expected.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from auditor.judge import ConfigError, RuleConfig, Suppression
from auditor.models import Severity

CONFIG_NAME = "auditor.toml"
TOP_KEYS = ("select", "extend-select", "ignore", "fail-on", "severity", "rules", "channel", "suppress")
FAIL_ON = ("info", "warning", "error", "never")


@dataclass(frozen=True, kw_only=True)
class FileConfig:
    rules: RuleConfig
    fail_on: str | None = None
    path: Path | None = None  # where it came from; None when no file was found


def find_config(start: Path) -> Path | None:
    """``auditor.toml`` in ``start``, else a ``pyproject.toml`` there with a ``[tool.auditor]`` table."""
    candidate = start / CONFIG_NAME
    if candidate.is_file():
        return candidate
    pyproject = start / "pyproject.toml"
    if pyproject.is_file():
        try:
            if "auditor" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}):
                return pyproject
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            return pyproject  # let load_config report the error with its location
    return None


def load_config(path: Path | None = None, *, cwd: Path | None = None) -> FileConfig:
    """Read ``path`` (which must exist), or the one :func:`find_config` finds, or the defaults."""
    if path is None:
        path = find_config(cwd or Path.cwd())
        if path is None:
            return FileConfig(rules=RuleConfig())
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    if path.name == "pyproject.toml":
        document = document.get("tool", {}).get("auditor", {})
        where = f"{path} [tool.auditor]"
    else:
        where = str(path)
    return parse_config(document, where, path)


def parse_config(document: dict[str, Any], where: str, path: Path | None = None) -> FileConfig:
    _known_keys(document, TOP_KEYS, where)
    fail_on = document.get("fail-on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise ConfigError(f"{where}: fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    severity = {}
    for code, value in _table(document, "severity", where).items():
        try:
            severity[code.upper()] = Severity(value)
        except ValueError:
            raise ConfigError(f"{where}: [severity] {code} must be info, warning or error, not {value!r}") from None
    options = {code.upper(): _table(document["rules"], code, f"{where} [rules]")
               for code in _table(document, "rules", where)}
    channels = {}
    for index, entry in enumerate(_array(document, "channel", where)):
        here = f"{where} [[channel]] #{index + 1}"
        _known_keys(entry, ("url", "rules"), here)
        url = _string(entry, "url", here)
        rules = _table(entry, "rules", here)
        channels[url] = {code.upper(): _table(rules, code, f"{here} rules") for code in rules}
    suppress = []
    for index, entry in enumerate(_array(document, "suppress", where)):
        here = f"{where} [[suppress]] #{index + 1}"
        _known_keys(entry, ("channel", "rule", "reason", "until"), here)
        suppress.append(Suppression(
            channel=_string(entry, "channel", here),
            rule=_string(entry, "rule", here).upper(),
            reason=_string(entry, "reason", here),
            until=_date(entry.get("until"), here),
        ))
    rules_config = RuleConfig(
        select=tuple(s.upper() for s in _strings(document, "select", where, default=["ALL"])),
        extend_select=tuple(s.upper() for s in _strings(document, "extend-select", where)),
        ignore=tuple(s.upper() for s in _strings(document, "ignore", where)),
        severity=severity,
        options=options,
        channels=channels,
        suppress=tuple(suppress),
        source=where,
    )
    return FileConfig(rules=rules_config, fail_on=fail_on, path=path)


def _known_keys(table: dict[str, Any], known: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in known:
            raise ConfigError(f"{where}: unknown key {key!r} (known: {', '.join(known)})")


def _table(table: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = table.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {key} must be a table, not {type(value).__name__}")
    return value


def _array(table: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"{where}: {key} must be an array of tables ([[{key}]])")
    return value


def _string(table: dict[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key} must be a non-empty string")
    return value.strip()


def _strings(table: dict[str, Any], key: str, where: str, default: list[str] | None = None) -> list[str]:
    value = table.get(key, default or [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} must be a list of rule codes or prefixes")
    return value


def _date(value: Any, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(f"{where}: until must be a date like 2027-03-01, not {value!r}")
