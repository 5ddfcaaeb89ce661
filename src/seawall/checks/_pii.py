"""Shared logic of the two checks that read the PII scan (ED-2 and CP-2)."""

from __future__ import annotations

from seawall._model import EvidenceKind
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.collectors.data_pii import PiiEvidence

NO_DATA = "no data files (CSV, TSV, JSON lines, Parquet) under non-prod paths (label them with [environments] non-prod)"
EXAMPLE_FAIL = (
    (
        "data/dev/customers.csv",
        "id,email,card_number\n1,jane.roe@acme-mail.net,4539 1488 0343 6467\n",
    ),
)
EXAMPLE_PASS = (
    (
        "data/dev/customers.csv",
        "id,email,card_number\n1,tok_a81b44@acme.invalid,************6467\n",
    ),
)


def unmasked(evidence: Evidence, what: str) -> CheckOutcome:
    """One violation per file, column and PII type with unmasked records."""
    pii: PiiEvidence = evidence[EvidenceKind.PII]
    if not pii.files:
        return CheckOutcome((), evidenced=False, missing=NO_DATA)
    violations = []
    notes = []
    for result in pii.files:
        for column in result.columns:
            if column.chance:
                notes.append(f"{result.path}: column {column.column}: {column.chance}")
            if column.test_records:
                notes.append(
                    f"{result.path}: column {column.column} holds {column.test_records} well-known test {column.type} value(s)"
                )
            if not column.records:
                continue
            share = column.records / max(result.scanned, 1)
            plural = "s" if len(column.examples) > 1 else ""
            rows = ", ".join(str(r) for r in column.examples)
            examples = f"e.g. record{plural} {rows}; " if rows else ""
            violations.append(
                Violation(
                    message=f"{what}: column {column.column} holds unmasked {column.type} in {column.records} of {result.scanned} records ({share:.1%}; {examples}scanned: {result.sampling})",
                    key=f"{column.column}:{column.type}",
                    path=result.path,
                    line=None,
                    details=(
                        ("column", column.column),
                        ("pii_type", column.type),
                        ("records", column.records),
                        ("scanned", result.scanned),
                        ("example_records", list(column.examples)),
                        ("sampling", result.sampling),
                    ),
                )
            )
    return CheckOutcome(tuple(violations), evidenced=True, notes=tuple(notes))
