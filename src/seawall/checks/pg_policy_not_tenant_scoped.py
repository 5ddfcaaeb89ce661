"""ED3-004: an RLS policy that references neither the tenant column nor a session setting."""

from __future__ import annotations

import re
from collections.abc import Iterable

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._pg import judge_targets, violation
from seawall.collectors.postgres import PgSnapshot

META = CheckMeta(
    id="ED3-004",
    control="ED-3",
    severity=Severity.MEDIUM,
    title="RLS policy not scoped to a tenant or session",
    rationale=(
        "A policy that compares neither the tenant column nor the caller's identity "
        "(current_setting(...), current_user, session_user) does not isolate tenants; it filters "
        "by something every caller shares."
    ),
    remediation="Compare the tenant column with current_setting('app.tenant_id') or the calling role in USING and WITH CHECK.",
    needs=(EvidenceKind.POSTGRES,),
    verify_clause="Query logs show RLS enforcement.",
    references=("https://www.postgresql.org/docs/15/ddl-rowsecurity.html",),
    example_fail=(
        (
            "schema.sql",
            "CREATE TABLE t (tenant_id int, archived bool);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\n"
            "CREATE POLICY live ON t USING (NOT archived);\n",
        ),
    ),
    example_pass=(
        (
            "schema.sql",
            "CREATE TABLE t (tenant_id int);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\n"
            "CREATE POLICY tenant ON t USING (tenant_id = current_setting('app.tenant')::int);\n",
        ),
    ),
)

_SESSION = re.compile(
    r"current_setting|current_user|session_user|current_role|auth\.uid|auth\.jwt", re.IGNORECASE
)


def _judge(snapshot: PgSnapshot) -> Iterable[Violation]:
    tenant = snapshot.target.tenant_columns
    for schema, table, name, _perm, _roles, _cmd, qual, check in snapshot.rows.get("policies", []):
        text = " ".join(part for part in (qual, check) if part)
        if not text or text.strip().strip("()").lower() == "true":
            continue  # ED3-003 reports these
        if _SESSION.search(text) or any(re.search(rf"\b{re.escape(c)}\b", text) for c in tenant):
            continue
        yield violation(
            snapshot,
            f"{schema}.{table}",
            f"policy {name} on {schema}.{table} references no tenant column and no session identity",
            f"unscoped:{schema}.{table}:{name}",
        )


def run(evidence: Evidence) -> CheckOutcome:
    """Policies that do not scope rows to a tenant or the caller."""
    return judge_targets(evidence, lambda s: list(_judge(s)))
