"""MI2-003: CloudWatch log groups kept forever, sensitive ones kept too long, or not under KMS."""

from __future__ import annotations

import re

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._tf import on, run_over, undecided
from seawall.collectors.terraform import TerraformEvidence, TfResource, Unknown

META = CheckMeta(
    id="MI2-003",
    control="MI-2",
    severity=Severity.MEDIUM,
    title="Log group kept forever, kept too long, or not encrypted under a KMS key",
    rationale="The baseline's practice for MI-2: logs encrypted at rest and short retention, at most 90 days for sensitive logs. Whatever a log leaked (a token, a card number that slipped past redaction) stays readable for as long as the log is kept: a group without retention_in_days keeps every event forever, and a group without kms_key_id is readable by anyone with logs:GetLogEvents, with no key policy between them and the data. This backs the clause that a log sample holds no secrets; it cannot verify it, which takes a sample (MI2-001).",
    remediation="Set retention_in_days on every aws_cloudwatch_log_group (at most 90 for audit, security, access, auth and PII groups, or the limit in [logs] max-sensitive-retention-days) and kms_key_id to a customer-managed key whose policy allows the logs service principal.",
    needs=(EvidenceKind.TERRAFORM,),
    verify_clause="A log sample contains zero secrets.",
    evidences_clause=False,
    references=(
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention",
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
    ),
    example_fail=(
        (
            "terraform/logs.tf",
            'resource "aws_cloudwatch_log_group" "audit" {\n  name = "/warehouse/audit"\n}\n',
        ),
    ),
    example_pass=(
        (
            "terraform/logs.tf",
            'resource "aws_cloudwatch_log_group" "audit" {\n  name              = "/warehouse/audit"\n  retention_in_days = 90\n  kms_key_id        = aws_kms_key.logs.arn\n}\n',
        ),
    ),
)


def _sensitive(group: TfResource, words: tuple[str, ...]) -> bool:
    """Whether the group's name (or, when not known, its resource name) names a sensitive kind."""
    if not words:
        return False
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    names = [group.name]
    names += [n for n in (group.get("name"), group.get("name_prefix")) if isinstance(n, str)]
    return any(pattern.search(n) for n in names)


def judge(group: TfResource, tf: TerraformEvidence) -> list[Violation]:
    """Retention and encryption of one log group."""
    found = []
    sensitive = _sensitive(group, tf.sensitive_log_groups)
    limit = tf.max_sensitive_log_days
    kind = "sensitive log group" if sensitive else "log group"
    # The DELIVERY class keeps events a fixed 2 days and ignores retention_in_days.
    delivery = group.get("log_group_class") == "DELIVERY"
    days = group.get("retention_in_days")
    if isinstance(days, Unknown):
        found.append(undecided(group, "retention_in_days", days))
    elif not delivery and (days is None or days == 0):
        found.append(
            on(
                group,
                f"{kind} never expires (retention_in_days unset or 0): every event is kept forever",
                "retention",
                Severity.HIGH if sensitive else None,
            )
        )
    elif not delivery and sensitive and isinstance(days, int) and days > limit:
        found.append(
            on(
                group,
                f"sensitive log group keeps events {days} days (limit {limit})",
                "retention",
            )
        )
    key = group.get("kms_key_id")
    if isinstance(key, Unknown):
        found.append(undecided(group, "kms_key_id", key))
    elif key is None or key == "":
        found.append(
            on(
                group,
                f"{kind} not encrypted under a customer-managed KMS key (kms_key_id unset)",
                "kms",
                None if sensitive else Severity.LOW,
            )
        )
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """Every aws_cloudwatch_log_group."""
    return run_over(
        evidence,
        ("aws_cloudwatch_log_group",),
        judge,
        "no CloudWatch log groups in Terraform",
    )
