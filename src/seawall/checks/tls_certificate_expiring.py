"""ED1-003: a TLS certificate expiring within 30 days (fails within 14)."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.collectors.tls import TlsEvidence

META = CheckMeta(
    id="ED1-003",
    control="ED-1",
    severity=Severity.HIGH,
    title="Certificate expiring soon",
    rationale=(
        "The baseline asks for automated certificate-expiry checks. An expired certificate takes "
        "a service down for verifying clients and teaches the rest to skip verification."
    ),
    remediation="Renew the certificate (and automate renewal, e.g. ACME or cert-manager) well before it expires.",
    needs=(EvidenceKind.TLS,),
    verify_clause="SSL Labs A+ rating.",
    references=("https://cert-manager.io/docs/",),
    example_fail=(("cert.txt", "notAfter in 9 days\n"),),
    example_pass=(("cert.txt", "notAfter in 80 days\n"),),
)


def run(evidence: Evidence) -> CheckOutcome:
    """High within 14 days (or expired), medium within 30."""
    tls: TlsEvidence = evidence[EvidenceKind.TLS]
    checked = [f for f in tls.endpoints if f.reachable and f.certificate is not None]
    violations = []
    for facts in checked:
        days = facts.certificate.days_to_expiry  # type: ignore[union-attr]
        if days > 30:
            continue
        severity = Severity.HIGH if days <= 14 else Severity.MEDIUM
        when = "expired" if days < 0 else f"expires in {days} day(s)"
        violations.append(
            Violation(
                message=f"certificate for {facts.endpoint.name} {when} ({facts.certificate.not_after[:10]})",  # type: ignore[union-attr]
                key=f"expiry:{'14' if days <= 14 else '30'}",
                resource=facts.endpoint.resource,
                severity=severity,
            )
        )
    missing = None if checked else "no [[tls]] endpoint configured or reachable"
    return CheckOutcome(tuple(violations), evidenced=bool(checked), missing=missing)
