"""Hooks a presence-auditor plugin may implement.

A plugin is any module or object registered under the ``auditor.plugins`` entry-point
group (the built-ins use the same group). Implement a hook by defining a function with
its name, decorated with ``auditor.hookimpl``, taking only the arguments it needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .registry import Registry

PROJECT = "auditor"
ENTRY_POINT_GROUP = "auditor.plugins"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def auditor_register_platforms(registry: Registry) -> None:
    """Add platform objects (see :class:`auditor.platform.Platform`) with ``registry.add_platform``."""


@hookspec
def auditor_register_rules(registry: Registry) -> None:
    """Add rule modules or objects (see :mod:`auditor.rules`) with ``registry.add_rule``."""
