"""SI3-001: pg_hba.conf rules with trust, cleartext passwords, or open to every address."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._pg import judge_targets, violation
from seawall.collectors.postgres import PgSnapshot

META = CheckMeta(
    id="SI3-001",
    control="SI-3",
    severity=Severity.HIGH,
    title="pg_hba.conf trusts or is open to everyone",
    rationale=(
        "Zero trust means every connection authenticates: `trust` lets anyone who reaches the "
        "socket in as any role, `password` sends it in clear, and rules for 0.0.0.0/0, ::/0 or "
        "`all` addresses turn a network boundary into the only defence."
    ),
    remediation="Use scram-sha-256 (or cert) for every rule and list the client networks that need access.",
    needs=(EvidenceKind.POSTGRES,),
    verify_clause="Network-policy audit.",
    references=("https://www.postgresql.org/docs/15/auth-pg-hba-conf.html",),
    example_fail=(("pg_hba.conf", "host all all 0.0.0.0/0 trust\n"),),
    example_pass=(("pg_hba.conf", "hostssl all app 10.20.0.0/16 scram-sha-256\n"),),
)


# Addresses in pg_hba.conf that match every client (config text, not a bind address).
_EVERY = ("all", "0.0.0.0", "::")  # noqa: S104


def _judge(snapshot: PgSnapshot) -> list[Violation] | str:
    if "hba_rules" in snapshot.refused:
        return f"pg_hba_file_rules not readable: {snapshot.refused['hba_rules']}"
    found = []
    for line, kind, databases, users, address, netmask, method, error in snapshot.rows.get(
        "hba_rules", []
    ):
        if error:
            continue
        problems = []
        if method == "trust":
            problems.append("trust (no authentication)")
        if method == "password":
            problems.append("cleartext password")
        if kind != "local" and address in _EVERY and netmask in (None, *_EVERY[1:]):
            problems.append("open to every address")
        if problems:
            found.append(
                violation(
                    snapshot,
                    f"hba:{line}",
                    f"pg_hba.conf line {line} ({kind} {','.join(databases or [])} {','.join(users or [])} {address or ''}): {', '.join(problems)}",
                    f"hba:{kind}:{address}:{method}",
                )
            )
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """trust, password and all-address rules in the loaded pg_hba.conf."""
    return judge_targets(evidence, _judge)
