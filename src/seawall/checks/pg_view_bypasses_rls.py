"""ED3-005: a view over an RLS table that is not security_invoker."""

from __future__ import annotations

from collections.abc import Iterable

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._pg import judge_targets, tables, violation
from seawall.collectors.postgres import PgSnapshot

META = CheckMeta(
    id="ED3-005",
    control="ED-3",
    severity=Severity.HIGH,
    title="View bypasses row-level security",
    rationale=(
        "A view runs with its owner's rights unless it is security_invoker (PostgreSQL 15+). A view "
        "owned by the table owner over an RLS table shows every tenant's rows to anyone who may "
        "read the view."
    ),
    remediation="ALTER VIEW … SET (security_invoker = true), or drop the view.",
    needs=(EvidenceKind.POSTGRES,),
    verify_clause="Query logs show RLS enforcement.",
    references=("https://www.postgresql.org/docs/15/sql-createview.html",),
    example_fail=(
        (
            "schema.sql",
            "CREATE TABLE t (tenant_id int);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\n"
            "CREATE VIEW all_t AS SELECT * FROM t;\n",
        ),
    ),
    example_pass=(
        (
            "schema.sql",
            "CREATE TABLE t (tenant_id int);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\n"
            "CREATE VIEW all_t WITH (security_invoker = true) AS SELECT * FROM t;\n",
        ),
    ),
)


def _judge(snapshot: PgSnapshot) -> Iterable[Violation]:
    rls = {(schema, name) for schema, name, on, *_ in tables(snapshot) if on}
    options = {
        (row[0], row[1]): list(row[8])
        for row in snapshot.rows.get("relations", [])
        if row[2] in ("v", "m")
    }
    reported: set[tuple[str, str]] = set()
    for view_schema, view, table_schema, table in snapshot.rows.get("view_dependencies", []):
        if (table_schema, table) not in rls or (view_schema, view) in reported:
            continue
        if any(
            o.lower() in ("security_invoker=true", "security_invoker=on")
            for o in options.get((view_schema, view), [])
        ):
            continue
        reported.add((view_schema, view))
        yield violation(
            snapshot,
            f"{view_schema}.{view}",
            f"view {view_schema}.{view} reads RLS table {table_schema}.{table} with its owner's rights (not security_invoker)",
            f"definer-view:{view_schema}.{view}",
        )


def run(evidence: Evidence) -> CheckOutcome:
    """Views over RLS tables that do not run as the caller."""
    return judge_targets(evidence, lambda s: list(_judge(s)))
