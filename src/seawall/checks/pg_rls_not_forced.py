"""ED3-002: row-level security enabled but not forced (the table owner bypasses it)."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence
from seawall.checks._pg import judge_targets, tables, violation

META = CheckMeta(
    id="ED3-002",
    control="ED-3",
    severity=Severity.MEDIUM,
    title="Row-level security not forced",
    rationale=(
        "Without FORCE ROW LEVEL SECURITY the table's owner is exempt from its policies; "
        "applications that connect as the owning role (common with migrations tooling) see every "
        "tenant's rows."
    ),
    remediation="ALTER TABLE … FORCE ROW LEVEL SECURITY, and connect applications as a non-owner role.",
    needs=(EvidenceKind.POSTGRES,),
    verify_clause="Query logs show RLS enforcement.",
    references=("https://www.postgresql.org/docs/15/sql-altertable.html",),
    example_fail=(
        (
            "schema.sql",
            "CREATE TABLE t (tenant_id int);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\n",
        ),
    ),
    example_pass=(
        (
            "schema.sql",
            "CREATE TABLE t (tenant_id int);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\n"
            "ALTER TABLE t FORCE ROW LEVEL SECURITY;\n",
        ),
    ),
)


def run(evidence: Evidence) -> CheckOutcome:
    """RLS tables whose owner is not subject to their policies."""
    return judge_targets(
        evidence,
        lambda s: [
            violation(
                s,
                f"{schema}.{name}",
                f"{schema}.{name} enables RLS but does not force it; its owner {owner} bypasses the policies",
                f"not-forced:{schema}.{name}",
            )
            for schema, name, rls, forced, owner, _c, _t in tables(s)
            if rls and not forced
        ],
    )
