"""BR1-002: backup buckets without versioning, Object Lock, or replication under another key."""

from __future__ import annotations

import re
from typing import Any

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._tf import (
    NO_TERRAFORM,
    Place,
    apart,
    merged,
    on,
    place_of,
    place_of_arn,
    referenced,
    terraform,
)
from seawall.collectors.terraform import Reference, TerraformEvidence, TfResource, Unknown, blocks

# Buckets whose name or resource name says they hold backups.
BACKUP_NAME = re.compile(r"backup|snapshot|archive|vault|dr[-_]|disaster", re.IGNORECASE)

META = CheckMeta(
    id="BR1-002",
    control="BR-1",
    severity=Severity.HIGH,
    title="Backup bucket can be altered, deleted or lost with its region",
    rationale="Disaster-proof backups survive ransomware, a compromised admin and a lost region: versioning keeps overwritten objects, Object Lock stops anyone (the root user included, in compliance mode) from deleting them early, and replication to another region or account under a different KMS key means one compromised key or account does not take every copy.",
    remediation="Enable versioning and Object Lock (compliance mode, a retention period) on backup buckets, and replicate them to a bucket in another region or account with replica_kms_key_id set to a key other than the source bucket's.",
    needs=(EvidenceKind.TERRAFORM,),
    verify_clause="The latest backup is under 24 hours old.",
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html",),
    example_fail=(
        (
            "terraform/backup.tf",
            'resource "aws_s3_bucket" "backups" {\n  bucket = "acme-warehouse-backups"\n}\n',
        ),
    ),
    example_pass=(
        (
            "terraform/backup.tf",
            'resource "aws_s3_bucket" "backups" {\n  bucket              = "acme-warehouse-backups"\n  object_lock_enabled = true\n}\n\n'
            'resource "aws_s3_bucket_versioning" "backups" {\n  bucket = aws_s3_bucket.backups.id\n  versioning_configuration {\n    status = "Enabled"\n  }\n}\n\n'
            'resource "aws_s3_bucket_object_lock_configuration" "backups" {\n  bucket = aws_s3_bucket.backups.id\n  rule {\n    default_retention {\n      mode = "COMPLIANCE"\n      days = 35\n    }\n  }\n}\n\n'
            'resource "aws_s3_bucket_server_side_encryption_configuration" "backups" {\n  bucket = aws_s3_bucket.backups.id\n  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm     = "aws:kms"\n      kms_master_key_id = "arn:aws:kms:eu-west-1:111111111111:key/source"\n    }\n  }\n}\n\n'
            'resource "aws_s3_bucket_replication_configuration" "backups" {\n  bucket = aws_s3_bucket.backups.id\n  role   = "arn:aws:iam::111111111111:role/replication"\n  rule {\n    status = "Enabled"\n    destination {\n      bucket = "arn:aws:s3:::acme-warehouse-backups-dr"\n      encryption_configuration {\n        replica_kms_key_id = "arn:aws:kms:us-east-1:222222222222:key/replica"\n      }\n    }\n  }\n}\n',
        ),
    ),
)


def _versioned(bucket: TfResource, tf: TerraformEvidence) -> bool | Unknown:
    inline = [v.get("enabled") for v in blocks(bucket.get("versioning"))]
    separate = [
        c.get("status")
        for resource in tf.pointing_at("aws_s3_bucket_versioning", bucket)
        for c in blocks(resource.get("versioning_configuration"))
    ]
    for value in (*inline, *separate):
        if isinstance(value, Unknown):
            return value
    return True in inline or "Enabled" in separate


def _bucket_key(bucket: TfResource, tf: TerraformEvidence) -> Any:
    rules = [
        r
        for c in blocks(bucket.get("server_side_encryption_configuration"))
        for r in blocks(c.get("rule"))
    ]
    rules += [
        r
        for s in tf.pointing_at("aws_s3_bucket_server_side_encryption_configuration", bucket)
        for r in blocks(s.get("rule"))
    ]
    keys = [
        d.get("kms_master_key_id")
        for r in rules
        for d in blocks(r.get("apply_server_side_encryption_by_default"))
    ]
    return keys[-1] if keys else None


def _replica_targets(tf: TerraformEvidence) -> tuple[set[str], set[str]]:
    """(addresses, names) of the buckets other buckets replicate into (once per scan)."""
    addresses: set[str] = set()
    names: set[str] = set()
    for config in tf.of_type("aws_s3_bucket_replication_configuration"):
        for rule in blocks(config.get("rule")):
            for destination in blocks(rule.get("destination")):
                target = destination.get("bucket")
                bucket = referenced(tf, target, config, "aws_s3_bucket")
                if bucket is not None:
                    addresses.add(bucket.address)
                elif isinstance(target, str):  # arn:aws:s3:::name
                    names.add(target.rsplit(":", 1)[-1])
    return addresses, names


def _key_place(key: Any, near: TfResource, tf: TerraformEvidence) -> Place:
    resource = referenced(tf, key, near, "aws_kms_key", "aws_kms_replica_key")
    return place_of(resource) if resource is not None else place_of_arn(key)


