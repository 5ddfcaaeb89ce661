"""ED3-001: a table with a tenant column and no row-level security."""

from __future__ import annotations

from collections.abc import Iterable

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._pg import judge_targets, tables, violation
from seawall.collectors.postgres import PgSnapshot

META = CheckMeta(
    id="ED3-001",
    control="ED-3",
    severity=Severity.HIGH,
    title="Tenant table without row-level security",
    rationale=(
        "A table that holds several tenants' rows (it has a tenant column) relies on every query "
        "remembering its WHERE clause unless row-level security enforces the scoping in the "
        "database. One missed filter leaks another customer's data."
    ),
    remediation=(
        "ALTER TABLE … ENABLE ROW LEVEL SECURITY; ALTER TABLE … FORCE ROW LEVEL SECURITY; and "
        "CREATE POLICY tenant_isolation ON … USING (tenant_id = current_setting('app.tenant_id')::uuid)."
    ),
    needs=(EvidenceKind.POSTGRES,),
    verify_clause="Query logs show RLS enforcement.",
    references=("https://www.postgresql.org/docs/15/ddl-rowsecurity.html",),
    example_fail=(
        ("schema.sql", "CREATE TABLE invoices (id int, tenant_id uuid, total numeric);\n"),
    ),
    example_pass=(
        (
            "schema.sql",
            "CREATE TABLE invoices (id int, tenant_id uuid, total numeric);\n"
            "ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;\n"
            "ALTER TABLE invoices FORCE ROW LEVEL SECURITY;\n"
            "CREATE POLICY tenant ON invoices USING (tenant_id = current_setting('app.tenant_id')::uuid);\n",
        ),
    ),
)


def _judge(snapshot: PgSnapshot) -> Iterable[Violation]:
    tenant = set(snapshot.target.tenant_columns)
    for schema, name, rls, _forced, _owner, columns, _types in tables(snapshot):
        found = sorted(tenant & set(columns))
        if found and not rls:
            yield violation(
                snapshot,
                f"{schema}.{name}",
                f"{schema}.{name} has tenant column {found[0]} but row-level security is off",
                f"no-rls:{schema}.{name}",
            )


def run(evidence: Evidence) -> CheckOutcome:
    """Tables with a tenant column and RLS disabled."""
    return judge_targets(evidence, lambda s: list(_judge(s)))
