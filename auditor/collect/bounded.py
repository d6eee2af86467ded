"""At most so many items and interactions kept per channel, whatever a site sends.

Takes a channel's :class:`~auditor.models.Activity` as its plugin made it; gives it with at
most :data:`MAX_ITEMS` items and :data:`MAX_INTERACTIONS` interactions, the newest kept (undated
ones last), and, when some were dropped, an evidence line saying how many there were. The
last-activity date and every other fact stay as the plugin found them, and the rules read
only recent items and interactions, so verdicts do not change; the report's size is bounded.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from auditor.models import Activity, Evidence, Interaction, Item

MAX_ITEMS = 1000
MAX_INTERACTIONS = 2000
_OLDEST = datetime.min.replace(tzinfo=timezone.utc)


def bounded(activity: Activity) -> Activity:
    items, interactions = activity.items, activity.interactions
    if len(items) <= MAX_ITEMS and len(interactions) <= MAX_INTERACTIONS:
        return activity
    notes: list[Evidence] = []
    if len(items) > MAX_ITEMS:
        notes.append(Evidence(activity.channel_url, "items kept", f"the {MAX_ITEMS:,} newest of {len(items):,}"))
        items = tuple(sorted(items, key=_item_date, reverse=True)[:MAX_ITEMS])
    if len(interactions) > MAX_INTERACTIONS:
        notes.append(Evidence(activity.channel_url, "interactions kept",
                              f"the {MAX_INTERACTIONS:,} newest of {len(interactions):,}"))
        interactions = tuple(sorted(interactions, key=_interaction_date, reverse=True)[:MAX_INTERACTIONS])
    return replace(activity, items=items, interactions=interactions, evidence=(*activity.evidence, *notes))


def _item_date(item: Item) -> datetime:
    return item.published or item.updated or _OLDEST


def _interaction_date(interaction: Interaction) -> datetime:
    return interaction.at or _OLDEST
