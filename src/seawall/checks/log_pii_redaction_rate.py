"""MI2-002: PII redaction rate in log files below 99%."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._logs import NO_LOGS, lines_text
from seawall.collectors.logs import LogEvidence

REQUIRED_RATE = 0.99

META = CheckMeta(
    id="MI2-002",
    control="MI-2",
    severity=Severity.HIGH,
    title="PII redaction rate in logs below 99%",
    rationale="The baseline's Verify clause: PII redaction rate above 99%. Seawall counts the PII a log still shows (validated emails, cards, SSNs, IBANs, phone numbers) against the redaction markers it already carries; below 99% the redaction filter is missing from some path or does not know a format.",
    remediation="Attach seawall.protect.RedactingFilter to every handler (or redact_processor to the structlog chain) so PII is replaced before records are written; find the emitting code from the example lines.",
    needs=(EvidenceKind.LOGS,),
    verify_clause="PII redaction rate above 99%.",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude",
    ),
    example_fail=(
        (
            "logs/app.log",
            "INFO receipt sent to [REDACTED:email]\nINFO receipt sent to jane.roe@acme-mail.net\n",
        ),
    ),
    example_pass=(
        (
            "logs/app.log",
            "INFO receipt sent to [REDACTED:email]\nINFO receipt sent to [REDACTED:email]\n",
        ),
    ),
)


def run(evidence: Evidence) -> CheckOutcome:
    """Each log file whose redaction rate is below 99% fails; rates are reported as notes."""
    logs: LogEvidence = evidence[EvidenceKind.LOGS]
    if not logs.files:
        return CheckOutcome((), evidenced=False, missing=NO_LOGS)
    violations = []
    notes = []
    for result in logs.files:
        rate = result.redaction_rate
        if rate is None:
            notes.append(f"{result.path}: no PII, redacted or not, in {result.lines} lines")
            continue
        notes.append(
            f"{result.path}: PII redaction rate {rate:.2%} ({result.redacted_pii} redacted, {result.unredacted_pii} not)"
        )
        if rate >= REQUIRED_RATE:
            continue
        lines = tuple(sorted({n for _, _, ls in result.pii for n in ls}))[:5]
        kinds = ", ".join(f"{n} {k}" for k, n, _ in result.pii)
        violations.append(
            Violation(
                message=f"PII redaction rate {rate:.2%} is below 99%: {kinds} unredacted ({lines_text(lines)})",
                key="redaction-rate",
                path=result.path,
                line=lines[0] if lines else None,
                details=(
                    ("redaction_rate", round(rate, 6)),
                    ("redacted", result.redacted_pii),
                    ("unredacted", {k: n for k, n, _ in result.pii}),
                    ("example_lines", list(lines)),
                ),
            )
        )
    return CheckOutcome(tuple(violations), evidenced=True, notes=tuple(notes))
