"""What the Terraform checks share: the evidence, findings on a resource, "cannot decide"."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from seawall._model import EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.collectors.terraform import (
    Reference,
    TerraformEvidence,
    TfResource,
    Unknown,
    account_of_arn,
    region_of_arn,
    same_instance,
)

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


@dataclass(frozen=True)
class Place:
    """Where a copy lives: a region and an account, each a str, Unknown or None (not stated)."""

    region: Any
    account: Any


def place_of(resource: TfResource) -> Place:
    """A resource's region and account, from its provider configuration."""
    return Place(resource.region, resource.account)


def place_of_arn(arn: Any) -> Place:
    """The region and account an ARN names (S3 bucket ARNs name neither)."""
    return Place(region_of_arn(arn), account_of_arn(arn))


def merged(*places: Place) -> Place:
    """The first stated region and the first stated account among ``places``."""
    region = next((p.region for p in places if isinstance(p.region, str)), None)
    account = next((p.account for p in places if isinstance(p.account, str)), None)
    return Place(region, account)


def apart(one: Place, other: Place) -> bool | None:
    """Whether two places differ in region or account; None when that cannot be told.

    Two unstated accounts are the same credentials, hence the same account.
    """
    if (
        isinstance(one.account, str)
        and isinstance(other.account, str)
        and one.account != other.account
    ):
        return True
    if isinstance(one.region, str) and isinstance(other.region, str):
        if one.region != other.region:
            return True
        same_account = (one.account is None and other.account is None) or (
            isinstance(one.account, str) and one.account == other.account
        )
        return False if same_account else None
    return None


def referenced(
    tf: TerraformEvidence, value: Any, near: TfResource, *types: str
) -> TfResource | None:
    """The resource of ``types`` that ``value`` refers to, in ``near``'s module instance."""
    if not isinstance(value, Reference):
        return None
    for resource in tf.of_type(*types):
        if resource.local_address != value.address or resource.module != value.module:
            continue
        # Written in near's own module: the same directory too (root modules share "").
        if value.module != near.module or same_instance(resource, near):
            return resource
    return None
