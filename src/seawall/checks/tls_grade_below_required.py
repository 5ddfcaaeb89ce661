"""ED1-002: a TLS endpoint graded below what the baseline requires."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall._tls_grade import grade, meets
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.collectors.tls import TlsEvidence

META = CheckMeta(
    id="ED1-002",
    control="ED-1",
    severity=Severity.HIGH,
    title="TLS endpoint below the required grade",
    rationale=(
        "The baseline's Verify clause is an SSL Labs A+ rating. SSL Labs cannot reach internal "
        "services; Seawall grades every configured endpoint the same way: edges must reach A+ "
        "(TLS 1.2+, forward secrecy, a trusted matching certificate, HSTS of at least six "
        "months) and internal services A."
    ),
    remediation="Offer TLS 1.2 and 1.3 only with ECDHE suites, serve a trusted certificate that matches the name, and on HTTPS edges send Strict-Transport-Security: max-age=31536000; includeSubDomains.",
    needs=(EvidenceKind.TLS,),
    verify_clause="SSL Labs A+ rating.",
    references=("https://github.com/ssllabs/research/wiki/SSL-Server-Rating-Guide",),
    example_fail=(
        (
            "seawall.toml",
            '[[tls]]\nhost = "legacy.internal"\nport = 8443\n# offers TLS 1.0 and AES128-SHA: graded B\n',
        ),
    ),
    example_pass=(
        (
            "seawall.toml",
            '[[tls]]\nhost = "api.example.com"\nedge = true\n# TLS 1.2/1.3, ECDHE only, HSTS max-age=31536000: graded A+\n',
        ),
    ),
)


def run(evidence: Evidence) -> CheckOutcome:
    """Grade each reachable endpoint against its requirement."""
    tls: TlsEvidence = evidence[EvidenceKind.TLS]
    reachable = [f for f in tls.endpoints if f.reachable]
    if not tls.endpoints:
        return CheckOutcome(
            (), evidenced=False, missing="no [[tls]] endpoint configured (or seawall tls HOST)"
        )
    violations = []
    notes = []
    for facts in reachable:
        result = grade(facts)
        endpoint = facts.endpoint
        required = endpoint.min_grade or ("A+" if endpoint.edge else "A")
        notes.append(f"{endpoint.resource} ({endpoint.name}): grade {result.letter}")
        if not meets(result.letter, required):
            why = "; ".join(result.reasons) or "no reason recorded"
            violations.append(
                Violation(
                    message=f"{endpoint.name} graded {result.letter}, {'edge' if endpoint.edge else 'internal'} endpoints need {required}: {why}",
                    key=f"grade:{result.letter}:{','.join(sorted(result.reasons))}",
                    resource=endpoint.resource,
                    severity=Severity.HIGH
                    if endpoint.edge or result.letter in ("F", "T", "M")
                    else Severity.MEDIUM,
                )
            )
    return CheckOutcome(
        tuple(violations),
        evidenced=bool(reachable),
        missing=None if reachable else "no endpoint reachable",
        notes=tuple(notes),
    )
