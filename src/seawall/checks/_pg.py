"""Shared plumbing for checks over live PostgreSQL snapshots."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from seawall._model import EvidenceKind
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.collectors.postgres import PgSnapshot, PostgresEvidence

__all__ = ["NO_TARGET", "Judge", "judge_targets", "tables"]

NO_TARGET = "no [[postgres]] target configured (or none could be reached)"

#: Violations for one snapshot, or a string saying why it could not be judged.
Judge = Callable[[PgSnapshot], Iterable[Violation] | str]


def judge_targets(evidence: Evidence, judge: Judge) -> CheckOutcome:
    """Run ``judge`` on every snapshot; evidenced when at least one could be judged."""
    postgres: PostgresEvidence = evidence[EvidenceKind.POSTGRES]
    violations: list[Violation] = []
    reasons: list[str] = []
    judged = 0
    for snapshot in postgres.snapshots:
        result = judge(snapshot)
        if isinstance(result, str):
            reasons.append(f"{snapshot.target.name}: {result}")
            continue
        judged += 1
        violations.extend(result)
    if not postgres.snapshots:
        return CheckOutcome((), evidenced=False, missing=NO_TARGET)
    return CheckOutcome(tuple(violations), evidenced=judged > 0, missing="; ".join(reasons) or None)


def tables(snapshot: PgSnapshot) -> list[tuple[str, str, bool, bool, str, list[str], list[str]]]:
    """(schema, name, rls, forced, owner, columns, types) of ordinary and partitioned tables."""
    return [
        (row[0], row[1], row[3], row[4], row[5], list(row[6]), list(row[7]))
        for row in snapshot.rows.get("relations", [])
        if row[2] in ("r", "p")
    ]


def violation(
    snapshot: PgSnapshot, suffix: str, message: str, key: str, **extra: object
) -> Violation:
    """A live finding naming its subject in ``resource``."""
    return Violation(message=message, key=key, resource=snapshot.subject(suffix), **extra)  # type: ignore[arg-type]
