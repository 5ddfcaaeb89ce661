"""SI2-001: an admin elevation that outlived its expiry, or admin membership without a record."""

from __future__ import annotations

import datetime as dt

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._pg import judge_targets, violation
from seawall.collectors.postgres import PgSnapshot

META = CheckMeta(
    id="SI2-001",
    control="SI-2",
    severity=Severity.HIGH,
    title="Admin elevation expired or unrecorded",
    rationale=(
        "The baseline asks for time-boxed elevation with an audit trail. A grant still in force "
        "after its expiry is standing privilege; an admin membership with no grant record is "
        "privilege nobody can account for."
    ),
    remediation="Run `seawall elevate sweep` (e.g. every minute from cron), and grant admin roles only through `seawall elevate grant`.",
    needs=(EvidenceKind.POSTGRES,),
    verify_clause="Elevation logs are reviewed weekly.",
    references=("https://www.postgresql.org/docs/15/role-membership.html",),
    example_fail=(
        (
            "roles.sql",
            "CREATE ROLE dba_breakglass NOLOGIN;\nCREATE ROLE alice LOGIN;\nGRANT dba_breakglass TO alice;  -- no seawall elevate record\n",
        ),
    ),
    example_pass=(
        (
            "roles.sql",
            "CREATE ROLE dba_breakglass NOLOGIN;\nCREATE ROLE alice LOGIN;\n-- seawall elevate grant --user alice --role dba_breakglass --for 30m --reason INC-123\n",
        ),
    ),
)


def _judge(snapshot: PgSnapshot) -> list[Violation] | str:
    admins = set(snapshot.target.admin_roles)
    if not admins:
        return "no admin_roles configured for this target"
    if "elevations" in snapshot.refused and "does not exist" not in snapshot.refused["elevations"]:
        return f"elevation audit table not readable: {snapshot.refused['elevations']}"
    rows = snapshot.rows.get("elevations", [])
    revoked = {row[8] for row in rows if row[1] == "revoke"}
    active = [row for row in rows if row[1] == "grant" and row[0] not in revoked]
    now = dt.datetime.now(dt.UTC)
    members = {
        (role, member) for role, member in snapshot.rows.get("memberships", []) if role in admins
    }
    found = []
    recorded = {(row[3], row[2]) for row in active}
    for grant_id, _action, grantee, admin_role, _reason, expires, *_rest in active:
        if (admin_role, grantee) in members and expires is not None and expires < now:
            found.append(
                violation(
                    snapshot,
                    f"role:{grantee}",
                    f"{grantee}'s elevation to {admin_role} expired at {expires:%Y-%m-%d %H:%M} UTC and is still in force (grant {grant_id})",
                    f"expired:{admin_role}:{grantee}:{grant_id}",
                )
            )
    for admin_role, member in sorted(members - recorded):
        found.append(
            violation(
                snapshot,
                f"role:{member}",
                f"{member} is a member of admin role {admin_role} with no elevation record",
                f"unrecorded:{admin_role}:{member}",
            )
        )
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """Expired-but-active grants and unrecorded admin memberships."""
    return judge_targets(evidence, _judge)
