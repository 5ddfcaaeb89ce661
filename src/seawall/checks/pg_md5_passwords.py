"""ED3-011: md5 password hashing."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._pg import judge_targets, violation
from seawall.collectors.postgres import PgSnapshot

META = CheckMeta(
    id="ED3-011",
    control="ED-3",
    severity=Severity.MEDIUM,
    title="md5 password hashing",
    rationale=(
        "md5 password hashes are fast to brute-force and replayable as credentials over the md5 "
        "auth method; SCRAM-SHA-256 has been PostgreSQL's default since 14."
    ),
    remediation="SET password_encryption = 'scram-sha-256', then reset the listed roles' passwords and switch pg_hba.conf to scram-sha-256.",
    needs=(EvidenceKind.POSTGRES,),
    verify_clause="Query logs show RLS enforcement.",
    references=("https://www.postgresql.org/docs/15/auth-password.html",),
    example_fail=(("postgresql.conf", "password_encryption = md5\n"),),
    example_pass=(("postgresql.conf", "password_encryption = scram-sha-256\n"),),
)


def _judge(snapshot: PgSnapshot) -> list[Violation]:
    found = []
    if snapshot.settings().get("password_encryption") == "md5":
        found.append(
            violation(
                snapshot, "setting:password_encryption", "password_encryption is md5", "setting-md5"
            )
        )
    for (role,) in snapshot.rows.get("md5_passwords", []):
        found.append(
            violation(
                snapshot, f"role:{role}", f"role {role} has an md5 password hash", f"md5:{role}"
            )
        )
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """md5 as the hashing setting or in stored hashes (when pg_authid is readable)."""
    return judge_targets(evidence, _judge)
