"""ED3-003: an RLS table without a policy, or with a policy that lets every row through."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._pg import judge_targets, tables, violation
from seawall.collectors.postgres import PgSnapshot

META = CheckMeta(
    id="ED3-003",
    control="ED-3",
    severity=Severity.HIGH,
    title="Row-level security without a real policy",
    rationale=(
        "RLS with no policy denies everything, so teams 'fix' it with USING (true), which turns "
        "the protection off while the catalog still says RLS is on. Either way the tenant scoping "
        "the baseline asks for is not there."
    ),
    remediation="Write a policy whose USING clause scopes rows to the caller's tenant, and drop permissive USING (true) policies.",
    needs=(EvidenceKind.POSTGRES,),
    verify_clause="Query logs show RLS enforcement.",
    references=("https://www.postgresql.org/docs/15/sql-createpolicy.html",),
    example_fail=(
        (
            "schema.sql",
            "CREATE TABLE t (tenant_id int);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\n"
            "CREATE POLICY everyone ON t USING (true);\n",
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


def _judge(snapshot: PgSnapshot) -> Iterable[Violation]:
    policies: dict[tuple[str, str], list[tuple[str, str | None]]] = defaultdict(list)
    for schema, table, name, _permissive, _roles, _cmd, qual, _check in snapshot.rows.get(
        "policies", []
    ):
        policies[(schema, table)].append((name, qual))
    for schema, name, rls, _forced, _owner, _cols, _types in tables(snapshot):
        if not rls:
            continue
        found = policies.get((schema, name), [])
        if not found:
            yield violation(
                snapshot,
                f"{schema}.{name}",
                f"{schema}.{name} enables RLS but has no policy",
                f"no-policy:{schema}.{name}",
            )
        for policy, qual in found:
            if qual is not None and qual.strip().strip("()").lower() == "true":
                yield violation(
                    snapshot,
                    f"{schema}.{name}",
                    f"policy {policy} on {schema}.{name} has USING (true): every row is visible",
                    f"using-true:{schema}.{name}:{policy}",
                )


def run(evidence: Evidence) -> CheckOutcome:
    """RLS tables with no policy, or a USING (true) policy."""
    return judge_targets(evidence, lambda s: list(_judge(s)))
