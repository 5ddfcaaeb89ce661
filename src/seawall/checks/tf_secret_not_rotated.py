"""SI1-007: Secrets Manager secrets without rotation, or rotating less often than every 90 days."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._tf import on, run_over, undecided
from seawall.collectors.terraform import TerraformEvidence, TfResource, Unknown, blocks

MAX_DAYS = 90

META = CheckMeta(
    id="SI1-007",
    control="SI-1",
    severity=Severity.MEDIUM,
    title="Secrets Manager secret not rotated every 90 days",
    rationale="The baseline rotates secrets automatically every 30-90 days. A Secrets Manager secret without a rotation schedule keeps the same value for as long as it exists, so every copy ever taken (a log, a laptop, a former colleague) stays valid.",
    remediation="Add an aws_secretsmanager_secret_rotation with a rotation Lambda (or use RDS-managed master passwords) and rotation_rules { automatically_after_days = 30 } (at most 90).",
    needs=(EvidenceKind.TERRAFORM,),
    verify_clause="Rotation logs reach the SIEM.",
    references=(
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html",
    ),
    example_fail=(
        (
            "terraform/secrets.tf",
            'resource "aws_secretsmanager_secret" "api" {\n  name = "etl/api-token"\n}\n',
        ),
    ),
    example_pass=(
        (
            "terraform/secrets.tf",
            'resource "aws_secretsmanager_secret" "api" {\n  name = "etl/api-token"\n}\n\nresource "aws_secretsmanager_secret_rotation" "api" {\n  secret_id           = aws_secretsmanager_secret.api.id\n  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"\n  rotation_rules {\n    automatically_after_days = 30\n  }\n}\n',
        ),
    ),
)


def judge(resource: TfResource, tf: TerraformEvidence) -> list[Violation]:
    """Rotation of one secret: a rotation resource pointing at it, at most every 90 days."""
    rotations = tf.pointing_at("aws_secretsmanager_secret_rotation", resource, "secret_id")
    if not rotations:
        return [
            on(
                resource,
                "no aws_secretsmanager_secret_rotation: the secret never rotates",
                "no-rotation",
            )
        ]
    found = []
    for rotation in rotations:
        for rules in blocks(rotation.get("rotation_rules")):
            days = rules.get("automatically_after_days")
            if isinstance(days, Unknown):
                found.append(undecided(resource, "automatically_after_days", days))
            elif isinstance(days, int) and days > MAX_DAYS:
                found.append(
                    on(
                        resource,
                        f"rotates every {days} days, less often than every {MAX_DAYS}",
                        "slow-rotation",
                    )
                )
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """Every aws_secretsmanager_secret."""
    return run_over(
        evidence, ("aws_secretsmanager_secret",), judge, "no Secrets Manager secrets in Terraform"
    )
