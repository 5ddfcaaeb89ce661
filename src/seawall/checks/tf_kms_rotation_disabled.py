"""ED1-005: KMS keys without automatic rotation."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._tf import on, run_over, undecided
from seawall.collectors.terraform import TerraformEvidence, TfResource, Unknown

META = CheckMeta(
    id="ED1-005",
    control="ED-1",
    severity=Severity.MEDIUM,
    title="KMS key rotation disabled",
    rationale="The baseline's Verify clause: KMS key rotation enabled. A symmetric key that never rotates protects every object it ever encrypted with the same material, so one leak or cryptanalytic break exposes all of it.",
    remediation="Set enable_key_rotation = true (and rotation_period_in_days between 90 and 365 if your policy asks for a shorter period) on every symmetric aws_kms_key.",
    needs=(EvidenceKind.TERRAFORM,),
    verify_clause="KMS key rotation enabled.",
    references=("https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",),
    example_fail=(
        (
            "terraform/kms.tf",
            'resource "aws_kms_key" "data" {\n  description = "warehouse data"\n}\n',
        ),
    ),
    example_pass=(
        (
            "terraform/kms.tf",
            'resource "aws_kms_key" "data" {\n  description         = "warehouse data"\n  enable_key_rotation = true\n}\n',
        ),
    ),
)


def judge(resource: TfResource, tf: TerraformEvidence) -> list[Violation]:
    """Rotation of one KMS key (asymmetric and HMAC keys cannot rotate automatically)."""
    spec = resource.get("customer_master_key_spec", "SYMMETRIC_DEFAULT")
    if isinstance(spec, str) and spec != "SYMMETRIC_DEFAULT":
        return []
    enabled = resource.get("enable_key_rotation")
    if isinstance(enabled, Unknown):
        return [undecided(resource, "enable_key_rotation", enabled)]
    if enabled is not True:
        return [
            on(
                resource,
                "enable_key_rotation is not true: the key material never rotates",
                "rotation",
            )
        ]
    return []


def run(evidence: Evidence) -> CheckOutcome:
    """Every aws_kms_key."""
    return run_over(evidence, ("aws_kms_key",), judge, "no KMS keys in Terraform")
