"""``auditor plugins``: the installed plugins, where each came from, what it added, and load errors."""

from __future__ import annotations

import json
from dataclasses import asdict

from auditor.plugin import PluginInfo, Registry


def render_plugins(registry: Registry, format: str = "table") -> str:
    if format == "json":
        document = {
            "plugins": [asdict(info) for info in registry.plugins],
            "platforms": [{"name": p.spec.name, "kind": p.spec.kind, "summary": p.spec.summary,
                           "hosts": list(p.spec.hosts), "walled": p.spec.walled,
                           "signals": [s.value for s in p.spec.signals], "credentials": list(p.spec.credentials)}
                          for p in registry.platforms_by_priority()],
        }
        return json.dumps(document, indent=2) + "\n"
    lines = [f"{len(registry.plugins)} plugins, {len(registry.platforms)} platforms, {len(registry.rules)} rules"]
    for info in registry.plugins:
        lines.append(_line(info))
    failed = [info for info in registry.plugins if info.error]
    if failed:
        lines.append("")
        lines.append(f"{len(failed)} failed to load (their platforms and rules are not used):")
        lines += [f"  {info.name} ({info.module}): {info.error}" for info in failed]
    return "\n".join(lines) + "\n"


def _line(info: PluginInfo) -> str:
    source = f"{info.distribution} {info.version}".strip() or "unknown package"
    added = ", ".join([*info.platforms, *info.rules]) or ("failed to load" if info.error else "nothing")
    return f"  {info.name:<12} {source:<28} {added}"
