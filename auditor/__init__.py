"""presence-auditor: find a brand's abandoned online presence.

Four stages over typed data, each a function with an async form (``*_async``)::

    discover(brand) → Discovery      the brand's channels          (auditor.discover)
    collect(discovery) → Collection  each channel's activity       (auditor.collect)
    judge(collection, rules) → Judgement  findings from the rules  (auditor.judge)
    report(audit, format) → str      a table, JSON, HTML, ...      (auditor.report)

``audit(brand)`` is their composition; ``audit_many`` streams a batch. Plugins build on
:mod:`auditor.plugin`.
"""

__version__ = "0.1.0"

from auditor.audit import assemble, audit, audit_async
from auditor.batch import BrandResult, BrandSpec, audit_many
from auditor.collect import Collection, collect, collect_async
from auditor.discover import Discovery, discover, discover_async
from auditor.discover.brand import InvalidInput
from auditor.fetch.client import Fetched, Fetcher, FetchSettings, make_client
from auditor.judge import ConfigError, Judgement, RuleConfig, Rules, judge, prepare
from auditor.models import (
    Activity,
    Audit,
    Brand,
    Channel,
    Confidence,
    Evidence,
    ExitStatus,
    FetchStats,
    Finding,
    Interaction,
    Item,
    RequestRecord,
    Severity,
    Status,
)
from auditor.options import AuditOptions
from auditor.parse.feeddates import parse_date, read_date
from auditor.parse.feeds import FeedError, parse_feed
from auditor.parse.page import extract_page
from auditor.report import ReportOptions, report
from auditor.report.serialize import audit_from_json, audit_to_json

__all__ = [
    "Activity",
    "Audit",
    "AuditOptions",
    "Brand",
    "BrandResult",
    "BrandSpec",
    "Channel",
    "Collection",
    "Confidence",
    "ConfigError",
    "Discovery",
    "Evidence",
    "ExitStatus",
    "FetchSettings",
    "FetchStats",
    "FeedError",
    "Fetched",
    "Fetcher",
    "Finding",
    "InvalidInput",
    "Interaction",
    "Item",
    "Judgement",
    "ReportOptions",
    "RequestRecord",
    "RuleConfig",
    "Rules",
    "Severity",
    "Status",
    "__version__",
    "assemble",
    "audit",
    "audit_async",
    "audit_from_json",
    "audit_many",
    "audit_to_json",
    "collect",
    "collect_async",
    "discover",
    "discover_async",
    "extract_page",
    "judge",
    "make_client",
    "parse_date",
    "parse_feed",
    "prepare",
    "read_date",
    "report",
]
