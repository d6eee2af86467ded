"""SARIF 2.1.0 for code-scanning uploads: one result per finding, the channel URL as its
location, only the rules that fired in tool.driver.rules, stable fingerprints, and
suppressed findings carried with their justification."""

from __future__ import annotations

import json

from auditor import __version__
from auditor.models import Audit, Finding, Severity
from auditor.judge import Rules
from auditor.judge.rules import builtin_rules, summary
from auditor.plugin import Rule
from auditor.report.base import Reporter
from auditor.report.escape import json_text, xml_legal

LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
HELP_URI = "https://pypi.org/project/presence-auditor/#rules"


class SarifReporter(Reporter):
    name = "sarif"
    extension = "sarif"
    def clean(self, text: str) -> str:  # viewers render SARIF text in HTML and XML tooling
        return xml_legal(text)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fired: dict[str, Finding] = {}
        self.first = True

    def start(self) -> str:
        # Results stream first; the rule table, known only at the end, follows (key order is free in JSON).
        return f'{{"$schema": "{SCHEMA}", "version": "2.1.0", "runs": [{{"results": [\n'

    def render_one(self, audit: Audit) -> str:
        results = []
        for finding in audit.findings:
            results.append(self._result(audit, finding))
        for finding in audit.suppressed:
            result = self._result(audit, finding)
            result["suppressions"] = [{"kind": "external", "justification": finding.suppression}]
            results.append(result)
        text = ",\n".join(json_text(json.dumps(r, ensure_ascii=False)) for r in results)
        if text and not self.first:
            text = ",\n" + text
        self.first = self.first and not text
        return text

    def _result(self, audit: Audit, finding: Finding) -> dict:
        self.fired.setdefault(finding.code, finding)
        return {
            "ruleId": finding.code,
            "level": LEVEL[finding.severity],
            "message": {"text": finding.message},
            "locations": [{
                "physicalLocation": {"artifactLocation": {"uri": finding.channel_url}},
                "logicalLocations": [{"name": audit.brand.name, "kind": "namespace"}],
            }],
            "partialFingerprints": {"presenceAuditor/v1": finding.fingerprint},
            "properties": {"brand": audit.brand.name, "platform": finding.platform, "category": finding.category,
                           "evidence": [{"url": e.url, "field": e.field, "value": e.value}
                                        for e in finding.evidence]},
        }

    def end(self) -> str:
        configured = self.options.rules
        docs = {rule.CODE: rule for rule in (configured.enabled if configured is not None else builtin_rules())}
        rules = []
        for code in sorted(self.fired):
            finding = self.fired[code]
            rule = docs.get(code)
            rules.append({
                "id": code,
                "name": rule.NAME if rule else code,
                "shortDescription": {"text": summary(rule) if rule else finding.category},
                "fullDescription": {"text": (rule.__doc__ or "").strip() if rule else finding.category},
                "helpUri": HELP_URI,
                "defaultConfiguration": {"level": LEVEL[_severity(rule, configured) if rule else finding.severity]},
                "properties": {"category": finding.category},
            })
        tool = {"driver": {"name": "presence-auditor", "version": __version__, "informationUri": HELP_URI,
                           "rules": rules}}
        return "\n], " + f'"tool": {json.dumps(tool, ensure_ascii=False)}' + "}]}\n"


def _severity(rule: Rule, configured: Rules | None) -> Severity:
    """The rule's severity as this run configured it (its default without a configuration)."""
    return configured.severity_of(rule) if configured is not None else rule.SEVERITY
