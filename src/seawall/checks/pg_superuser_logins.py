"""ED3-006: more than one superuser that can log in."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._pg import judge_targets, violation
from seawall.collectors.postgres import PgSnapshot

META = CheckMeta(
    id="ED3-006",
    control="ED-3",
    severity=Severity.HIGH,
    title="More than one login superuser",
    rationale=(
        "Every login superuser is a shared master key: it bypasses RLS, reads every table and can "
        "turn off auditing. The baseline wants no shared admin accounts; one break-glass "
        "superuser, used through time-boxed elevation, is the most a cluster needs."
    ),
    remediation="ALTER ROLE … NOSUPERUSER (or NOLOGIN) for all but one break-glass superuser; grant admin rights through `seawall elevate`.",
    needs=(EvidenceKind.POSTGRES,),
    verify_clause="Admin access is under 1% of queries.",
    references=("https://www.postgresql.org/docs/15/role-attributes.html",),
    example_fail=(("roles.sql", "CREATE ROLE dba LOGIN SUPERUSER;\n"),),
    example_pass=(("roles.sql", "CREATE ROLE dba LOGIN CREATEROLE;\n"),),
)


def _judge(snapshot: PgSnapshot) -> list[Violation]:
    supers = sorted(
        name
        for name, superuser, _b, login, _c in snapshot.rows.get("roles", [])
        if superuser and login
    )
    if len(supers) <= 1:
        return []
    return [
        violation(
            snapshot,
            "role:" + ",".join(supers),
            f"{len(supers)} login superusers ({', '.join(supers)}); keep one break-glass superuser",
            "superusers:" + ",".join(supers),
        )
    ]


def run(evidence: Evidence) -> CheckOutcome:
    """Count login superusers."""
    return judge_targets(evidence, _judge)
