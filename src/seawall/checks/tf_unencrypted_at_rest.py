"""ED1-004: data stores in Terraform without encryption at rest, or without a customer-managed key."""

from __future__ import annotations

from typing import Any

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._tf import on, run_over, undecided
from seawall.collectors.terraform import TerraformEvidence, TfResource, Unknown, blocks

META = CheckMeta(
    id="ED1-004",
    control="ED-1",
    severity=Severity.HIGH,
    title="Data store not encrypted at rest",
    rationale="Encryption at rest keeps snapshots, replicas, decommissioned disks and misdirected backups unreadable. Stores left unencrypted fail outright; stores encrypted only with a provider-owned key are flagged low, because only a customer-managed KMS key lets you audit, restrict and revoke access to the data.",
    remediation="Turn on the store's encryption setting (storage_encrypted, encrypted, encrypt_at_rest, at_rest_encryption_enabled, a server-side encryption configuration) with kms_key_id/kms_master_key_id set to a customer-managed KMS key. Existing RDS and EBS resources need a re-created, encrypted copy.",
    needs=(EvidenceKind.TERRAFORM,),
    verify_clause="KMS key rotation enabled.",
    references=(
        "https://docs.aws.amazon.com/prescriptive-guidance/latest/encryption-best-practices/welcome.html",
    ),
    example_fail=(
        (
            "terraform/db.tf",
            'resource "aws_db_instance" "warehouse" {\n  engine            = "postgres"\n  instance_class    = "db.r6g.large"\n  storage_encrypted = false\n}\n',
        ),
    ),
    example_pass=(
        (
            "terraform/db.tf",
            'resource "aws_kms_key" "db" {\n  enable_key_rotation = true\n}\n\nresource "aws_db_instance" "warehouse" {\n  engine            = "postgres"\n  instance_class    = "db.r6g.large"\n  storage_encrypted = true\n  kms_key_id        = aws_kms_key.db.arn\n}\n',
        ),
    ),
)

# Resource type -> (flag attribute, key attribute); the flag must be true.
_FLAGGED = {
    "aws_db_instance": ("storage_encrypted", "kms_key_id"),
    "aws_rds_cluster": ("storage_encrypted", "kms_key_id"),
    "aws_ebs_volume": ("encrypted", "kms_key_id"),
    "aws_efs_file_system": ("encrypted", "kms_key_id"),
    "aws_redshift_cluster": ("encrypted", "kms_key_id"),
    "aws_elasticache_replication_group": ("at_rest_encryption_enabled", "kms_key_id"),
}
TYPES = (*_FLAGGED, "aws_s3_bucket", "aws_sqs_queue", "aws_sns_topic", "aws_dynamodb_table",
         "aws_opensearch_domain", "aws_elasticsearch_domain", "aws_instance", "aws_launch_template",
         "aws_launch_configuration", "aws_eks_cluster")  # fmt: skip


def _flagged(resource: TfResource, flag: str, key: str) -> list[Violation]:
    enabled = resource.get(flag)
    if isinstance(enabled, Unknown):
        return [undecided(resource, flag, enabled)]
    if enabled is not True:
        shown = "not set" if enabled is None else str(enabled).lower()
        return [on(resource, f"{flag} is {shown}: stored data is not encrypted", "unencrypted")]
    return _customer_key(resource, resource.get(key), key)


def _customer_key(resource: TfResource, key: Any, attribute: str) -> list[Violation]:
    if key in (
        None,
        "",
        "alias/aws/s3",
        "alias/aws/rds",
        "alias/aws/ebs",
        "alias/aws/sqs",
        "alias/aws/sns",
    ):
        return [
            on(
                resource,
                f"encrypted with an AWS-managed key ({attribute} not set to a customer-managed key)",
                "aws-managed-key",
                Severity.LOW,
            )
        ]
    return []


def _bucket(resource: TfResource, tf: TerraformEvidence) -> list[Violation]:
    rules = [
        rule
        for config in blocks(resource.get("server_side_encryption_configuration"))
        for rule in blocks(config.get("rule"))
    ]
    for separate in tf.pointing_at("aws_s3_bucket_server_side_encryption_configuration", resource):
        rules.extend(blocks(separate.get("rule")))
    defaults = [
        d for rule in rules for d in blocks(rule.get("apply_server_side_encryption_by_default"))
    ]
    if not defaults:
        return [
            on(
                resource,
                "no server-side encryption configuration: only S3's default SSE-S3 applies",
                "sse-s3-default",
                Severity.LOW,
            )
        ]
    algorithm = defaults[-1].get("sse_algorithm")
    if algorithm in ("aws:kms", "aws:kms:dsse"):
        return _customer_key(resource, defaults[-1].get("kms_master_key_id"), "kms_master_key_id")
    return [
        on(
            resource,
            f"server-side encryption is {algorithm!s}: S3-managed keys, not a customer-managed KMS key",
            "sse-s3",
            Severity.LOW,
        )
    ]


