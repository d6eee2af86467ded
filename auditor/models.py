"""The audit's data: plain, frozen, typed values passed from stage to stage.

Brand ──discover──▶ Channel ──collect──▶ Activity (a Collection) ──rules──▶ Finding, all held by an Audit.
Every timestamp is timezone-aware UTC. JSON conversion lives in :mod:`auditor.report.serialize`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class Status(str, enum.Enum):
    """What happened when a channel was collected."""

    OK = "ok"
    NOT_FOUND = "not_found"  # the platform says there is no such account or page
    GONE = "gone"  # it existed and was removed, suspended or deactivated
    BLOCKED = "blocked"  # robots.txt, a private-address guard or the platform refused us
    LOGIN_WALL = "login_wall"  # it exists, but activity is hidden behind a login
    ERROR = "error"  # network, TLS, timeout, junk content: we could not tell


class ExitStatus(enum.IntEnum):
    """What an audit means for a CI job: the process exit status of ``auditor audit``."""

    CLEAN = 0  # nothing at or above the threshold
    FINDINGS = 1  # findings at or above the threshold
    USAGE = 2  # bad arguments, input or configuration
    FAILED = 3  # the audit itself could not run


class Severity(str, enum.Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Confidence(str, enum.Enum):
    """How sure we are that a channel belongs to the brand."""

    GIVEN = "given"  # named by the user
    HIGH = "high"  # declared by the brand's own markup (feed link, sameAs, rel=me)
    MEDIUM = "medium"  # a site-wide link (header, footer) or a well-known path that answered
    LOW = "low"  # a link inside one article


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where one fact came from: a URL, the field or element read there, and what it said."""

    url: str
    field: str
    value: str = ""
    warc_record: str = ""  # with --archive: the WARC-Record-ID of the archived response read at url


@dataclass(frozen=True, slots=True)
class Brand:
    name: str
    homepages: tuple[str, ...]
    channels: tuple[str, ...] = ()  # profile or feed URLs the user named
    handles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Channel:
    platform: str
    url: str  # canonical
    kind: str  # "website", "blog", "social", "forum", "code", ...
    handle: str = ""
    title: str = ""
    confidence: Confidence = Confidence.MEDIUM
    found_by: tuple[Evidence, ...] = ()
    found_through: str = ""  # the hub page or moved channel this channel was reached through ("": found directly)


@dataclass(frozen=True, slots=True)
class Item:
    """One post, video or topic with its dates."""

    url: str
    title: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    kind: str = "post"  # post | repost (a boost or reblog of someone else's) | reply (to someone else)
    pinned: bool = False  # pinned, sticky or the channel trailer: shown on top whatever its date, never the newest


@dataclass(frozen=True, slots=True)
class Interaction:
    """Something a visitor said to the channel (a comment, question, topic, issue or mention),
    and when the owner first answered it (None: never). The owner's own replies are not
    interactions; they are what ``owner_replied_at`` records."""

    url: str
    author: str
    at: datetime
    parent: str = ""  # URL or id of the item or comment it answers
    owner_replied_at: datetime | None = None
    kind: str = "comment"  # comment | question | topic | issue | mention


@dataclass(frozen=True, slots=True)
class Activity:
    channel_url: str
    status: Status
    reason: str = ""  # why the status is what it is, for a person
    last_activity: datetime | None = None
    last_activity_source: Evidence | None = None
    items: tuple[Item, ...] = ()
    interactions: tuple[Interaction, ...] = ()
    expired: bool = False  # the channel declares itself finished (JSON Feed "expired", archived)
    moved_to: str = ""  # the account or site the channel says it moved to
    title: str = ""
    evidence: tuple[Evidence, ...] = ()
    # Typed facts the rules read (evidence is for people; rules never parse it):
    empty: bool = False  # the plugin read the channel's whole list of items, and it was empty
    expired_source: Evidence | None = None  # where the "finished" flag was read, when expired
    redirected_to: str = ""  # the URL the channel's address redirected to, when it did
    exists: bool | None = None  # whether the account exists, as far as a walled platform shows (None: unknown)
    last_activity_kind: str = ""  # the Item.kind of the last act ("post", "repost", "reply"; "": not told)
    interstitial: str = ""  # the wall that stood in front of the channel (consent, cookie wall, robot check, age gate)


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    category: str
    severity: Severity
    channel_url: str
    platform: str
    message: str
    evidence: tuple[Evidence, ...] = ()
    fingerprint: str = ""
    suppression: str = ""  # the reason it is suppressed (only in Audit.suppressed)
    baseline: str = ""  # "new" or "unchanged" when compared with a baseline
    first_seen: datetime | None = None  # from the history: as_of of the first run that saw it
    stale_since: datetime | None = None  # from the history, stale findings only: as_of that began the current streak

    @property
    def ordering_key(self) -> tuple[int, str, str]:
        return (-self.severity.rank, self.channel_url, self.code)


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One HTTP exchange as the fetcher saw it (retries of one URL are one record)."""

    url: str
    status: int | None
    bytes: int
    seconds: float
    attempts: int
    error: str = ""


@dataclass(frozen=True, slots=True)
class FetchStats:
    requests: int = 0
    attempts: int = 0
    errors: int = 0
    bytes: int = 0
    seconds: float = 0.0
    by_status: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One recorded run of a brand, from the history: its findings per category, and how many
    appeared and resolved since the run before it."""

    as_of: datetime
    by_category: dict[str, int] = field(default_factory=dict)
    new: int = 0
    resolved: int = 0


@dataclass(frozen=True)
class Collection:
    """Stage 2's result: what each channel of a brand showed, as of one moment."""

    brand: Brand
    as_of: datetime
    channels: tuple[Channel, ...]
    activities: tuple[Activity, ...]
    requests: tuple[RequestRecord, ...] = field(default=(), compare=False, repr=False)  # discovery's and collection's


@dataclass(frozen=True, slots=True)
class Audit:
    brand: Brand
    as_of: datetime
    channels: tuple[Channel, ...]
    activities: tuple[Activity, ...]
    findings: tuple[Finding, ...]
    stats: FetchStats = field(default_factory=FetchStats)
    suppressed: tuple[Finding, ...] = ()  # silenced by a configured suppression, with its reason
    resolved: tuple[Finding, ...] = ()  # in the baseline, no longer found
    trend: tuple[TrendPoint, ...] = ()  # from the history: the brand's runs up to this one, oldest first

    def activity_for(self, channel: Channel) -> Activity | None:
        for activity in self.activities:
            if activity.channel_url == channel.url:
                return activity
        return None

    def failing(self, threshold: Severity | None, *, only_new: bool = False) -> tuple[Finding, ...]:
        """The findings at or above ``threshold`` (None: never fail), only the baseline's new ones if asked."""
        if threshold is None:
            return ()
        return tuple(f for f in self.findings
                     if f.severity.rank >= threshold.rank and (not only_new or f.baseline == "new"))

    def exit_status(self, threshold: Severity | None, *, only_new: bool = False) -> ExitStatus:
        """FINDINGS when a finding is at or above ``threshold`` (with ``only_new``: a new one), else CLEAN."""
        return ExitStatus.FINDINGS if self.failing(threshold, only_new=only_new) else ExitStatus.CLEAN
