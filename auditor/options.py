"""What one audit is asked to do: the options every stage reads, and the context it builds for plugins."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from auditor.fetch.client import Fetched, Fetcher, FetchSettings
from auditor.fetch.credentials import credentials_from_env
from auditor.judge import RuleConfig
from auditor.plugin import Context, Page

MAX_PAGES = 5  # the site's own pages discovery reads besides the homepages


@dataclass(frozen=True, kw_only=True)
class AuditOptions:
    as_of: datetime | None = None  # None: now, read once when the audit starts
    fetch: FetchSettings = field(default_factory=FetchSettings)
    rules: RuleConfig = field(default_factory=RuleConfig)
    credentials: Mapping[str, str] | None = None  # None: read the known variables from the environment
    probe_handles: bool = False  # look the brand's handles up on every platform that maps them to profiles
    max_pages: int = MAX_PAGES  # the site's own pages discovery reads besides the homepages
    archive: Path | None = None  # write every response read into WARC files here (auditor.archive)
    replay: Path | None = None  # answer every request from the WARC files here, never the network

    def moment(self) -> datetime:
        """``as_of`` in UTC, or now when it is not set."""
        return utc(self.as_of or datetime.now(timezone.utc))


def context_for(options: AuditOptions, fetcher: Fetcher, as_of: datetime,
                responses: Mapping[str, Fetched] | None = None, parsed: Mapping[int, Page] | None = None) -> Context:
    """The plugins' context for one brand: its time, credentials, and the responses already fetched
    (and pages parsed) for it."""
    credentials = options.credentials if options.credentials is not None else credentials_from_env()
    return Context(fetcher=fetcher, as_of=as_of, credentials=credentials, pages=dict(responses or {}),
                   parsed=dict(parsed or {}))


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
