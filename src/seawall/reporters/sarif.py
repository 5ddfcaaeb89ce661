"""SARIF 2.1.0 output, shaped for GitHub code scanning.

Rules carry help text, a level, the control id as a tag, a precision and a
``security-severity`` score (GitHub's severity column); results carry
``partialFingerprints`` so alerts survive line moves, and suppressed findings
carry a SARIF ``suppressions`` entry instead of vanishing.
"""

from __future__ import annotations

import json
import re
from typing import Any

from seawall import __version__
from seawall._model import Finding, FindingStatus, Report, Severity
from seawall.catalog import get_control
from seawall.checks import load_check

__all__ = ["render"]

_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}


def _rule_name(title: str) -> str:
    return "".join(word.capitalize() for word in re.findall(r"[A-Za-z0-9]+", title))


def _rule(check_id: str) -> dict[str, Any]:
    meta = load_check(check_id).meta
    control = get_control(meta.control)
    references = "".join(f"\n- {ref}" for ref in meta.references)
    markdown = (
        f"**{meta.title}** ({meta.id}, control {control.id} {control.title})\n\n"
        f"{meta.rationale}\n\n**Fix:** {meta.remediation}\n\n"
        f"**Verify clause:** {meta.verify_clause}"
        + (f"\n\n**References:**{references}" if references else "")
    )
    rule: dict[str, Any] = {
        "id": meta.id,
        "name": _rule_name(meta.title),
        "shortDescription": {"text": meta.title},
        "fullDescription": {"text": meta.rationale},
        "help": {"text": f"{meta.rationale}\n\nFix: {meta.remediation}", "markdown": markdown},
        "defaultConfiguration": {"level": _LEVEL[meta.severity]},
        "properties": {
            "tags": ["security", control.id, f"seawall/{control.id}"],
            "precision": "high",
            "security-severity": _SECURITY_SEVERITY[meta.severity],
            "control": control.id,
        },
    }
    if meta.references:
        rule["helpUri"] = meta.references[0]
    return rule


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.check_id,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "partialFingerprints": {"seawall/v1": finding.fingerprint},
        "properties": {
            "control": finding.control_id,
            "severity": finding.severity.value,
            "security-severity": _SECURITY_SEVERITY[finding.severity],
        },
    }
    result["properties"].update({k: v for k, v in finding.details if v is not None})
    loc = finding.location
    if loc.path is not None:
        physical: dict[str, Any] = {"artifactLocation": {"uri": loc.path, "uriBaseId": "%SRCROOT%"}}
        if loc.line is not None:
            region: dict[str, Any] = {"startLine": loc.line}
            if loc.end_line is not None and loc.end_line >= loc.line:
                region["endLine"] = loc.end_line
            physical["region"] = region
        result["locations"] = [{"physicalLocation": physical}]
    elif loc.resource is not None:
        result["locations"] = [{"logicalLocations": [{"fullyQualifiedName": loc.resource}]}]
    if finding.status is FindingStatus.SUPPRESSED:
        result["suppressions"] = [
            {
                "kind": "inSource" if finding.suppression_kind == "inline" else "external",
                "justification": finding.suppression_reason or "",
            }
        ]
    return result


def render(report: Report) -> str:
    """A SARIF 2.1.0 log with one run."""
    rule_ids = sorted(set(report.checks_run) | {f.check_id for f in report.findings})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    notifications = [
        {
            "level": "error",
            "message": {"text": f"{e.path + ': ' if e.path else ''}{e.message}"},
            "descriptor": {"id": e.check_id or "seawall"},
            **(
                {
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": e.path, "uriBaseId": "%SRCROOT%"},
                                **({"region": {"startLine": e.line}} if e.line else {}),
                            }
                        }
                    ]
                }
                if e.path
                else {}
            ),
        }
        for e in report.errors
    ]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "Seawall",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule(rule_id) for rule_id in rule_ids],
                    }
                },
                "automationDetails": {"id": "seawall/scan/"},
                "invocations": [
                    {
                        "executionSuccessful": not report.errors,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": [_result(f, index[f.check_id]) for f in report.findings],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
