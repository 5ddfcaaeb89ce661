"""CP2-001: production-like personal data in a non-prod environment."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence
from seawall.checks._pii import EXAMPLE_FAIL, EXAMPLE_PASS, unmasked

META = CheckMeta(
    id="CP2-001",
    control="CP-2",
    severity=Severity.HIGH,
    title="Real personal data in a non-prod environment",
    rationale="Environment separation means dev holds synthetic or masked data only. Validated personal data (cards passing Luhn, IBANs passing mod-97, possible phone numbers, real-looking names) in a dev or staging path is prod data that crossed the boundary.",
    remediation="Replace the extract with synthetic or masked data and find the pipeline that copied prod data into non-prod.",
    needs=(EvidenceKind.PII,),
    verify_clause="No prod data in dev (DLP scan).",
    references=("https://owasp.org/www-project-top-ten/",),
    example_fail=EXAMPLE_FAIL,
    example_pass=EXAMPLE_PASS,
)


def run(evidence: Evidence) -> CheckOutcome:
    """The same scan, judged as environment separation."""
    return unmasked(evidence, "prod-like data in non-prod")
