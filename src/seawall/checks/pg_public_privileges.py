"""ED3-009: PUBLIC may create in schema public or holds table privileges."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._pg import judge_targets, violation
from seawall.collectors.postgres import PgSnapshot

META = CheckMeta(
    id="ED3-009",
    control="ED-3",
    severity=Severity.MEDIUM,
    title="Privileges granted to PUBLIC",
    rationale=(
        "PUBLIC is every role, present and future. CREATE on schema public lets any login plant "
        "functions or tables that shadow trusted ones (CVE-2018-1058); table privileges for PUBLIC "
        "ignore every role boundary."
    ),
    remediation="REVOKE CREATE ON SCHEMA public FROM PUBLIC; REVOKE ALL ON ALL TABLES IN SCHEMA … FROM PUBLIC.",
    needs=(EvidenceKind.POSTGRES,),
    verify_clause="Query logs show RLS enforcement.",
    references=("https://www.postgresql.org/docs/15/ddl-schemas.html#DDL-SCHEMAS-PATTERNS",),
    example_fail=(("schema.sql", "GRANT CREATE ON SCHEMA public TO PUBLIC;\n"),),
    example_pass=(("schema.sql", "REVOKE CREATE ON SCHEMA public FROM PUBLIC;\n"),),
)


def _judge(snapshot: PgSnapshot) -> list[Violation]:
    found = []
    if any(
        grantee == "PUBLIC" and privilege == "CREATE"
        for _s, grantee, privilege in snapshot.rows.get("schema_privileges", [])
    ):
        found.append(
            violation(
                snapshot, "schema:public", "PUBLIC may CREATE in schema public", "public-create"
            )
        )
    for schema, grantee, readable, writable, _total in snapshot.rows.get("table_privileges", []):
        if grantee == "PUBLIC" and (readable or writable):
            found.append(
                violation(
                    snapshot,
                    f"schema:{schema}",
                    f"PUBLIC holds privileges on {max(readable, writable)} table(s) of schema {schema}",
                    f"public-tables:{schema}",
                )
            )
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """CREATE on public and table grants to PUBLIC."""
    return judge_targets(evidence, _judge)
