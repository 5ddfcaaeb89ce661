"""SI2-003: IAM and resource policies in Terraform with wildcards or open trust."""

from __future__ import annotations

import json
from typing import Any

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._tf import on, referenced, run_over, undecided
from seawall.collectors.terraform import Reference, TerraformEvidence, TfResource, Unknown, blocks

META = CheckMeta(
    id="SI2-003",
    control="SI-2",
    severity=Severity.HIGH,
    title="Wildcards in IAM policies",
    rationale='The baseline\'s Verify clause: a policy analyzer shows no wildcards. Action "*", service-wide actions (s3:*, iam:*), NotAction with Allow, write actions on every resource and iam:PassRole on "*" grant far more than a workload needs; a resource policy with Principal "*" and no condition, or a bucket ACL granting to AllUsers, opens the resource to everyone (a public access block with restrict_public_buckets or ignore_public_acls neutralises them, and is read here); a role GitHub\'s OIDC provider may assume without a repository condition can be assumed from any repository.',
    remediation="List the actions the workload calls and the ARNs it touches; scope iam:PassRole to the roles it passes; add aws:SourceAccount/aws:PrincipalOrgID conditions to resource policies; replace public bucket ACLs with BucketOwnerEnforced ownership and an aws_s3_bucket_public_access_block; pin OIDC trust to token.actions.githubusercontent.com:sub = repo:ORG/REPO:environment:prod (or a branch).",
    needs=(EvidenceKind.TERRAFORM,),
    verify_clause="A policy analyzer shows no wildcards.",
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
    ),
    example_fail=(
        (
            "terraform/iam.tf",
            'resource "aws_iam_policy" "etl" {\n  name = "etl"\n  policy = jsonencode({\n    Version   = "2012-10-17"\n    Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }]\n  })\n}\n',
        ),
    ),
    example_pass=(
        (
            "terraform/iam.tf",
            'resource "aws_iam_policy" "etl" {\n  name = "etl"\n  policy = jsonencode({\n    Version   = "2012-10-17"\n    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = ["arn:aws:s3:::acme-raw/*"] }]\n  })\n}\n',
        ),
    ),
)

_POLICY_ATTRIBUTES = {
    "aws_iam_policy": ("policy",),
    "aws_iam_role_policy": ("policy",),
    "aws_iam_user_policy": ("policy",),
    "aws_iam_group_policy": ("policy",),
    "aws_s3_bucket_policy": ("policy",),
    "aws_kms_key": ("policy",),
    "aws_sqs_queue_policy": ("policy",),
    "aws_sns_topic_policy": ("policy",),
    "aws_iam_role": ("assume_role_policy",),
}
# Canned ACLs that grant to everyone (or every AWS account holder).
_PUBLIC_ACLS = {
    "public-read": Severity.HIGH,
    "public-read-write": Severity.CRITICAL,
    "authenticated-read": Severity.HIGH,
}
_ALL_USERS = (
    "acs.amazonaws.com/groups/global/AllUsers",
    "acs.amazonaws.com/groups/global/AuthenticatedUsers",
)

# CI systems whose OIDC tokens AWS roles trust: (issuer host in the provider ARN, name).
_CI_OIDC = (
    ("token.actions.githubusercontent.com", "GitHub Actions"),
    ("gitlab", "GitLab CI"),
    ("oidc.circleci.com", "CircleCI"),
    ("api.bitbucket.org", "Bitbucket Pipelines"),
    ("app.terraform.io", "HCP Terraform"),
)


def _wildcard_subject(subject: str) -> bool:
    """``repo:org/*``, ``repo:org/app:*``, ``project_path:group/*:ref_type:branch:ref:*``, ``*``."""
    return subject == "*" or subject.endswith("*") or ":*" in subject or "/*" in subject


