"""ED2-002: unmasked PII in non-prod data."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence
from seawall.checks._pii import EXAMPLE_FAIL, EXAMPLE_PASS, unmasked

META = CheckMeta(
    id="ED2-002",
    control="ED-2",
    severity=Severity.HIGH,
    title="Unmasked PII in non-prod data",
    rationale="The baseline's Verify clause: a PII scanner finds zero unmasked records in non-prod. PII should be tokenized or masked at ingest, so copies that reach dev and staging hold nothing a breach there could expose.",
    remediation="Tokenize or mask the column at ingest (keyed HMAC tokens keep joins working), or load synthetic data into non-prod; then delete the unmasked copies.",
    needs=(EvidenceKind.PII,),
    verify_clause="A PII scanner finds zero unmasked records in non-prod.",
    references=("https://www.nist.gov/privacy-framework",),
    example_fail=EXAMPLE_FAIL,
    example_pass=EXAMPLE_PASS,
)


def run(evidence: Evidence) -> CheckOutcome:
    """Any unmasked record in a non-prod data file fails."""
    return unmasked(evidence, "non-prod data")
