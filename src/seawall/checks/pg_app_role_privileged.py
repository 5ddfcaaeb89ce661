"""ED3-007: an application login role with SUPERUSER or BYPASSRLS."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._pg import judge_targets, violation
from seawall.collectors.postgres import PgSnapshot

META = CheckMeta(
    id="ED3-007",
    control="ED-3",
    severity=Severity.HIGH,
    title="Application role can bypass row-level security",
    rationale=(
        "A role that applications log in with must be subject to RLS. SUPERUSER and BYPASSRLS both "
        "exempt it, so one compromised service credential reads every tenant."
    ),
    remediation="ALTER ROLE app NOSUPERUSER NOBYPASSRLS; keep those attributes for the configured admin roles only.",
    needs=(EvidenceKind.POSTGRES,),
    verify_clause="Query logs show RLS enforcement.",
    references=("https://www.postgresql.org/docs/15/sql-createrole.html",),
    example_fail=(("roles.sql", "CREATE ROLE etl LOGIN BYPASSRLS;\n"),),
    example_pass=(("roles.sql", "CREATE ROLE etl LOGIN;\n"),),
)

_BOOTSTRAP = "postgres"


def _judge(snapshot: PgSnapshot) -> list[Violation]:
    admins = set(snapshot.target.admin_roles) | {_BOOTSTRAP}
    found = []
    for name, superuser, bypass, login, _createrole in snapshot.rows.get("roles", []):
        if not login or name in admins:
            continue
        attributes = [a for a, on in (("SUPERUSER", superuser), ("BYPASSRLS", bypass)) if on]
        if attributes:
            found.append(
                violation(
                    snapshot,
                    f"role:{name}",
                    f"login role {name} has {' and '.join(attributes)}; it is not a configured admin role",
                    f"privileged:{name}:{','.join(attributes)}",
                )
            )
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """Login roles (other than configured admins) that bypass RLS."""
    return judge_targets(evidence, _judge)