_READ_PREFIXES = ("Get", "List", "Describe", "Head", "BatchGet", "Query", "Scan", "Select", "View")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _from_document(data: TfResource) -> list[dict[str, Any]]:
    """Statements of a data "aws_iam_policy_document", in policy-JSON shape."""
    statements = []
    for block in blocks(data.get("statement")):
        statement: dict[str, Any] = {"Effect": block.get("effect", "Allow")}
        for source, target in (
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
        ):
            if source in block:
                statement[target] = block[source]
        principals = blocks(block.get("principals"))
        if principals:
            statement["Principal"] = {p.get("type"): p.get("identifiers") for p in principals}
        conditions = blocks(block.get("condition"))
        if conditions:
            statement["Condition"] = {
                c.get("test"): {c.get("variable"): c.get("values")} for c in conditions
            }
        statements.append(statement)
    return statements


def _statements(
    value: Any, tf: TerraformEvidence, near: TfResource
) -> list[dict[str, Any]] | Unknown:
    if isinstance(value, Reference) and value.address.startswith("data.aws_iam_policy_document."):
        name = value.address.split(".")[2]
        found = [d for d in tf.data_sources("aws_iam_policy_document", near) if d.name == name]
        return _from_document(found[0]) if found else Unknown(f"{value} is not in this module")
    if isinstance(value, Reference):
        return Unknown(f"the policy comes from {value}")
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return Unknown("the policy is not JSON")
    if not isinstance(value, dict):
        return []
    return [s for s in _as_list(value.get("Statement")) if isinstance(s, dict)]


def _principal_is_anyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return any("*" in _as_list(v) for v in principal.values())
    return False


def _findings(
    resource: TfResource, statement: dict[str, Any], trust: bool, public_blocked: bool = False
) -> list[Violation]:
    """Findings of one statement; ``public_blocked``: a public access block neutralises
    public bucket policies (restrict_public_buckets), so Principal "*" is only left-over text."""
    if statement.get("Effect", "Allow") != "Allow":
        return []
    actions = [a for a in _as_list(statement.get("Action")) if isinstance(a, str)]
    resources = [r for r in _as_list(statement.get("Resource")) if isinstance(r, str)]
    found = []
    if trust:
        principal = statement.get("Principal") or {}
        federated = _as_list(principal.get("Federated")) if isinstance(principal, dict) else []
        ci = next((name for f in federated for host, name in _CI_OIDC if host in str(f)), None)
        if ci is not None:
            subjects = [
                value
                for test in (statement.get("Condition") or {}).values()
                if isinstance(test, dict)
                for key, values in test.items()
                if str(key).endswith(":sub")
                for value in _as_list(values)
            ]
            if not subjects:
                message = f"{ci}'s OIDC provider may assume the role from any repository or project (no :sub condition)"
                found.append(on(resource, message, "oidc-any-repo", Severity.CRITICAL))
            elif any(_wildcard_subject(str(s)) for s in subjects):
                message = f"the {ci} OIDC :sub condition ends in a wildcard: any branch, environment or project under it may assume the role"
                found.append(on(resource, message, "oidc-wildcard"))
        if _principal_is_anyone(statement.get("Principal")) and not statement.get("Condition"):
            found.append(
                on(
                    resource,
                    'the trust policy lets Principal "*" assume the role',
                    "trust-anyone",
                    Severity.CRITICAL,
                )
            )
        return found
    if "*" in actions or "*:*" in actions:
        found.append(
            on(resource, 'a statement allows Action "*"', "action-star", Severity.CRITICAL)
        )
    for action in actions:
        if action.endswith(":*") and action != "*:*":
            found.append(
                on(
                    resource,
                    f'a statement allows every {action.split(":")[0]} action ("{action}")',
                    f"service-star:{action}",
                )
            )
    if statement.get("NotAction") is not None:
        found.append(
            on(resource, "a statement allows NotAction: everything except a list", "not-action")
        )
    if "*" in resources and not statement.get("Condition"):  # conditions constrain the grant
        if any(a.lower() in ("iam:passrole", "iam:*") for a in actions):
            found.append(
                on(
                    resource,
                    'iam:PassRole on Resource "*": any role can be handed to a service',
                    "passrole-star",
                )
            )
        writes = [
            a for a in actions if "*" not in a and not a.split(":")[-1].startswith(_READ_PREFIXES)
        ]
        if writes:
            found.append(
                on(
                    resource,
                    f'write or permission actions on Resource "*": {", ".join(sorted(writes)[:4])}',
                    "write-star",
                    Severity.MEDIUM,
                )
            )
    if _principal_is_anyone(statement.get("Principal")) and not statement.get("Condition"):
        message = 'a resource policy allows Principal "*" without a condition'
        if public_blocked:
            message += " (the public access block's restrict_public_buckets keeps it from taking effect; remove it)"
        severity = Severity.LOW if public_blocked else Severity.CRITICAL
        found.append(on(resource, message, "principal-star", severity))
    return found


