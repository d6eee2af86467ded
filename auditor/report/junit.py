"""JUnit XML for CI dashboards: a test suite per brand, a test case per channel, a failure per
channel with findings at or above --fail-on (lower ones are listed in system-out)."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from auditor.models import Audit
from auditor.report.base import Reporter, findings_for
from auditor.report.escape import xml_legal


class JunitReporter(Reporter):
    name = "junit"
    extension = "xml"
    def clean(self, text: str) -> str:  # a control character would make the file not well-formed
        return xml_legal(text)

    def start(self) -> str:
        return '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="presence-auditor">\n'

    def render_one(self, audit: Audit) -> str:
        threshold = self.options.fail_on
        cases = []
        failures = 0
        for channel in audit.channels:
            findings = findings_for(audit, channel.url)
            failing = [f for f in findings if threshold is not None and f.severity.rank >= threshold.rank]
            other = [f for f in findings if f not in failing]
            body = ""
            if failing:
                failures += 1
                text = "\n".join(f"{f.severity.value} {f.code}: {f.message}" +
                                 "".join(f"\n  {e.field}: {e.value} ({e.url})" for e in f.evidence)
                                 for f in failing)
                body += (f"<failure type={quoteattr(failing[0].code)} "
                         f"message={quoteattr(failing[0].message)}>{escape(text)}</failure>")
            if other:
                body += "<system-out>" + escape("\n".join(f"{f.severity.value} {f.code}: {f.message}"
                                                          for f in other)) + "</system-out>"
            name = quoteattr(f"{channel.platform} {channel.url}")
            classname = quoteattr(audit.brand.name)
            cases.append(f'    <testcase classname={classname} name={name}>{body}</testcase>\n'
                         if body else f"    <testcase classname={classname} name={name}/>\n")
        return (f"  <testsuite name={quoteattr(audit.brand.name)} tests=\"{len(audit.channels)}\" "
                f"failures=\"{failures}\" errors=\"0\" timestamp={quoteattr(audit.as_of.isoformat())}>\n"
                + "".join(cases) + "  </testsuite>\n")

    def end(self) -> str:
        return "</testsuites>\n"