def _where(
    bucket: TfResource, tf: TerraformEvidence, source: Place, destination: dict[str, Any], key: Any
) -> list[Violation]:
    """A replica beside the original (same region, same account) survives neither loss."""
    target = destination.get("bucket")
    target_bucket = referenced(tf, target, bucket, "aws_s3_bucket")
    if target_bucket is None and isinstance(target, str):  # arn:aws:s3:::name names no region
        name = target.rsplit(":", 1)[-1]
        target_bucket = next(
            (b for b in tf.of_type("aws_s3_bucket") if b.get("bucket") == name), None
        )
        if target_bucket is not None and target_bucket.address == bucket.address:
            target_bucket = None
    stated_account = destination.get("account")
    if isinstance(stated_account, str) and stated_account != source.account:
        # Only cross-account replication states the owner account; our own account
        # unstated, we take it at its word.
        return []
    replica = merged(
        Place(None, stated_account if isinstance(stated_account, str) else None),
        place_of(target_bucket) if target_bucket is not None else Place(None, None),
        _key_place(key, bucket, tf),
    )
    # A replica bucket declared here with no account stated shares our credentials.
    if replica.account is None and target_bucket is None:
        replica = Place(replica.region, Unknown("the replica's account is not stated"))
    verdict = apart(source, replica)
    if verdict is False:
        return [
            on(
                bucket,
                f"replicated within the same region ({source.region}) and account: one regional outage or one compromised account takes both copies",
                "replica-place",
                Severity.MEDIUM,
            )
        ]
    if verdict is None:
        return [
            on(
                bucket,
                "cannot decide whether the replica is in another region or account (no provider region, replica key ARN or destination account states it)",
                "undecided:replica-place",
                Severity.INFO,
            )
        ]
    return []


def judge(
    bucket: TfResource, tf: TerraformEvidence, replicas: tuple[set[str], set[str]]
) -> list[Violation]:
    """Versioning, Object Lock and replication of one backup bucket.

    ``replicas``: the replica buckets (:func:`_replica_targets`); a replica need
    not replicate again.
    """
    found = []
    versioned = _versioned(bucket, tf)
    if versioned is False:
        found.append(
            on(
                bucket,
                "backup bucket without versioning: overwritten or deleted backups are gone",
                "versioning",
            )
        )
    locked = bucket.get("object_lock_enabled") is True or bool(
        blocks(bucket.get("object_lock_configuration"))
    )
    locked = locked or bool(tf.pointing_at("aws_s3_bucket_object_lock_configuration", bucket))
    if not locked:
        found.append(
            on(
                bucket,
                "backup bucket without Object Lock: anyone with delete rights can destroy the backups",
                "object-lock",
            )
        )
    replications = tf.pointing_at("aws_s3_bucket_replication_configuration", bucket)
    destinations = [
        d
        for r in replications
        for rule in blocks(r.get("rule"))
        for d in blocks(rule.get("destination"))
    ]
    addresses, names = replicas
    is_replica = bucket.address in addresses or bucket.get("bucket") in names
    if not destinations and not is_replica:
        found.append(
            on(
                bucket,
                "backup bucket not replicated to another region or account",
                "replication",
                Severity.MEDIUM,
            )
        )
    if not destinations:
        return found
    source_key = _bucket_key(bucket, tf)
    source = merged(place_of(bucket), _key_place(source_key, bucket, tf))
    for destination in destinations:
        replica_keys = [
            e.get("replica_kms_key_id") for e in blocks(destination.get("encryption_configuration"))
        ]
        replica = replica_keys[-1] if replica_keys else None
        shares_key = replica is not None and (
            (replica == source_key and not isinstance(replica, (Unknown, Reference)))
            or (
                isinstance(replica, Reference)
                and isinstance(source_key, Reference)
                and replica.address == source_key.address
            )
        )
        if replica is None or shares_key:
            why = (
                f"replicas use the source bucket's key ({replica.address})"
                if isinstance(replica, Reference)
                else "replicas are not encrypted under a key of their own (replica_kms_key_id unset or the source bucket's key)"
            )
            found.append(on(bucket, why, "replica-key", Severity.MEDIUM))
        if not shares_key:  # a KMS key is regional: a replica under the source's key is beside it
            found.extend(_where(bucket, tf, source, destination, replica))
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """Every S3 bucket whose name says it holds backups."""
    tf = terraform(evidence)
    if not tf.files:
        return CheckOutcome((), evidenced=False, missing=NO_TERRAFORM)
    buckets = [
        b
        for b in tf.of_type("aws_s3_bucket")
        if BACKUP_NAME.search(b.name)
        or (isinstance(b.get("bucket"), str) and BACKUP_NAME.search(b.get("bucket")))
    ]
    if not buckets:
        return CheckOutcome(
            (),
            evidenced=False,
            missing="no S3 buckets named for backups (backup, snapshot, archive, vault, dr-) in Terraform",
        )
    replicas = _replica_targets(tf)
    return CheckOutcome(tuple(v for b in buckets for v in judge(b, tf, replicas)), evidenced=True)
