"""SI1-005: an encryption key not rotated within the allowed age."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.collectors.key_rotation import KeyRotationEvidence

META = CheckMeta(
    id="SI1-005",
    control="SI-1",
    severity=Severity.MEDIUM,
    title="Key rotation overdue",
    rationale="The baseline rotates keys and credentials every 30-90 days and keeps rotation logs. A key whose last recorded rotation is older than the limit has been exposed to every leak since, and the log shows the rotation process has stopped.",
    remediation="Run `seawall keys rotate --key KEY` (it rewraps data keys, not data, and appends to the rotation log), and schedule it well inside the limit ([keys] max-rotation-age-days, default 90).",
    needs=(EvidenceKind.KEY_ROTATION,),
    verify_clause="Rotation logs reach the SIEM.",
    references=("https://csrc.nist.gov/pubs/sp/800/57/pt1/r5/final",),
    # Judged against today's date, so the passing example names no fixed day;
    # tests/test_protect_keys.py checks both outcomes with dated logs.
    example_fail=(
        (
            ".seawall/key-rotations.jsonl",
            '{"event": "rotate", "key_id": "pii", "time": "2020-01-15T09:00:00+00:00", "to_version": 2}\n',
        ),
    ),
    example_pass=(
        (
            ".seawall/key-rotations.jsonl",
            '{"event": "rotate", "key_id": "pii", "time": "<a time in the last 90 days>", "to_version": 7}\n',
        ),
    ),
)


def run(evidence: Evidence) -> CheckOutcome:
    """Every key whose last rotation is older than the limit fails."""
    rotations: KeyRotationEvidence = evidence[EvidenceKind.KEY_ROTATION]
    if not rotations.logs:
        return CheckOutcome(
            (),
            evidenced=False,
            missing="no key rotation log ([keys] rotation-logs; `seawall keys rotate --log` writes one)",
        )
    violations = []
    notes = []
    for key in rotations.keys:
        age = (rotations.now - key.last).days
        notes.append(
            f"{key.log}: key {key.key_id} last rotated {age} day(s) ago ({key.rotations} rotation(s) logged)"
        )
        if age > rotations.max_age_days:
            violations.append(
                Violation(
                    message=f"key {key.key_id} was last rotated {age} days ago (limit {rotations.max_age_days})",
                    key=key.key_id,
                    path=key.log,
                    resource=f"key:{key.key_id}",
                    details=(
                        ("key_id", key.key_id),
                        ("age_days", age),
                        ("last_rotation", key.last.isoformat()),
                        ("limit_days", rotations.max_age_days),
                    ),
                )
            )
    return CheckOutcome(tuple(violations), evidenced=True, notes=tuple(notes))
