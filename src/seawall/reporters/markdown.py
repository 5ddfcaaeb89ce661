"""Markdown suited to a pull-request comment: a control table, then findings per control."""

from __future__ import annotations

import re

from seawall._model import ControlStatus, FindingStatus, Report
from seawall.reporters._common import STATUS_LABEL, location_text, one_line, severity_order

__all__ = ["render"]

_ICON = {
    ControlStatus.PASS: "✅",
    ControlStatus.FAIL: "❌",
    ControlStatus.PARTIAL: "🟡",
    ControlStatus.NOT_EVIDENCED: "⚪",
    ControlStatus.ERROR: "⚠️",
}
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")


def _escape(text: str) -> str:
    """Escape Markdown and HTML so scanned file names cannot inject markup, break tables
    or reorder what a pull-request comment shows (bidi overrides are escaped too)."""
    return _SPECIAL.sub(r"\\\1", one_line(text))


def render(report: Report) -> str:
    """The whole comment body."""
    failing = sum(1 for c in report.controls if c.status is ControlStatus.FAIL)
    lines = [
        f"## Seawall {report.tool_version}: {failing} of {len(report.controls)} controls fail",
        "",
        "| Control | Status | "
        + " | ".join(s.value.capitalize() for s in severity_order())
        + " | Summary |",
        "|---|---|" + "---:|" * len(severity_order()) + "---|",
    ]
    for control in report.controls:
        counts = control.counts_by_severity()
        lines.append(
            f"| {control.control_id} {_escape(control.title)} "
            f"| {_ICON[control.status]} {STATUS_LABEL[control.status].lower()} | "
            + " | ".join(str(counts[s]) for s in severity_order())
            + f" | {_escape(control.summary)} |"
        )
    for control in report.controls:
        if not control.findings and not control.errors:
            continue
        active = sum(1 for f in control.findings if f.status is FindingStatus.FAIL)
        lines += [
            "",
            f"<details{' open' if active else ''}><summary><b>{control.control_id} "
            f"{_escape(control.title)}</b>: {active} finding(s)</summary>",
            "",
            "| Severity | Check | Location | Message | Fix |",
            "|---|---|---|---|---|",
        ]
        for finding in control.findings:
            severity = finding.severity.value
            if finding.status is FindingStatus.SUPPRESSED:
                severity += f" (suppressed: {finding.suppression_reason})"
            lines.append(
                f"| {_escape(severity)} | {finding.check_id} | {_escape(location_text(finding))} "
                f"| {_escape(finding.message)} | {_escape(finding.remediation)} |"
            )
        for error in control.errors:
            lines.append(
                f"| error | {error.check_id or '-'} | {_escape(error.path or '-')} "
                f"| {_escape(error.message)} | |"
            )
        lines += ["", "</details>"]
    stats = report.stats
    lines += [
        "",
        f"<sub>{stats.get('files_scanned', 0)} files, {stats.get('checks_run', 0)} checks, "
        f"{stats.get('suppressed', 0)} suppressed, {stats.get('baselined', 0)} baselined.</sub>",
        "",
    ]
    return "\n".join(lines)
