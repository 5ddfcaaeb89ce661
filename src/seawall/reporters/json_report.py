"""JSON output: the stable contract of DESIGN.md.

Controls and findings carry exactly the contract's keys; errors, notices,
per-finding details (for secrets: rule, preview, length, author, date, whether
still at HEAD) and suppression reasons are extra top-level keys keyed by
fingerprint, so parsers of the contract are unaffected.
"""

from __future__ import annotations

import json
from typing import Any

from seawall._model import Report

__all__ = ["render", "report_to_dict"]


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data."""
    return {
        "tool": {"name": "seawall", "version": report.tool_version},
        "controls": [
            {"id": c.control_id, "title": c.title, "status": c.status.value, "summary": c.summary}
            for c in report.controls
        ],
        "findings": [
            {
                "check": f.check_id,
                "control": f.control_id,
                "severity": f.severity.value,
                "status": f.status.value,
                "message": f.message,
                "path": f.location.path,
                "line": f.location.line,
                "commit": f.location.commit,
                "resource": f.location.resource,
                "fingerprint": f.fingerprint,
                "remediation": f.remediation,
            }
            for f in report.findings
        ],
        "stats": dict(report.stats),
        # Every probed TLS endpoint with its grade (also those that pass).
        "endpoints": list(report.stats.get("tls", {}).get("endpoints", [])),
        "errors": [
            {
                "control": e.control_id,
                "check": e.check_id,
                "path": e.path,
                "line": e.line,
                "message": e.message,
            }
            for e in report.errors
        ],
        "notices": [
            {"kind": n.kind, "path": n.path, "line": n.line, "message": n.message}
            for n in report.notices
        ],
        "details": [
            {"fingerprint": f.fingerprint, **dict(f.details)} for f in report.findings if f.details
        ],
        "suppressions": [
            {
                "fingerprint": f.fingerprint,
                "kind": f.suppression_kind,
                "reason": f.suppression_reason,
            }
            for f in report.findings
            if f.suppression_reason is not None
        ],
    }


def render(report: Report) -> str:
    """One JSON object, indented, with a trailing newline."""
    return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n"
