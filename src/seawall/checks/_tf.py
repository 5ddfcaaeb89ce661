"""What the Terraform checks share: the evidence, findings on a resource, "cannot decide"."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from seawall._model import EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.collectors.terraform import TerraformEvidence, TfResource, Unknown

NO_TERRAFORM = "no Terraform files (*.tf) under the root"


def terraform(evidence: Evidence) -> TerraformEvidence:
    """The Terraform evidence of a scan."""
    found: TerraformEvidence = evidence[EvidenceKind.TERRAFORM]
    return found


def on(resource: TfResource, message: str, key: str, severity: Severity | None = None) -> Violation:
    """A finding on a resource: its file, line span and address."""
    return Violation(
        message=f"{resource.address}: {message}",
        key=f"{resource.address}:{key}",
        path=resource.path,
        line=resource.line or None,  # plan JSON has no lines
        end_line=resource.end_line or None,
        resource=resource.address,
        severity=severity,
    )


def undecided(resource: TfResource, setting: str, value: Unknown) -> Violation:
    """Info, never a failure: the setting is only known at plan time."""
    return on(
        resource,
        f"cannot decide {setting}: {value.reason}",
        f"undecided:{setting}",
        Severity.INFO,
    )


def run_over(
    evidence: Evidence,
    types: Iterable[str],
    judge: Callable[[TfResource, TerraformEvidence], list[Violation]],
    missing: str,
) -> CheckOutcome:
    """Judge every resource of ``types``; not evidenced when there are none."""
    tf = terraform(evidence)
    resources = tf.of_type(*types)
    if not tf.files:
        return CheckOutcome((), evidenced=False, missing=NO_TERRAFORM)
    if not resources:
        return CheckOutcome((), evidenced=False, missing=missing)
    violations = [v for resource in resources for v in judge(resource, tf)]
    return CheckOutcome(tuple(violations), evidenced=True)
