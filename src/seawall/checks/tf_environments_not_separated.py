"""CP2-002: non-prod Terraform that reaches into prod: shared accounts, networks, keys, hosts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence
from seawall.checks._tf import NO_TERRAFORM, on, terraform
from seawall.collectors.terraform import TfResource

META = CheckMeta(
    id="CP2-002",
    control="CP-2",
    severity=Severity.HIGH,
    title="Non-prod infrastructure shares prod's account, network or keys",
    rationale="Environment separation only holds when dev and staging cannot reach prod: a non-prod stack in prod's AWS account, VPC or subnets, encrypting with prod's KMS key, or pointing at prod hostnames lets a dev mistake, a dev credential or a test job touch production data.",
    remediation="Give each environment its own AWS account (an organization OU per environment), its own VPC and KMS keys, and configuration that names only its own endpoints; share artefacts through registries, not through prod resources.",
    needs=(EvidenceKind.TERRAFORM,),
    verify_clause="Network segmentation tested.",
    references=(
        "https://docs.aws.amazon.com/whitepapers/latest/organizing-your-aws-environment/organizing-your-aws-environment.html",
    ),
    example_fail=(
        (
            "deploy/prod/main.tf",
            'resource "aws_db_instance" "warehouse" {\n  engine     = "postgres"\n  kms_key_id = "arn:aws:kms:eu-west-1:111111111111:key/prod-data"\n}\n',
        ),
        (
            "deploy/dev/main.tf",
            'resource "aws_db_instance" "warehouse" {\n  engine     = "postgres"\n  kms_key_id = "arn:aws:kms:eu-west-1:111111111111:key/prod-data"\n}\n',
        ),
    ),
    example_pass=(
        (
            "deploy/prod/main.tf",
            'resource "aws_db_instance" "warehouse" {\n  engine     = "postgres"\n  kms_key_id = "arn:aws:kms:eu-west-1:111111111111:key/prod-data"\n}\n',
        ),
        (
            "deploy/dev/main.tf",
            'resource "aws_db_instance" "warehouse" {\n  engine     = "postgres"\n  kms_key_id = "arn:aws:kms:eu-west-1:222222222222:key/dev-data"\n}\n',
        ),
    ),
)

_IDENTIFIERS = (
    ("AWS account", re.compile(r"arn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}):")),
    ("KMS key", re.compile(r"(arn:aws[\w-]*:kms:[\w-]+:\d{12}:key/[\w-]+)")),
    ("VPC", re.compile(r"\b(vpc-[0-9a-f]{8,17})\b")),
    ("subnet", re.compile(r"\b(subnet-[0-9a-f]{8,17})\b")),
    ("security group", re.compile(r"\b(sg-[0-9a-f]{8,17})\b")),
    (
        "hostname",
        re.compile(
            r"\b((?:[a-z0-9-]+\.)*prod[a-z0-9-]*(?:\.[a-z0-9-]+)+\.[a-z]{2,})\b", re.IGNORECASE
        ),
    ),
)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _identifiers(resource: TfResource) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for text in _strings(resource.attributes):
        for kind, pattern in _IDENTIFIERS:
            found.update((kind, m.group(1).lower()) for m in pattern.finditer(text))
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """Identifiers that prod resources use, found again in non-prod resources."""
    tf = terraform(evidence)
    if not tf.files:
        return CheckOutcome((), evidenced=False, missing=NO_TERRAFORM)
    prod = [r for r in tf.resources if r.environment == "prod"]
    other = [r for r in tf.resources if r.environment == "non-prod"]
    if not prod or not other:
        return CheckOutcome(
            (),
            evidenced=False,
            missing="no Terraform under both prod and non-prod paths (label them in [environments], or use prod/ and dev/ folders)",
        )
    prod_ids = {identifier for r in prod for identifier in _identifiers(r)}
    violations = []
    for resource in other:
        for kind, value in sorted(_identifiers(resource) & prod_ids):
            if kind == "hostname" or value in {v for k, v in prod_ids if k == kind}:
                violations.append(
                    on(resource, f"non-prod stack uses prod's {kind} {value}", f"{kind}:{value}")
                )
    return CheckOutcome(tuple(violations), evidenced=True)