def judge(resource: TfResource, tf: TerraformEvidence) -> list[Violation]:
    """Every statement of the resource's policies (inline_policy blocks included)."""
    sources = [
        (resource.get(a), a == "assume_role_policy")
        for a in _POLICY_ATTRIBUTES.get(resource.type, ())
    ]
    sources += [(b.get("policy"), False) for b in blocks(resource.get("inline_policy"))]
    public_blocked = resource.type == "aws_s3_bucket_policy" and _blocked(
        _bucket_of(resource, tf), tf, "restrict_public_buckets"
    )
    found: list[Violation] = []
    for value, trust in sources:
        if value is None:
            continue
        statements = _statements(value, tf, resource)
        if isinstance(statements, Unknown):
            found.append(undecided(resource, "the policy", statements))
            continue
        for statement in statements:
            found.extend(_findings(resource, statement, trust, public_blocked))
    if resource.type in ("aws_s3_bucket", "aws_s3_bucket_acl"):
        found.extend(_public_acl(resource, tf))
    unique = {v.key: v for v in found}
    return list(unique.values())


def _bucket_of(resource: TfResource, tf: TerraformEvidence) -> TfResource | None:
    """The aws_s3_bucket a policy or ACL resource applies to, when declared here."""
    target = resource.get("bucket")
    found = referenced(tf, target, resource, "aws_s3_bucket")
    if found is None and isinstance(target, str):
        found = next((b for b in tf.of_type("aws_s3_bucket") if b.get("bucket") == target), None)
    return found


def _blocked(bucket: TfResource | None, tf: TerraformEvidence, setting: str) -> bool:
    """Whether the bucket's public access block, or the account's, sets ``setting`` true."""
    blocks_ = tf.of_type("aws_s3_account_public_access_block")
    if bucket is not None:
        blocks_ += tf.pointing_at("aws_s3_bucket_public_access_block", bucket)
    return any(b.get(setting) is True for b in blocks_)


def _public_acl(resource: TfResource, tf: TerraformEvidence) -> list[Violation]:
    """A canned ACL or grant to AllUsers/AuthenticatedUsers that no public access block ignores."""
    bucket = resource if resource.type == "aws_s3_bucket" else _bucket_of(resource, tf)
    if _blocked(bucket, tf, "ignore_public_acls"):
        return []
    acl = resource.get("acl")
    if isinstance(acl, Unknown):
        return [undecided(resource, "acl", acl)]
    if isinstance(acl, str) and acl in _PUBLIC_ACLS:
        return [
            on(
                resource,
                f'the bucket ACL "{acl}" grants {"write" if "write" in acl else "read"} to everyone'
                + (" with an AWS account" if acl == "authenticated-read" else ""),
                "public-acl",
                _PUBLIC_ACLS[acl],
            )
        ]
    grantees = [
        g
        for policy in blocks(resource.get("access_control_policy"))
        for grant in blocks(policy.get("grant"))
        for g in blocks(grant.get("grantee"))
    ]
    grantees += [g for g in blocks(resource.get("grant")) if g.get("type") == "Group"]
    if any(isinstance(g.get("uri"), str) and g["uri"].endswith(_ALL_USERS) for g in grantees):
        return [
            on(
                resource,
                "a bucket ACL grant goes to a global group (AllUsers or AuthenticatedUsers)",
                "public-acl",
            )
        ]
    return []


def run(evidence: Evidence) -> CheckOutcome:
    """Every IAM, bucket, key, queue and topic policy, and role trust policies."""
    return run_over(
        evidence,
        (*_POLICY_ATTRIBUTES, "aws_s3_bucket", "aws_s3_bucket_acl"),
        judge,
        "no IAM or resource policies or S3 buckets in Terraform",
    )
