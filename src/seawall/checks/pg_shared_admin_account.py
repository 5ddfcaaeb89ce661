"""ED3-010: one admin login used by several clients or applications."""

from __future__ import annotations

from collections import defaultdict

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._pg import judge_targets, violation
from seawall.collectors.postgres import PgSnapshot

META = CheckMeta(
    id="ED3-010",
    control="ED-3",
    severity=Severity.MEDIUM,
    title="Shared admin account",
    rationale=(
        "An admin login in use from several hosts or applications at once is shared: nobody can "
        "tell from the logs who did what, and its password lives in many places."
    ),
    remediation="Give each person and service its own role; reach admin rights through time-boxed elevation.",
    needs=(EvidenceKind.POSTGRES,),
    verify_clause="Admin access is under 1% of queries.",
    references=(
        "https://www.postgresql.org/docs/15/monitoring-stats.html#MONITORING-PG-STAT-ACTIVITY-VIEW",
    ),
    example_fail=(
        ("sessions.txt", "postgres connected from 10.0.0.5 (airflow) and 10.0.0.9 (metabase)\n"),
    ),
    example_pass=(("sessions.txt", "postgres connected only from the break-glass host\n"),),
)


def _judge(snapshot: PgSnapshot) -> list[Violation] | str:
    if "activity" in snapshot.refused:
        return f"pg_stat_activity not readable: {snapshot.refused['activity']}"
    admins = {name for name, superuser, *_ in snapshot.rows.get("roles", []) if superuser} | set(
        snapshot.target.admin_roles
    )
    clients: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for user, application, address in snapshot.rows.get("activity", []):
        if user in admins:
            clients[user].add((application, address))
    return [
        violation(
            snapshot,
            f"role:{user}",
            f"admin login {user} is in use by {len(seen)} distinct clients ({', '.join(sorted(a or '?' for a, _ in seen))})",
            f"shared:{user}",
        )
        for user, seen in sorted(clients.items())
        if len(seen) > 1
    ]


def run(evidence: Evidence) -> CheckOutcome:
    """Admin roles seen from more than one client at once."""
    return judge_targets(evidence, _judge)
