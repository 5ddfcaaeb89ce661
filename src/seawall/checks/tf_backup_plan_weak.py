"""BR1-003: AWS Backup plans without a copy to another vault, and vaults without a lock."""

from __future__ import annotations

from typing import Any

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._tf import (
    Place,
    apart,
    merged,
    on,
    place_of,
    place_of_arn,
    referenced,
    run_over,
)
from seawall.collectors.terraform import TerraformEvidence, TfResource, Unknown, blocks

META = CheckMeta(
    id="BR1-003",
    control="BR-1",
    severity=Severity.HIGH,
    title="AWS Backup without an off-site copy or a vault lock",
    rationale="A backup plan whose recovery points stay in one vault shares that vault's region, account and fate; without a vault lock, whoever can call DeleteRecoveryPoint (an attacker with admin rights included) can erase every backup before encrypting the source.",
    remediation="Add a copy_action to each backup rule with destination_vault_arn in another region or account, and an aws_backup_vault_lock_configuration (compliance mode: changeable_for_days set) on the vaults that hold them.",
    needs=(EvidenceKind.TERRAFORM,),
    verify_clause="The latest backup is under 24 hours old.",
    references=("https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html",),
    example_fail=(
        (
            "terraform/backup.tf",
            'resource "aws_backup_vault" "main" {\n  name = "warehouse"\n}\n\nresource "aws_backup_plan" "daily" {\n  name = "daily"\n  rule {\n    rule_name         = "daily"\n    target_vault_name = aws_backup_vault.main.name\n    schedule          = "cron(0 3 * * ? *)"\n  }\n}\n',
        ),
    ),
    example_pass=(
        (
            "terraform/backup.tf",
            'provider "aws" {\n  region = "eu-west-1"\n}\n\nresource "aws_backup_vault" "main" {\n  name = "warehouse"\n}\n\nresource "aws_backup_vault_lock_configuration" "main" {\n  backup_vault_name   = aws_backup_vault.main.name\n  changeable_for_days = 3\n  min_retention_days  = 7\n}\n\nresource "aws_backup_plan" "daily" {\n  name = "daily"\n  rule {\n    rule_name         = "daily"\n    target_vault_name = aws_backup_vault.main.name\n    schedule          = "cron(0 3 * * ? *)"\n    copy_action {\n      destination_vault_arn = "arn:aws:backup:us-east-1:222222222222:backup-vault:warehouse-dr"\n    }\n  }\n}\n',
        ),
    ),
)


def judge(resource: TfResource, tf: TerraformEvidence) -> list[Violation]:
    """Copy actions of a plan, or the lock of a vault."""
    if resource.type == "aws_backup_vault":
        if not tf.pointing_at("aws_backup_vault_lock_configuration", resource, "backup_vault_name"):
            return [
                on(
                    resource,
                    "no aws_backup_vault_lock_configuration: recovery points can be deleted",
                    "vault-lock",
                )
            ]
        return []
    found = []
    for rule in blocks(resource.get("rule")):
        name = rule.get("rule_name", "?")
        copies = blocks(rule.get("copy_action"))
        if any(isinstance(c.get("destination_vault_arn"), Unknown) for c in copies):
            continue
        if not copies:
            found.append(
                on(
                    resource,
                    f"rule {name} keeps recovery points in one vault: no copy_action to another region or account",
                    f"copy:{name}",
                )
            )
        target = referenced(tf, rule.get("target_vault_name"), resource, "aws_backup_vault")
        here = merged(place_of(target) if target else place_of(resource), place_of(resource))
        for copy in copies:
            found.extend(_copy_place(resource, tf, name, here, copy.get("destination_vault_arn")))
    return found


def _copy_place(
    plan: TfResource, tf: TerraformEvidence, rule: str, here: Place, arn: Any
) -> list[Violation]:
    """A copy into a vault in the plan's own region and account is not off-site."""
    vault = referenced(tf, arn, plan, "aws_backup_vault")
    there = place_of(vault) if vault is not None else place_of_arn(arn)
    verdict = apart(here, there)
    if verdict is False:
        return [
            on(
                plan,
                f"rule {rule} copies to a vault in the same region ({here.region}) and account: not off-site",
                f"copy-place:{rule}",
            )
        ]
    if verdict is None:
        return [
            on(
                plan,
                f"cannot decide whether rule {rule} copies to another region or account (no provider region or vault ARN states both sides)",
                f"undecided:copy-place:{rule}",
                Severity.INFO,
            )
        ]
    return []


def run(evidence: Evidence) -> CheckOutcome:
    """Every AWS Backup plan and vault."""
    return run_over(
        evidence,
        ("aws_backup_plan", "aws_backup_vault"),
        judge,
        "no AWS Backup plans or vaults in Terraform",
    )
