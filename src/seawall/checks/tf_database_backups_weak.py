"""BR1-001: RDS and Aurora with short backup retention or without deletion protection."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._tf import on, run_over, undecided
from seawall.collectors.terraform import TerraformEvidence, TfResource, Unknown

MIN_RETENTION_DAYS = 7

META = CheckMeta(
    id="BR1-001",
    control="BR-1",
    severity=Severity.HIGH,
    title="Database backups too short-lived or deletable",
    rationale="Automated backups are the first line of recovery: with less than 7 days of retention a problem noticed after a long weekend has no clean restore point, and without deletion protection one mistaken apply or a compromised pipeline deletes the database and, by default, its automated backups with it.",
    remediation="Set backup_retention_period to at least 7 (35 for critical data), deletion_protection = true, and copy snapshots to another account or region (AWS Backup with a copy action).",
    needs=(EvidenceKind.TERRAFORM,),
    verify_clause="The latest backup is under 24 hours old.",
    references=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html",
    ),
    example_fail=(
        (
            "terraform/db.tf",
            'resource "aws_db_instance" "warehouse" {\n  engine                  = "postgres"\n  backup_retention_period = 1\n}\n',
        ),
    ),
    example_pass=(
        (
            "terraform/db.tf",
            'resource "aws_db_instance" "warehouse" {\n  engine                  = "postgres"\n  backup_retention_period = 14\n  deletion_protection     = true\n}\n',
        ),
    ),
)


def judge(resource: TfResource, tf: TerraformEvidence) -> list[Violation]:
    """Retention and deletion protection of one instance or cluster."""
    if resource.type == "aws_db_instance" and resource.get("replicate_source_db"):
        return []  # read replicas take the source's backups
    found = []
    retention = resource.get("backup_retention_period")
    if isinstance(retention, Unknown):
        found.append(undecided(resource, "backup_retention_period", retention))
    elif not isinstance(retention, int) or retention < MIN_RETENTION_DAYS:
        shown = "not set (AWS keeps 1 day)" if retention is None else f"{retention} day(s)"
        found.append(
            on(resource, f"backup retention is {shown}, below {MIN_RETENTION_DAYS}", "retention")
        )
    protection = resource.get("deletion_protection")
    if isinstance(protection, Unknown):
        found.append(undecided(resource, "deletion_protection", protection))
    elif protection is not True:
        found.append(
            on(
                resource,
                "deletion_protection is not true: one apply can delete the database",
                "deletion-protection",
                Severity.MEDIUM,
            )
        )
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """Every aws_db_instance and aws_rds_cluster."""
    return run_over(
        evidence,
        ("aws_db_instance", "aws_rds_cluster"),
        judge,
        "no RDS or Aurora databases in Terraform",
    )
