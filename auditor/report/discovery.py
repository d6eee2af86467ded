"""Printing a :class:`~auditor.discover.Discovery`: a plain table, or JSON."""

from __future__ import annotations

import json

from dataclasses import replace

from auditor.discover import Discovery
from auditor.report.escape import json_text, printable
from auditor.report.serialize import to_data
from auditor.strings import map_strings


def render_discovery(found: Discovery, format: str, *, explain: bool = False) -> str:
    """The discovery as a table or JSON; with ``explain``, each channel's origins and every rejected link too."""
    if format == "json":
        document = {"channels": to_data(list(found.channels)), "probes": to_data(list(found.probes)),
                    "notes": list(found.notes)}
        if explain:
            document["origins"] = {url: list(origins) for url, origins in found.origins.items()}
            document["rejected"] = to_data(list(found.rejected))
        return json_text(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"
    found = replace(found, channels=map_strings(found.channels, printable), probes=map_strings(found.probes, printable),
                    notes=map_strings(found.notes, printable), rejected=map_strings(found.rejected, printable))
    # text from pages, for a terminal
    lines = [f"{'PLATFORM':<10} {'CONFIDENCE':<10} {'HANDLE':<18} URL"]
    for channel in found.channels:
        lines.append(f"{channel.platform:<10} {channel.confidence.value:<10} {channel.handle or '-':<18} {channel.url}")
        if explain:
            origins = ", ".join(found.origins.get(channel.url, ())) or "unknown"
            through = f" through {channel.found_through}" if channel.found_through else ""
            lines.append(f"{'':<10} {'':<10} {'':<18}   origin: {origins}{through}")
        for evidence in channel.found_by:
            detail = f" = {evidence.value}" if evidence.value else ""
            lines.append(f"{'':<10} {'':<10} {'':<18}   found by {evidence.field}{detail} on {evidence.url}")
    if found.probes:
        lines += ["", f"{'PLATFORM':<10} {'OUTCOME':<10} {'HANDLE':<18} URL"]
        for probe in found.probes:
            lines.append(f"{probe.platform:<10} {probe.outcome:<10} {probe.handle:<18} {probe.url}")
            lines.append(f"{'':<10} {'':<10} {'':<18}   {probe.reason}")
    if explain and found.rejected:
        lines += ["", "Rejected links:"]
        lines += [f"  - {r.url} (on {r.seen_on}): {r.reason}" for r in found.rejected]
    if found.notes:
        lines += ["", "Notes:"] + [f"  - {note}" for note in found.notes]
    return "\n".join(lines) + "\n"
