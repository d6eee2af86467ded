"""The registry of platforms and rules, filled through the plugin hooks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points

import pluggy

from . import hookspecs
from .platform import Platform
from .rules import Rule


class UnknownName(LookupError):
    """A platform name or rule code that no plugin registered."""


@dataclass
class Registry:
    platforms: dict[str, Platform] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    load_errors: list[str] = field(default_factory=list)  # plugins that failed to load, for a person

    def add_platform(self, platform: Platform) -> None:
        if platform.name in self.platforms:
            raise ValueError(f"platform {platform.name!r} is registered twice")
        self.platforms[platform.name] = platform

    def add_rule(self, rule: Rule) -> None:
        if rule.CODE in self.rules:
            raise ValueError(f"rule {rule.CODE} is registered twice")
        self.rules[rule.CODE] = rule

    def platform(self, name: str) -> Platform:
        try:
            return self.platforms[name]
        except KeyError:
            raise UnknownName(f"unknown platform {name!r}; known: {', '.join(sorted(self.platforms))}") from None

    def rule(self, code: str) -> Rule:
        try:
            return self.rules[code.upper()]
        except KeyError:
            raise UnknownName(f"unknown rule code {code!r}; known: {', '.join(sorted(self.rules))}") from None

    def platforms_by_priority(self) -> list[Platform]:
        return sorted(self.platforms.values(), key=lambda p: (p.priority, p.name))


def load_registry(plugins: Iterable[object] | None = None, *, blocked: Iterable[str] = ()) -> Registry:
    """Registry from the installed ``auditor.plugins`` entry points, or from ``plugins`` when given.

    A plugin that fails to import is skipped and named in ``load_errors``; one bad
    third-party plugin must not stop an audit.
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    registry = Registry()
    if plugins is None:
        skip = set(blocked)
        for entry in entry_points(group=hookspecs.ENTRY_POINT_GROUP):
            if entry.name in skip or manager.has_plugin(entry.name):
                continue
            try:
                manager.register(entry.load(), name=entry.name)
            except Exception as exc:  # noqa: BLE001 - any import-time failure of a third-party plugin
                registry.load_errors.append(f"plugin {entry.name!r} ({entry.value}) failed to load: {exc}")
    else:
        for plugin in plugins:
            manager.register(plugin)
    manager.check_pending()
    manager.hook.auditor_register_platforms(registry=registry)
    manager.hook.auditor_register_rules(registry=registry)
    return registry
