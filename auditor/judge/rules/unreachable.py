"""BROKEN003 unreachable: the channel could not be read after retries.

What it flags
    A channel whose every attempt failed: DNS or connection failures, TLS errors,
    timeouts, redirect loops, bodies over the size cap, or content that is not what it
    claims (a malformed or unsafe feed, an HTML error page instead of data).

Why it matters
    If the auditor cannot read it, often neither can visitors or feed readers.

Example
    The homepage declares ``/feed.xml`` but it answers with malformed XML.

How to fix
    Open the URL in the evidence and fix the server or the markup; remove links to
    endpoints that are gone for good.

Options
    (none)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from auditor.models import Activity, Brand, Channel, Severity, Status
from auditor.judge.rules import Violation, finding

CODE = "BROKEN003"
NAME = "unreachable"
CATEGORY = "broken"
SEVERITY = Severity.ERROR


@dataclass(frozen=True, kw_only=True)
class Options:
    pass


def check(brand: Brand, channel: Channel, activity: Activity, options: Options, as_of: datetime) -> Iterator[Violation]:
    if activity.status is Status.ERROR:
        yield finding(f"Could not read the channel: {activity.reason}.", channel.url, "error", activity.reason)
