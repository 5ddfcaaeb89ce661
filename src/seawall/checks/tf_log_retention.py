"""MI2-003: logs kept forever or too long (CloudWatch groups, S3 log buckets), groups not under KMS.

A bucket is a log bucket when something writes logs to it in the same
configuration (S3 server access logging, CloudTrail, load balancer access
logs, CloudFront logging, VPC flow logs to S3) or its name says so. Its
retention is the shortest enabled lifecycle expiration; bucket encryption is
ED1-004's.
"""

from __future__ import annotations

import functools
import re

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._tf import NO_TERRAFORM, on, referenced, terraform, undecided
from seawall.collectors.terraform import TerraformEvidence, TfResource, Unknown, blocks

# A bucket named for logs: "acme-logs", "alb-access-logs", "org-cloudtrail", "audit-trail".
_LOG_NAME = re.compile(r"(?:^|[-_./])(?:logs?|logging|cloudtrail|trail|audit)(?:[-_./]|$)", re.I)

# Where other resources name the bucket they write logs to: (type, block or "", attribute).
_LOG_WRITERS = (
    ("aws_s3_bucket_logging", "", "target_bucket"),
    ("aws_s3_bucket", "logging", "target_bucket"),
    ("aws_cloudtrail", "", "s3_bucket_name"),
    ("aws_lb", "access_logs", "bucket"),
    ("aws_alb", "access_logs", "bucket"),
    ("aws_elb", "access_logs", "bucket"),
    ("aws_cloudfront_distribution", "logging_config", "bucket"),
    ("aws_flow_log", "", "log_destination"),
)

META = CheckMeta(
    id="MI2-003",
    control="MI-2",
    severity=Severity.MEDIUM,
    title="Logs kept forever or too long, or a log group not encrypted under a KMS key",
    rationale="The baseline's practice for MI-2: logs encrypted at rest and short retention, at most 90 days for sensitive logs. Whatever a log leaked (a token, a card number that slipped past redaction) stays readable for as long as the log is kept: a group without retention_in_days, or a log bucket without a lifecycle expiration, keeps every event forever, and a group without kms_key_id is readable by anyone with logs:GetLogEvents, with no key policy between them and the data. This backs the clause that a log sample holds no secrets; it cannot verify it, which takes a sample (MI2-001).",
    remediation="Set retention_in_days on every aws_cloudwatch_log_group (at most 90 for audit, security, access, auth and PII groups, or the limit in [logs] max-sensitive-retention-days) and kms_key_id to a customer-managed key whose policy allows the logs service principal; give every log bucket a lifecycle rule whose expiration deletes objects within that limit.",
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


@functools.cache
def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    """The configured sensitive words as one pattern (built once per configuration)."""
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def _sensitive(resource: TfResource, words: tuple[str, ...]) -> bool:
    """Whether a log group's or bucket's name, or its resource name, names a sensitive kind."""
    if not words:
        return False
    pattern = _words(words)
    names = [resource.name]
    attributes = ("name", "name_prefix", "bucket", "bucket_prefix")
    names += [n for a in attributes if isinstance(n := resource.get(a), str)]
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


def _log_bucket_names(tf: TerraformEvidence) -> tuple[set[str], set[str]]:
    """(addresses, literal names) of the buckets something writes logs to."""
    addresses: set[str] = set()
    names: set[str] = set()
    for type_, block, attribute in _LOG_WRITERS:
        for writer in tf.of_type(type_):
            if type_ == "aws_flow_log" and writer.get("log_destination_type") != "s3":
                continue
            holders = blocks(writer.get(block)) if block else [writer.attributes]
            for holder in holders:
                target = holder.get(attribute)
                bucket = referenced(tf, target, writer, "aws_s3_bucket")
                if bucket is not None:
                    addresses.add(bucket.address)
                elif isinstance(target, str) and target:
                    # "name", "arn:aws:s3:::name/prefix", "name.s3.amazonaws.com"
                    name = target.rsplit(":", 1)[-1].split("/", 1)[0]
                    names.add(name.removesuffix(".s3.amazonaws.com"))
    return addresses, names


def _is_log_bucket(bucket: TfResource, addresses: set[str], names: set[str]) -> bool:
    name = bucket.get("bucket")
    if bucket.address in addresses or (isinstance(name, str) and name in names):
        return True
    return bool(_LOG_NAME.search(bucket.name) or (isinstance(name, str) and _LOG_NAME.search(name)))


def _expirations(bucket: TfResource, tf: TerraformEvidence) -> list[object]:
    """Expiration days of the bucket's enabled lifecycle rules (inline or separate)."""
    days: list[object] = []
    for rule in blocks(bucket.get("lifecycle_rule")):
        if rule.get("enabled") is not False:
            days += [e.get("days") for e in blocks(rule.get("expiration"))]
    for config in tf.pointing_at("aws_s3_bucket_lifecycle_configuration", bucket):
        for rule in blocks(config.get("rule")):
            if rule.get("status") != "Disabled":
                days += [e.get("days") for e in blocks(rule.get("expiration"))]
    return [d for d in days if d is not None]


def judge_bucket(bucket: TfResource, tf: TerraformEvidence) -> list[Violation]:
    """Retention of one log bucket: the shortest enabled expiration."""
    sensitive = _sensitive(bucket, tf.sensitive_log_groups)
    kind = "sensitive log bucket" if sensitive else "log bucket"
    days = _expirations(bucket, tf)
    unknown = [d for d in days if isinstance(d, Unknown)]
    known = [d for d in days if isinstance(d, int) and not isinstance(d, bool) and d > 0]
    if not known and unknown:
        return [undecided(bucket, "lifecycle expiration days", unknown[0])]
    if not known:
        return [
            on(
                bucket,
                f"{kind} never expires objects (no enabled lifecycle rule with an expiration): every log is kept forever",
                "retention",
                Severity.HIGH if sensitive else None,
            )
        ]
    limit = tf.max_sensitive_log_days
    if sensitive and min(known) > limit:
        return [
            on(
                bucket,
                f"sensitive log bucket keeps objects {min(known)} days (limit {limit})",
                "retention",
            )
        ]
    return []


def run(evidence: Evidence) -> CheckOutcome:
    """Every aws_cloudwatch_log_group, and every S3 bucket that holds logs."""
    tf = terraform(evidence)
    if not tf.files:
        return CheckOutcome((), evidenced=False, missing=NO_TERRAFORM)
    addresses, names = _log_bucket_names(tf)
    groups = tf.of_type("aws_cloudwatch_log_group")
    buckets = [b for b in tf.of_type("aws_s3_bucket") if _is_log_bucket(b, addresses, names)]
    if not groups and not buckets:
        return CheckOutcome(
            (), evidenced=False, missing="no CloudWatch log groups or log buckets in Terraform"
        )
    found = [v for g in groups for v in judge(g, tf)]
    found += [v for b in buckets for v in judge_bucket(b, tf)]
    return CheckOutcome(tuple(found), evidenced=True)
