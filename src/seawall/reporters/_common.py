"""Helpers shared by reporters."""

from __future__ import annotations

from seawall._model import ControlStatus, Finding, Severity

__all__ = ["STATUS_LABEL", "location_text", "severity_order"]

STATUS_LABEL = {
    ControlStatus.PASS: "PASS",
    ControlStatus.FAIL: "FAIL",
    ControlStatus.PARTIAL: "PARTIAL",
    ControlStatus.NOT_EVIDENCED: "NOT EVIDENCED",
    ControlStatus.ERROR: "ERROR",
}


def location_text(finding: Finding) -> str:
    """``path:line``, ``path``, the live resource, or ``-``."""
    loc = finding.location
    if loc.path is not None:
        where = f"{loc.path}:{loc.line}" if loc.line is not None else loc.path
        return f"{where}@{loc.commit[:12]}" if loc.commit else where
    return loc.resource or "-"


def severity_order() -> tuple[Severity, ...]:
    """Severities from most to least severe."""
    return tuple(sorted(Severity, key=lambda s: -s.rank))
