"""ED3-012: admin roles make 1% or more of all queries (pg_stat_statements)."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._pg import NO_TARGET, violation
from seawall.collectors.postgres import PostgresEvidence

META = CheckMeta(
    id="ED3-012",
    control="ED-3",
    severity=Severity.MEDIUM,
    title="Admin share of queries at or above 1%",
    rationale=(
        "The baseline's Verify clause: admin access is under 1% of queries. A higher share means "
        "jobs or people run routine work with admin rights, outside RLS and role separation."
    ),
    remediation="Move the routine work the admin roles run to least-privilege roles; keep admin use to break-glass elevation.",
    needs=(EvidenceKind.POSTGRES,),
    verify_clause="Admin access is under 1% of queries.",
    references=("https://www.postgresql.org/docs/15/pgstatstatements.html",),
    example_fail=(("pg_stat_statements.txt", "postgres: 5,000 calls of 100,000 (5%)\n"),),
    example_pass=(("pg_stat_statements.txt", "postgres: 40 calls of 100,000 (0.04%)\n"),),
)
THRESHOLD = 0.01


def run(evidence: Evidence) -> CheckOutcome:
    """Share of pg_stat_statements calls made by superusers and configured admin roles."""
    postgres: PostgresEvidence = evidence[EvidenceKind.POSTGRES]
    if not postgres.snapshots:
        return CheckOutcome((), evidenced=False, missing=NO_TARGET)
    violations: list[Violation] = []
    notes: list[str] = []
    reasons: list[str] = []
    for snapshot in postgres.snapshots:
        if "statements" in snapshot.refused:
            reasons.append(
                f"{snapshot.target.name}: pg_stat_statements unavailable ({snapshot.refused['statements']})"
            )
            continue
        admins = set(snapshot.target.admin_roles)
        total = sum(calls for _r, _s, calls in snapshot.rows.get("statements", []))
        admin = sum(
            calls
            for role, superuser, calls in snapshot.rows.get("statements", [])
            if superuser or role in admins
        )
        if not total:
            reasons.append(f"{snapshot.target.name}: pg_stat_statements has no calls yet")
            continue
        share = admin / total
        notes.append(
            f"{snapshot.target.name}: admin roles made {admin} of {total} calls ({share:.2%})"
        )
        if share >= THRESHOLD:
            violations.append(
                violation(
                    snapshot,
                    "stat:admin-share",
                    f"admin roles made {share:.2%} of {total} calls (threshold 1%)",
                    "admin-share",
                )
            )
    evidenced = len(notes) > 0
    return CheckOutcome(
        tuple(violations),
        evidenced=evidenced,
        missing="; ".join(reasons) or None,
        notes=tuple(notes),
    )
