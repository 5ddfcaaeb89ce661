"""CP1-001: a break-glass elevation longer than allowed, or without a reason."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._pg import judge_targets, violation
from seawall.collectors.postgres import PgSnapshot

META = CheckMeta(
    id="CP1-001",
    control="CP-1",
    severity=Severity.MEDIUM,
    title="Break-glass grant too long or without a reason",
    rationale=(
        "Incident readiness asks for break-glass roles with a short TTL and full audit. A grant "
        "longer than the configured maximum, or one with no reason, defeats both."
    ),
    remediation="Grant through `seawall elevate grant` (it refuses both), and keep max_elevation_minutes short.",
    needs=(EvidenceKind.POSTGRES,),
    verify_clause="Runbook updated after each incident.",
    references=("https://response.pagerduty.com/",),
    example_fail=(
        (
            "elevations.sql",
            "INSERT INTO seawall_audit.elevations (action, grantee, admin_role, reason, expires_at)\n  VALUES ('grant', 'alice', 'dba_breakglass', NULL, now() + interval '3 days');\n",
        ),
    ),
    example_pass=(
        (
            "elevations.sql",
            "-- seawall elevate grant --user alice --role dba_breakglass --for 30m --reason INC-123\n",
        ),
    ),
)


def _judge(snapshot: PgSnapshot) -> list[Violation] | str:
    if "elevations" in snapshot.refused:
        return "no elevation audit table (nothing was granted through seawall elevate)"
    limit = snapshot.target.max_elevation_minutes
    found = []
    for grant_id, action, grantee, admin_role, reason, expires, recorded, *_ in snapshot.rows.get(
        "elevations", []
    ):
        if action != "grant":
            continue
        minutes = (expires - recorded).total_seconds() / 60 if expires is not None else None
        if minutes is None or minutes > limit + 1:
            length = "no expiry" if minutes is None else f"{minutes:.0f} minutes"
            found.append(
                violation(
                    snapshot,
                    f"elevation:{grant_id}",
                    f"grant {grant_id} of {admin_role} to {grantee} lasts {length} (limit {limit})",
                    f"too-long:{grant_id}",
                )
            )
        if not (reason or "").strip():
            found.append(
                violation(
                    snapshot,
                    f"elevation:{grant_id}",
                    f"grant {grant_id} of {admin_role} to {grantee} has no reason",
                    f"no-reason:{grant_id}",
                )
            )
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """Grants longer than max_elevation_minutes or without a reason."""
    return judge_targets(evidence, _judge)
