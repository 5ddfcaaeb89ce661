"""SI1-006: literal passwords in Terraform resources and variable defaults."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._tf import on, run_over
from seawall.collectors.terraform import TerraformEvidence, TfResource
from seawall.detectors._values import is_placeholder

META = CheckMeta(
    id="SI1-006",
    control="SI-1",
    severity=Severity.CRITICAL,
    title="Literal credential in Terraform",
    rationale="A password written into a resource (or a variable default that feeds one) is in Git history and in plain text in the Terraform state of every environment that applies it. The baseline keeps secrets in a secrets manager, never in repositories.",
    remediation="Use manage_master_user_password = true (RDS and Aurora keep the password in Secrets Manager and rotate it), or read it from aws_secretsmanager_secret_version / a sensitive variable with no default; then rotate the exposed password.",
    needs=(EvidenceKind.TERRAFORM,),
    verify_clause="No secrets anywhere in Git history.",
    references=(
        "https://developer.hashicorp.com/terraform/tutorials/configuration-language/sensitive-variables",
    ),
    example_fail=(
        (
            "terraform/db.tf",
            'resource "aws_db_instance" "warehouse" {\n  engine   = "postgres"\n  username = "warehouse_admin"\n  password = "Tr0ub4dor-prod"\n}\n',
        ),
    ),
    example_pass=(
        (
            "terraform/db.tf",
            'resource "aws_db_instance" "warehouse" {\n  engine                      = "postgres"\n  username                    = "warehouse_admin"\n  manage_master_user_password = true\n}\n',
        ),
    ),
)

_PASSWORD_ATTRIBUTES = {
    "aws_db_instance": ("password",),
    "aws_rds_cluster": ("master_password",),
    "aws_redshift_cluster": ("master_password",),
    "aws_docdb_cluster": ("master_password",),
    "aws_elasticache_replication_group": ("auth_token",),
    "aws_mq_broker": ("password",),
    "aws_opensearch_domain": ("master_user_password",),
}


def judge(resource: TfResource, tf: TerraformEvidence) -> list[Violation]:
    """Literal values in password attributes (a variable's default counts as literal)."""
    found = []
    for attribute in _PASSWORD_ATTRIBUTES.get(resource.type, ()):
        value = resource.get(attribute)
        if isinstance(value, str) and value and not is_placeholder(value) and "${" not in value:
            found.append(
                on(
                    resource,
                    f"{attribute} is a literal value in the configuration (length {len(value)})",
                    attribute,
                )
            )
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """Every database, cache and broker resource with a password attribute."""
    return run_over(
        evidence,
        tuple(_PASSWORD_ATTRIBUTES),
        judge,
        "no database or broker resources with credentials in Terraform",
    )
