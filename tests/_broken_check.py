"""A check that always raises, registered by tests to prove errors never crash a scan."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence

META = CheckMeta(
    id="CR1-900",
    control="CR-1",
    severity=Severity.HIGH,
    title="Always broken",
    rationale="test double",
    remediation="none",
    needs=(EvidenceKind.DOCKERFILES,),
    verify_clause="An image scan shows no root processes.",
)


def run(evidence: Evidence) -> CheckOutcome:
    """Raise, as a buggy check would."""
    raise ValueError("boom in check")
