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

import dataclasses
import json
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from auditor.judge import ConfigError, RuleConfig, Rules, Suppression
from auditor.judge.selection import ALL
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
    """The nearest configuration from ``start`` up to the filesystem root, as ruff finds its own: in each
    folder ``auditor.toml``, else a ``pyproject.toml`` with a ``[tool.auditor]`` table (one without it is
    passed over)."""
    for folder in (start, *start.parents):
        found = _config_in(folder)
        if found is not None:
            return found
    return None


def _config_in(folder: Path) -> Path | None:
    candidate = folder / CONFIG_NAME
    if candidate.is_file():
        return candidate
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        try:
            if "auditor" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}):
                return pyproject
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
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


@dataclass(frozen=True, kw_only=True)
class Overrides:
    """What the command line says about the configuration: ``select`` replaces the file's selection,
    ``extend_select`` and ``ignore`` add to it, ``fail_on`` replaces the file's."""

    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None


DEFAULT_FAIL_ON = "warning"


@dataclass(frozen=True, kw_only=True)
class Setting:
    """One value of the effective configuration and where it came from."""

    key: str
    value: Any
    source: str  # "default", a file (with its table), a command-line flag, or several joined by " + "


@dataclass(frozen=True, kw_only=True)
class Effective:
    """The configuration a run uses: the file found (or given) with the command line over it."""

    rules: RuleConfig
    fail_on: str  # info | warning | error | never
    path: Path | None
    settings: tuple[Setting, ...]  # the top-level keys, in file order, each with its source


def codes(text: str | None) -> tuple[str, ...]:
    """``"stale, BROKEN001"`` → ``("STALE", "BROKEN001")``: a comma-separated selector flag."""
    return tuple(part.strip().upper() for part in (text or "").split(",") if part.strip())


def resolve(path: Path | None = None, overrides: Overrides = Overrides(), *, cwd: Path | None = None) -> Effective:
    """The file (``path``, else the nearest one :func:`find_config` finds from ``cwd``) with ``overrides``
    over it; raises ConfigError for a mistake in the file."""
    file = load_config(path, cwd=cwd)
    where = file.rules.source if file.path is not None else "default"
    rules = file.rules
    select_source = where if file.path is not None and rules.select != (ALL,) else "default"
    settings = [
        Setting(key="select", value=list(overrides.select or rules.select),
                source="--select" if overrides.select else select_source),
        _added("extend-select", rules.extend_select, overrides.extend_select, where, "--extend-select"),
        _added("ignore", rules.ignore, overrides.ignore, where, "--ignore"),
        Setting(key="fail-on", value=overrides.fail_on or file.fail_on or DEFAULT_FAIL_ON,
                source="--fail-on" if overrides.fail_on else (where if file.fail_on else "default")),
    ]
    merged = RuleConfig(select=overrides.select or rules.select,
                        extend_select=rules.extend_select + overrides.extend_select,
                        ignore=rules.ignore + overrides.ignore, severity=rules.severity, options=rules.options,
                        channels=rules.channels, suppress=rules.suppress, source=rules.source)
    return Effective(rules=merged, fail_on=str(settings[3].value), path=file.path, settings=tuple(settings))



def _added(key: str, from_file: tuple[str, ...], from_flag: tuple[str, ...], where: str, flag: str) -> Setting:
    sources = [s for s, values in ((where, from_file), (flag, from_flag)) if values]
    return Setting(key=key, value=[*from_file, *from_flag], source=" + ".join(sources) or "default")


def describe(effective: Effective, rules: Rules) -> str:
    """The effective configuration as TOML a user could paste into ``auditor.toml``, each value with its
    source in a comment; ``rules`` is ``effective.rules`` checked by :func:`auditor.judge.prepare`."""
    config = effective.rules
    where = config.source if effective.path is not None else "default"
    lines = [f"# configuration file: {effective.path}" if effective.path else
             "# configuration file: none found (defaults)"]
    lines += [_line(s.key, s.value, s.source) for s in effective.settings]
    lines.append(f"# rules that run: {' '.join(rule.CODE for rule in rules.enabled) or 'none'}")
    if config.severity:
        lines += ["", "[severity]"]
        lines += [_line(code, severity.value, where) for code, severity in sorted(config.severity.items())]
    for code in sorted(rules.options):
        values = rules.options[code]
        if not dataclasses.is_dataclass(values) or not dataclasses.fields(values):
            continue
        raw = {key.replace("-", "_") for key in config.options.get(code, {})}
        lines += ["", f"[rules.{code}]"]
        lines += [_line(f.name, getattr(values, f.name), where if f.name in raw else "default")
                  for f in dataclasses.fields(values)]
    for url, per_rule in config.channels.items():
        lines += ["", f"[[channel]]  # {where}", f"url = {_toml(url)}"]
        lines += [f"rules.{code}.{key} = {_toml(value)}" for code, options in per_rule.items()
                  for key, value in options.items()]
    for suppression in config.suppress:
        lines += ["", f"[[suppress]]  # {where}", f"channel = {_toml(suppression.channel)}",
                  f"rule = {_toml(suppression.rule)}", f"reason = {_toml(suppression.reason)}"]
        if suppression.until is not None:
            lines.append(f"until = {suppression.until.isoformat()}")
    return "\n".join(lines) + "\n"


def _line(key: str, value: Any, source: str) -> str:
    return f"{f'{key} = {_toml(value)}':<40}  # {source}"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }" if value else "{}"
    return json.dumps(str(value), ensure_ascii=False)
