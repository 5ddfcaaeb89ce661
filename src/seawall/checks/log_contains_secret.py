"""MI2-001: a secret or credential in a log file."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._logs import NO_LOGS, lines_text
from seawall.collectors.logs import LogEvidence

META = CheckMeta(
    id="MI2-001",
    control="MI-2",
    severity=Severity.CRITICAL,
    title="Secret or credential in log files",
    rationale="The baseline's Verify clause: a log sample contains zero secrets. Logs are copied to aggregators, tickets and laptops with far weaker access control than a secret store, so a token, password, session cookie or private key in a log is a leaked credential.",
    remediation="Rotate the exposed credential, then attach seawall.protect.RedactingFilter (stdlib logging) or redact_processor (structlog) before any handler, and purge the affected log files and their copies.",
    needs=(EvidenceKind.LOGS,),
    verify_clause="A log sample contains zero secrets.",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html",),
    example_fail=(
        (
            "logs/app.log",
            "2026-11-27T10:00:01Z INFO login ok user=alice\n2026-11-27T10:00:02Z DEBUG db connect password=Tr0ub4dor-prod host=db\n",
        ),
    ),
    example_pass=(
        (
            "logs/app.log",
            "2026-11-27T10:00:01Z INFO login ok user=alice\n2026-11-27T10:00:02Z DEBUG db connect password=[REDACTED:secret] host=db\n",
        ),
    ),
)


def run(evidence: Evidence) -> CheckOutcome:
    """One violation per log file and secret type."""
    logs: LogEvidence = evidence[EvidenceKind.LOGS]
    if not logs.files:
        return CheckOutcome((), evidenced=False, missing=NO_LOGS)
    violations = [
        Violation(
            message=f"log holds {count} unredacted {kind} value(s) ({lines_text(lines)})",
            key=kind,
            path=result.path,
            line=lines[0] if lines else None,
            details=(("type", kind), ("count", count), ("example_lines", list(lines))),
        )
        for result in logs.files
        for kind, count, lines in result.secrets
    ]
    return CheckOutcome(tuple(violations), evidenced=True)