def _block_devices(resource: TfResource) -> list[Violation]:
    """Root and EBS volumes of instances, launch templates and launch configurations."""
    devices = blocks(resource.get("root_block_device")) + blocks(resource.get("ebs_block_device"))
    devices += [
        e for m in blocks(resource.get("block_device_mappings")) for e in blocks(m.get("ebs"))
    ]
    found = []
    if resource.type == "aws_instance" and not blocks(resource.get("root_block_device")):
        found.append(
            on(
                resource,
                "no root_block_device: the root volume's encryption follows the AMI and the account default",
                "ebs:root",
                Severity.MEDIUM,
            )
        )
    for device in devices:
        if device.get("snapshot_id"):
            continue  # encryption follows the snapshot's
        encrypted = device.get("encrypted")
        if isinstance(encrypted, Unknown):
            found.append(undecided(resource, "a block device's encryption", encrypted))
        elif encrypted is not True and encrypted not in ("true",):
            name = device.get("device_name", "root volume")
            shown = "not set" if encrypted is None else str(encrypted).lower()
            found.append(
                on(
                    resource,
                    f"block device {name}: encrypted is {shown} (unless EBS encryption by default is on in the account)",
                    f"ebs:{name}",
                    Severity.MEDIUM,
                )
            )
    return found


def _eks(resource: TfResource) -> list[Violation]:
    configs = blocks(resource.get("encryption_config"))
    if any(isinstance(c.get("__unknown__"), Unknown) for c in configs):
        return [
            undecided(
                resource,
                "encryption_config",
                next(c["__unknown__"] for c in configs if "__unknown__" in c),
            )
        ]
    resources: list[object] = []
    for config in configs:
        listed = config.get("resources")
        if isinstance(listed, Unknown):
            return [undecided(resource, "encryption_config resources", listed)]
        resources.extend(listed if isinstance(listed, list) else [])
    if "secrets" not in resources:
        return [
            on(
                resource,
                "no encryption_config for secrets: Kubernetes secrets are not envelope-encrypted with a KMS key",
                "eks-secrets",
                Severity.MEDIUM,
            )
        ]
    return []


def judge(resource: TfResource, tf: TerraformEvidence) -> list[Violation]:
    """Encryption at rest of one data store."""
    if resource.type in ("aws_instance", "aws_launch_template", "aws_launch_configuration"):
        return _block_devices(resource)
    if resource.type == "aws_eks_cluster":
        return _eks(resource)
    if resource.type in _FLAGGED:
        if resource.type == "aws_rds_cluster" and resource.get("engine_mode") == "serverless":
            return _customer_key(
                resource, resource.get("kms_key_id"), "kms_key_id"
            )  # always encrypted
        return _flagged(resource, *_FLAGGED[resource.type])
    if resource.type == "aws_s3_bucket":
        return _bucket(resource, tf)
    if resource.type == "aws_sqs_queue":
        if resource.get("sqs_managed_sse_enabled") is False and not resource.get(
            "kms_master_key_id"
        ):
            return [
                on(
                    resource,
                    "sqs_managed_sse_enabled is false and no KMS key: messages are stored unencrypted",
                    "unencrypted",
                )
            ]
        return _customer_key(resource, resource.get("kms_master_key_id"), "kms_master_key_id")
    if resource.type == "aws_sns_topic":
        if not resource.get("kms_master_key_id"):
            return [
                on(
                    resource,
                    "no kms_master_key_id: messages are stored without a KMS key",
                    "unencrypted",
                    Severity.MEDIUM,
                )
            ]
        return _customer_key(resource, resource.get("kms_master_key_id"), "kms_master_key_id")
    if resource.type == "aws_dynamodb_table":
        sse = blocks(resource.get("server_side_encryption"))
        if not sse or sse[-1].get("enabled") is not True:
            return [
                on(
                    resource,
                    "no server_side_encryption: the table uses an AWS-owned key",
                    "aws-owned-key",
                    Severity.LOW,
                )
            ]
        return _customer_key(resource, sse[-1].get("kms_key_arn"), "kms_key_arn")
    settings = blocks(resource.get("encrypt_at_rest"))  # OpenSearch / Elasticsearch
    if not settings or settings[-1].get("enabled") is not True:
        return [on(resource, "encrypt_at_rest is not enabled", "unencrypted")]
    return _customer_key(resource, settings[-1].get("kms_key_id"), "kms_key_id")


def run(evidence: Evidence) -> CheckOutcome:
    """Every RDS, EBS, EFS, S3, SQS, SNS, DynamoDB, Redshift, ElastiCache and OpenSearch store."""
    return run_over(
        evidence, TYPES, judge, "no data stores (RDS, S3, EBS, EFS, DynamoDB, ...) in Terraform"
    )
