"""presence-auditor: find a brand's abandoned online presence."""

__version__ = "0.1.0"

from auditor.audit import AuditOptions, audit, audit_async
from auditor.discover.brand import InvalidInput
from auditor.judge import ConfigError, RuleConfig
from auditor.fetch.client import Fetched, Fetcher, FetchSettings, make_client
from auditor.models import (
    Activity,
    Audit,
    Brand,
    Channel,
    Confidence,
    Evidence,
    FetchStats,
    Finding,
    Interaction,
    Item,
    RequestRecord,
    Severity,
    Status,
)
from auditor.parse.feeddates import parse_date, read_date
from auditor.parse.feeds import FeedError, parse_feed
from auditor.report.serialize import audit_from_json, audit_to_json

__all__ = [
    "Activity",
    "Audit",
    "AuditOptions",
    "Brand",
    "Channel",
    "Confidence",
    "ConfigError",
    "Evidence",
    "FetchSettings",
    "FetchStats",
    "FeedError",
    "Fetched",
    "Fetcher",
    "Finding",
    "InvalidInput",
    "Interaction",
    "Item",
    "RequestRecord",
    "RuleConfig",
    "Severity",
    "Status",
    "__version__",
    "audit",
    "audit_async",
    "audit_from_json",
    "audit_to_json",
    "make_client",
    "parse_date",
    "parse_feed",
    "read_date",
]
