"""ED2-001: high-risk columns stored as plain text."""

from __future__ import annotations

import re

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._pg import judge_targets, tables, violation
from seawall.collectors.postgres import PgSnapshot

META = CheckMeta(
    id="ED2-001",
    control="ED-2",
    severity=Severity.MEDIUM,
    title="High-risk column stored as plain text",
    rationale=(
        "The baseline asks for envelope encryption or tokenization of high-risk columns. A column "
        "named for SSNs, cards, IBANs, passports or birth dates with a text type holds the values "
        "readable to anyone with SELECT, in every backup and replica."
    ),
    remediation="Store the column encrypted (bytea via seawall.protect's envelope encryption or pgcrypto) or tokenized at ingest.",
    needs=(EvidenceKind.POSTGRES,),
    verify_clause="A PII scanner finds zero unmasked records in non-prod.",
    references=("https://www.postgresql.org/docs/15/pgcrypto.html",),
    example_fail=(("schema.sql", "CREATE TABLE customers (id int, ssn text);\n"),),
    example_pass=(("schema.sql", "CREATE TABLE customers (id int, ssn_ciphertext bytea);\n"),),
)

_HIGH_RISK = re.compile(
    r"(?:^|_)(?:ssn|social_security|sin|nino|tax_id|tin|itin|card_?number|pan|cc_?num|credit_card|"
    r"iban|bank_account|account_number|routing_number|passport(?:_number)?|national_id|"
    r"dob|date_of_birth|birth_?date|driver_?licen[cs]e)(?:$|_)",
    re.IGNORECASE,
)
_TEXT = re.compile(
    r"^(?:text|character varying.*|character\(.*|varchar.*|bpchar.*|citext|bigint|integer|numeric.*|date)$"
)
_PROTECTED = re.compile(r"encrypt|cipher|token|hash|masked|last4|last_4|hmac", re.IGNORECASE)


def _judge(snapshot: PgSnapshot) -> list[Violation]:
    found = []
    for schema, name, _rls, _forced, _owner, columns, types in tables(snapshot):
        for column, kind in zip(columns, types, strict=False):
            if _HIGH_RISK.search(column) and not _PROTECTED.search(column) and _TEXT.match(kind):
                found.append(
                    violation(
                        snapshot,
                        f"{schema}.{name}.{column}",
                        f"{schema}.{name}.{column} ({kind}) is named as high-risk data and stored in the clear",
                        f"plain:{schema}.{name}.{column}",
                    )
                )
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """Columns named for high-risk data with readable types."""
    return judge_targets(evidence, _judge)
