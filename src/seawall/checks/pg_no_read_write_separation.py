"""ED3-008: a login role that can both read and write every table of a schema."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._pg import judge_targets, violation
from seawall.collectors.postgres import PgSnapshot

META = CheckMeta(
    id="ED3-008",
    control="ED-3",
    severity=Severity.MEDIUM,
    title="No read/write role separation",
    rationale=(
        "The baseline asks for separate read and write roles. A login role holding SELECT and "
        "write privileges (or ownership) on every table of a schema is one identity for readers, "
        "writers and migrations alike."
    ),
    remediation="Create a read role (SELECT) and a write role (INSERT/UPDATE/DELETE on the tables that need it), grant them to separate login roles, and keep ownership with a NOLOGIN role.",
    needs=(EvidenceKind.POSTGRES,),
    verify_clause="Admin access is under 1% of queries.",
    references=("https://www.postgresql.org/docs/15/ddl-priv.html",),
    example_fail=(
        (
            "schema.sql",
            "CREATE ROLE app LOGIN;\nCREATE TABLE a (x int);\nGRANT SELECT, INSERT, UPDATE, DELETE ON a TO app;\n",
        ),
    ),
    example_pass=(
        (
            "schema.sql",
            "CREATE ROLE reader LOGIN;\nCREATE TABLE a (x int);\nGRANT SELECT ON a TO reader;\n",
        ),
    ),
)


def _judge(snapshot: PgSnapshot) -> list[Violation]:
    logins = {
        name: superuser
        for name, superuser, _b, login, _c in snapshot.rows.get("roles", [])
        if login
    }
    found = []
    for schema, grantee, readable, writable, total in snapshot.rows.get("table_privileges", []):
        if grantee not in logins or logins[grantee] or not total:
            continue  # superusers are judged by ED3-006/007
        if readable == total and writable == total:
            found.append(
                violation(
                    snapshot,
                    f"role:{grantee}",
                    f"login role {grantee} can read and write all {total} table(s) of schema {schema}",
                    f"read-write:{grantee}:{schema}",
                )
            )
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """Login roles with read and write on a whole schema."""
    return judge_targets(evidence, _judge)
