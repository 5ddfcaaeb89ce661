"""Terraform: static resolution (variables, tfvars, locals, dynamic blocks) and the checks on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import run_cli, scan_json, write_tree

EKS_STYLE = """
variable "metadata_options" {
  type = map(string)
  default = {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}

variable "create" {
  default = true
}

resource "aws_launch_template" "this" {
  count = var.create ? 1 : 0
  name  = "nodes"

  dynamic "metadata_options" {
    for_each = length(var.metadata_options) > 0 ? [var.metadata_options] : []
    content {
      http_endpoint               = lookup(metadata_options.value, "http_endpoint", null)
      http_tokens                 = lookup(metadata_options.value, "http_tokens", null)
      http_put_response_hop_limit = lookup(metadata_options.value, "http_put_response_hop_limit", null)
    }
  }
}
"""

IAM = """
resource "aws_iam_role_policy" "heredoc" {
  role   = "etl"
  policy = <<POLICY
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}
POLICY
}

data "aws_iam_policy_document" "bucket" {
  statement {
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::acme-public/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

resource "aws_s3_bucket_policy" "public" {
  bucket = "acme-public"
  policy = data.aws_iam_policy_document.bucket.json
}

resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
      Condition = { StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" } }
    }]
  })
}
"""


def findings(root: Path, checks: str) -> list[dict[str, Any]]:
    _, report = scan_json(root, "--select", checks)
    assert not report["errors"], report["errors"]
    return list(report["findings"])


def test_dynamic_metadata_options_over_variable_defaults(tmp_path: Path) -> None:
    # Checkov reports IMDSv1 here; the dynamic block over the defaults sets IMDSv2.
    root = write_tree(tmp_path / "ok", {"modules/eks/main.tf": EKS_STYLE})
    assert findings(root, "CR1-010") == []
    # A tfvars file that loosens the default is honoured.
    loose = write_tree(
        tmp_path / "loose",
        {
            "main.tf": EKS_STYLE,
            "terraform.tfvars": 'metadata_options = { http_tokens = "optional", http_put_response_hop_limit = 2 }\n',
        },
    )
    messages = sorted(f["message"] for f in findings(loose, "CR1-010"))
    assert len(messages) == 2
    assert 'http_tokens is "optional"' in messages[1] and "hop limit is 2" in messages[0]


def test_count_zero_removes_the_resource_and_unknowns_never_fail(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "main.tf": 'variable "create" { default = false }\nvariable "tokens" {}\n'
            'resource "aws_instance" "off" {\n  count = var.create ? 1 : 0\n}\n'
            'resource "aws_instance" "maybe" {\n  metadata_options {\n    http_tokens = var.tokens\n  }\n}\n',
        },
    )
    (finding,) = findings(root, "CR1-010")
    assert finding["severity"] == "info" and "cannot decide http_tokens" in finding["message"]
    assert "aws_instance.maybe" in finding["message"]
    code, _ = scan_json(root, "--select", "CR1-010")
    assert code == 0


def test_auto_tfvars_locals_and_literal_credentials(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "db.tf": 'variable "db_password" { default = "changeme" }\n'
            'locals {\n  env = "prod"\n  name = "warehouse-${local.env}"\n}\n'
            'resource "aws_db_instance" "main" {\n  identifier = local.name\n  password = var.db_password\n'
            "  backup_retention_period = 7\n  deletion_protection = true\n}\n",
            "secrets.auto.tfvars": 'db_password = "N0t-a-placeholder-42"\n',
        },
    )
    (finding,) = findings(root, "SI1-006")
    assert finding["message"].startswith("aws_db_instance.main: password is a literal value")
    assert "N0t-a-placeholder" not in str(finding)
    assert findings(root, "BR1-001") == []


def test_bucket_encryption_from_a_separate_resource(tmp_path: Path) -> None:
    bucket = 'resource "aws_s3_bucket" "raw" {\n  bucket = "acme-raw"\n}\n'
    sse = (
        'resource "aws_kms_key" "raw" {\n  enable_key_rotation = true\n}\n'
        'resource "aws_s3_bucket_server_side_encryption_configuration" "raw" {\n'
        "  bucket = aws_s3_bucket.raw.id\n  rule {\n    apply_server_side_encryption_by_default {\n"
        '      sse_algorithm     = "aws:kms"\n      kms_master_key_id = aws_kms_key.raw.arn\n    }\n  }\n}\n'
    )
    plain = write_tree(tmp_path / "plain", {"s3.tf": bucket})
    (finding,) = findings(plain, "ED1-004")
    assert finding["severity"] == "low" and "SSE-S3" in finding["message"]
    assert findings(write_tree(tmp_path / "cmk", {"s3.tf": bucket + sse}), "ED1-004") == []


def test_policies_from_heredoc_documents_and_oidc_trust(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"iam.tf": IAM})
    messages = {f["message"] for f in findings(root, "SI2-003")}
    assert any("iam:PassRole on Resource" in m for m in messages)
    assert any("aws_s3_bucket_policy.public" in m and 'Principal "*"' in m for m in messages)
    assert any("aws_iam_role.deploy" in m and "any repository" in m for m in messages)


def test_open_ingress_rules_and_nacls(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "net.tf": 'resource "aws_security_group_rule" "ssh" {\n  type = "ingress"\n  from_port = 22\n  to_port = 22\n'
            '  protocol = "tcp"\n  cidr_blocks = ["10.0.0.0/8", "0.0.0.0/0"]\n  security_group_id = "sg-1"\n}\n'
            'resource "aws_vpc_security_group_ingress_rule" "v6" {\n  security_group_id = "sg-1"\n'
            '  cidr_ipv6 = "::/0"\n  ip_protocol = "-1"\n}\n'
            'resource "aws_security_group_rule" "egress" {\n  type = "egress"\n  from_port = 0\n  to_port = 0\n'
            '  protocol = "-1"\n  cidr_blocks = ["0.0.0.0/0"]\n  security_group_id = "sg-1"\n}\n'
            'resource "aws_default_vpc" "default" {}\n',
        },
    )
    by_resource = {f["message"].split(":")[0]: f for f in findings(root, "SI3-003")}
    assert set(by_resource) == {
        "aws_security_group_rule.ssh",
        "aws_vpc_security_group_ingress_rule.v6",
        "aws_default_vpc.default",
    }
    assert by_resource["aws_security_group_rule.ssh"]["severity"] == "high"
    assert by_resource["aws_vpc_security_group_ingress_rule.v6"]["severity"] == "critical"


def test_malformed_hcl_is_an_error_and_the_rest_is_scanned(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "broken.tf": 'resource "aws_kms_key" "a" {\n  description = \n}\n',
            "good.tf": 'resource "aws_kms_key" "b" {\n  description = "b"\n}\n',
        },
    )
    _, report = scan_json(root, "--select", "ED1-005")
    (error,) = report["errors"]
    assert error["path"] == "broken.tf" and "malformed HCL" in error["message"]
    assert [f["message"].split(":")[0] for f in report["findings"]] == ["aws_kms_key.b"]


def test_eks_endpoint_secrets_encryption_and_block_devices(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "eks.tf": 'resource "aws_eks_cluster" "main" {\n  name = "main"\n  role_arn = "arn:aws:iam::1:role/eks"\n'
            '  vpc_config {\n    subnet_ids = ["subnet-1"]\n  }\n}\n'
            'resource "aws_eks_cluster" "private" {\n  name = "private"\n  role_arn = "arn:aws:iam::1:role/eks"\n'
            '  vpc_config {\n    subnet_ids = ["subnet-1"]\n    endpoint_public_access = false\n  }\n'
            '  encryption_config {\n    resources = ["secrets"]\n    provider {\n      key_arn = "arn:aws:kms:eu-west-1:1:key/x"\n    }\n  }\n}\n'
            'resource "aws_instance" "etl" {\n  ami = "ami-1"\n  metadata_options {\n    http_tokens = "required"\n  }\n'
            "  root_block_device {\n    encrypted = false\n  }\n}\n",
        },
    )
    messages = {f["message"] for f in findings(root, "SI3-003,ED1-004")}
    assert (
        "aws_eks_cluster.main: the Kubernetes API endpoint is public and open to 0.0.0.0/0"
        in messages
    )
    assert any(
        m.startswith("aws_eks_cluster.main: no encryption_config for secrets") for m in messages
    )
    assert any(
        m.startswith("aws_instance.etl: block device root volume: encrypted is false")
        for m in messages
    )
    assert not any(m.startswith("aws_eks_cluster.private") for m in messages)


def test_secrets_manager_rotation(tmp_path: Path) -> None:
    slow = (
        'resource "aws_secretsmanager_secret" "a" {\n  name = "a"\n}\n'
        'resource "aws_secretsmanager_secret_rotation" "a" {\n  secret_id = aws_secretsmanager_secret.a.id\n'
        "  rotation_rules {\n    automatically_after_days = 180\n  }\n}\n"
        'resource "aws_secretsmanager_secret" "b" {\n  name = "b"\n}\n'
    )
    messages = sorted(
        f["message"] for f in findings(write_tree(tmp_path, {"s.tf": slow}), "SI1-007")
    )
    assert messages == [
        "aws_secretsmanager_secret.a: rotates every 180 days, less often than every 90",
        "aws_secretsmanager_secret.b: no aws_secretsmanager_secret_rotation: the secret never rotates",
    ]


def test_optional_attribute_defaults_of_object_types(tmp_path: Path) -> None:
    # terraform-aws-eks: encryption_config defaults to {} and its type supplies resources.
    source = (
        'variable "encryption_config" {\n  type = object({\n    provider_key_arn = optional(string)\n'
        '    resources        = optional(list(string), ["secrets"])\n  })\n  default = {}\n}\n'
        'resource "aws_eks_cluster" "this" {\n  name = "c"\n  role_arn = "r"\n'
        '  vpc_config {\n    subnet_ids = ["s"]\n    endpoint_public_access = false\n  }\n'
        '  dynamic "encryption_config" {\n    for_each = var.encryption_config != null ? [var.encryption_config] : []\n'
        "    content {\n      resources = encryption_config.value.resources\n    }\n  }\n}\n"
    )
    assert findings(write_tree(tmp_path, {"main.tf": source}), "ED1-004,SI3-003") == []


DB_MODULE = (
    'variable "deletion_protection" { default = false }\n'
    'variable "retention" { default = 1 }\n'
    'resource "aws_db_instance" "this" {\n  engine = "postgres"\n  storage_encrypted = true\n'
    '  kms_key_id = "arn:aws:kms:eu-west-1:1:key/k"\n  backup_retention_period = var.retention\n'
    "  deletion_protection = var.deletion_protection\n}\n"
    'output "id" { value = aws_db_instance.this.id }\n'
    'output "retention" { value = var.retention }\n'
)


def test_local_modules_take_their_callers_inputs(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "modules/db/main.tf": DB_MODULE,
            "envs/prod/main.tf": 'module "warehouse" {\n  source = "../../modules/db"\n'
            "  retention = 14\n  deletion_protection = true\n}\n"
            'module "scratch" {\n  source = "../../modules/db"\n}\n'
            'module "off" {\n  source = "../../modules/db"\n  count = 0\n}\n'
            'resource "aws_kms_key" "k" {\n  enable_key_rotation = module.warehouse.retention > 7\n}\n',
        },
    )
    found = findings(root, "BR1-001,ED1-005")
    # the module's own defaults are not judged apart; each call is, under its address
    assert sorted({f["message"].split(":")[0] for f in found}) == [
        "module.scratch.aws_db_instance.this"
    ]
    assert {f["path"] for f in found} == {"modules/db/main.tf"}


def test_module_cycles_and_remote_sources_do_not_hang(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "a/main.tf": 'module "b" {\n  source = "../b"\n}\nresource "aws_kms_key" "a" {}\n',
            "b/main.tf": 'module "a" {\n  source = "../a"\n}\n'
            'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\nresource "aws_kms_key" "b" {}\n',
        },
    )
    _, report = scan_json(root, "--select", "ED1-005")
    assert not report["errors"]


def test_tls_in_transit(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "edge.tf": 'resource "aws_lb_listener" "redirect" {\n  port = 80\n  protocol = "HTTP"\n'
            '  default_action {\n    type = "redirect"\n    redirect {\n      port = "443"\n      protocol = "HTTPS"\n'
            '      status_code = "HTTP_301"\n    }\n  }\n}\n'
            'resource "aws_lb_listener" "plain" {\n  port = 80\n  protocol = "HTTP"\n'
            '  default_action {\n    type = "forward"\n    target_group_arn = "tg"\n  }\n}\n'
            'resource "aws_cloudfront_distribution" "cdn" {\n  enabled = true\n'
            '  default_cache_behavior {\n    viewer_protocol_policy = "allow-all"\n  }\n'
            '  viewer_certificate {\n    acm_certificate_arn = "c"\n    minimum_protocol_version = "TLSv1.1_2016"\n  }\n}\n'
            'resource "aws_db_parameter_group" "pg" {\n  family = "postgres14"\n'
            '  parameter {\n    name = "log_connections"\n    value = "1"\n  }\n}\n'
            'resource "aws_db_parameter_group" "secure" {\n  family = "postgres14"\n'
            '  parameter {\n    name = "rds.force_ssl"\n    value = "1"\n  }\n}\n'
            'resource "aws_db_parameter_group" "modern" {\n  family = "postgres16"\n'
            '  parameter {\n    name = "rds.force_ssl"\n    value = "1"\n  }\n}\n',
        },
    )
    messages = sorted(f["message"] for f in findings(root, "ED1-006"))
    assert messages == [
        'aws_cloudfront_distribution.cdn: a cache behaviour has viewer_protocol_policy "allow-all": viewers may use HTTP',
        "aws_cloudfront_distribution.cdn: a cache behaviour sends no Strict-Transport-Security header (no response_headers_policy_id)",
        "aws_cloudfront_distribution.cdn: minimum_protocol_version TLSv1.1_2016 is below TLS 1.2",
        "aws_db_parameter_group.pg: rds.force_ssl is not on: clients may connect without TLS",
        "aws_lb_listener.plain: listener serves plain HTTP without redirecting to HTTPS",
    ]


PLAN = {
    "format_version": "1.2",
    "terraform_version": "1.9.5",
    "planned_values": {
        "root_module": {
            "resources": [
                {"address": "aws_s3_bucket.raw", "mode": "managed", "type": "aws_s3_bucket", "name": "raw",
                 "values": {"bucket": "acme-raw", "force_destroy": False}},
                {"address": "aws_s3_bucket_server_side_encryption_configuration.raw", "mode": "managed",
                 "type": "aws_s3_bucket_server_side_encryption_configuration", "name": "raw",
                 "values": {"rule": [{"apply_server_side_encryption_by_default": [
                     {"sse_algorithm": "aws:kms"}]}]}},
            ],
            "child_modules": [
                {"address": "module.db", "resources": [
                    {"address": "module.db.aws_db_instance.this[0]", "mode": "managed",
                     "type": "aws_db_instance", "name": "this",
                     "values": {"engine": "postgres", "storage_encrypted": False,
                                "backup_retention_period": 14, "deletion_protection": True}},
                ]},
            ],
        }
    },
    "resource_changes": [
        {"address": "aws_s3_bucket_server_side_encryption_configuration.raw",
         "change": {"after_unknown": {"bucket": True, "rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": True}]}]}}},
        {"address": "module.db.aws_db_instance.this[0]", "change": {"after_unknown": {"kms_key_id": True}}},
    ],
    "configuration": {"root_module": {
        "resources": [
            {"address": "aws_s3_bucket_server_side_encryption_configuration.raw",
             "expressions": {"bucket": {"references": ["aws_s3_bucket.raw.id", "aws_s3_bucket.raw"]}}},
        ],
        "module_calls": {"db": {"module": {"resources": []}}},
    }},
}  # fmt: skip


def test_terraform_plan_json(tmp_path: Path) -> None:
    import json

    root = write_tree(
        tmp_path / "repo", {"plans/prod.tfplan.json": json.dumps(PLAN), "README.md": "x\n"}
    )
    messages = sorted(f["message"] for f in findings(root, "ED1-004,BR1-001"))
    # the SSE configuration points at the bucket through the configuration's references
    assert messages == [
        "aws_s3_bucket.raw: encrypted with an AWS-managed key (kms_master_key_id not set to a customer-managed key)",
        "module.db.aws_db_instance.this: storage_encrypted is false: stored data is not encrypted",
    ]
    elsewhere = tmp_path / "plan.json"
    elsewhere.write_text(json.dumps(PLAN))
    empty = write_tree(tmp_path / "empty", {"README.md": "x\n"})
    _, report = scan_json(empty, "--select", "ED1-004", "--terraform-plan", str(elsewhere))
    assert len(report["findings"]) == 2 and report["findings"][0]["line"] is None
    bad = tmp_path / "bad.json"
    bad.write_text('{"resource_changes": []}')
    _, report = scan_json(empty, "--select", "ED1-004", "--terraform-plan", str(bad))
    assert "no planned_values" in report["errors"][0]["message"]


def test_backup_bucket_replicated_under_the_same_key(tmp_path: Path) -> None:
    source = (
        'resource "aws_kms_key" "backup" {\n  enable_key_rotation = true\n}\n'
        'resource "aws_s3_bucket" "db_backups" {\n  bucket = "acme-db-backups"\n  object_lock_enabled = true\n}\n'
        'resource "aws_s3_bucket_versioning" "db_backups" {\n  bucket = aws_s3_bucket.db_backups.id\n'
        '  versioning_configuration {\n    status = "Suspended"\n  }\n}\n'
        'resource "aws_s3_bucket_server_side_encryption_configuration" "db_backups" {\n'
        "  bucket = aws_s3_bucket.db_backups.id\n  rule {\n    apply_server_side_encryption_by_default {\n"
        '      sse_algorithm = "aws:kms"\n      kms_master_key_id = aws_kms_key.backup.arn\n    }\n  }\n}\n'
        'resource "aws_s3_bucket_replication_configuration" "db_backups" {\n  bucket = aws_s3_bucket.db_backups.id\n'
        '  role = "r"\n  rule {\n    status = "Enabled"\n    destination {\n      bucket = "arn:aws:s3:::dr"\n'
        "      encryption_configuration {\n        replica_kms_key_id = aws_kms_key.backup.arn\n      }\n    }\n  }\n}\n"
        'resource "aws_s3_bucket" "assets" {\n  bucket = "acme-assets"\n}\n'
    )
    messages = sorted(
        f["message"] for f in findings(write_tree(tmp_path, {"b.tf": source}), "BR1-002")
    )
    assert messages == [
        "aws_s3_bucket.db_backups: backup bucket without versioning: overwritten or deleted backups are gone",
        "aws_s3_bucket.db_backups: replicas use the source bucket's key (aws_kms_key.backup)",
    ]


def test_environment_separation_from_path_labels(tmp_path: Path) -> None:
    prod = (
        'resource "aws_db_instance" "main" {\n  engine = "postgres"\n'
        '  vpc_security_group_ids = ["sg-0a1b2c3d4e5f60718"]\n}\n'
        'resource "aws_route53_record" "api" {\n  name = "api.prod.acme.io"\n  type = "A"\n}\n'
    )
    dev = (
        'resource "aws_db_instance" "main" {\n  engine = "postgres"\n'
        '  vpc_security_group_ids = ["sg-0a1b2c3d4e5f60718"]\n}\n'
        'resource "aws_ssm_parameter" "upstream" {\n  name = "upstream"\n  type = "String"\n'
        '  value = "https://api.prod.acme.io/v1"\n}\n'
    )
    root = write_tree(
        tmp_path,
        {
            "stacks/live/main.tf": prod,
            "stacks/sandbox/main.tf": dev,
            "seawall.toml": '[environments]\nprod = ["stacks/live/**"]\nnon-prod = ["stacks/sandbox/**"]\n',
        },
    )
    messages = sorted(f["message"] for f in findings(root, "CP2-002"))
    assert messages == [
        "aws_db_instance.main: non-prod stack uses prod's security group sg-0a1b2c3d4e5f60718",
        "aws_ssm_parameter.upstream: non-prod stack uses prod's hostname api.prod.acme.io",
    ]


def test_gitlab_oidc_trust_with_a_wildcard_project(tmp_path: Path) -> None:
    trust = (
        'data "aws_iam_policy_document" "trust" {\n  statement {\n    actions = ["sts:AssumeRoleWithWebIdentity"]\n'
        '    principals {\n      type = "Federated"\n'
        '      identifiers = ["arn:aws:iam::123456789012:oidc-provider/gitlab.com"]\n    }\n'
        '    condition {\n      test = "StringLike"\n      variable = "gitlab.com:sub"\n'
        '      values = ["project_path:acme/*:ref_type:branch:ref:main"]\n    }\n  }\n}\n'
        'resource "aws_iam_role" "deploy" {\n  name = "deploy"\n'
        "  assume_role_policy = data.aws_iam_policy_document.trust.json\n}\n"
    )
    (finding,) = findings(write_tree(tmp_path, {"iam.tf": trust}), "SI2-003")
    assert "GitLab CI OIDC :sub condition ends in a wildcard" in finding["message"]


def test_var_file_for_root_modules(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "repo",
        {
            "main.tf": 'variable "rotation" { default = false }\n'
            'resource "aws_kms_key" "k" {\n  enable_key_rotation = var.rotation\n}\n',
        },
    )
    (tmp_path / "prod.tfvars").write_text("rotation = true\n")
    (tmp_path / "broken.tfvars").write_text("rotation = \n")
    assert len(findings(root, "ED1-005")) == 1
    _, report = scan_json(root, "--select", "ED1-005", "--var-file", str(tmp_path / "prod.tfvars"))
    assert report["findings"] == []
    _, report = scan_json(
        root, "--select", "ED1-005", "--var-file", str(tmp_path / "broken.tfvars")
    )
    assert "malformed variable file" in report["errors"][0]["message"]
    assert len(report["findings"]) == 1


def test_cloudfront_hsts_from_a_response_headers_policy(tmp_path: Path) -> None:
    source = (
        'resource "aws_cloudfront_response_headers_policy" "short" {\n  name = "short"\n'
        "  security_headers_config {\n    strict_transport_security {\n"
        "      access_control_max_age_sec = 86400\n      override = true\n    }\n  }\n}\n"
        'resource "aws_cloudfront_distribution" "cdn" {\n  enabled = true\n'
        '  default_cache_behavior {\n    viewer_protocol_policy = "redirect-to-https"\n'
        "    response_headers_policy_id = aws_cloudfront_response_headers_policy.short.id\n  }\n"
        '  viewer_certificate {\n    acm_certificate_arn = "c"\n    minimum_protocol_version = "TLSv1.2_2021"\n  }\n}\n'
    )
    (finding,) = findings(write_tree(tmp_path, {"cdn.tf": source}), "ED1-006")
    assert "HSTS max-age 86400, below six months" in finding["message"]


_BACKUP_BUCKET = (
    'resource "aws_s3_bucket" "backups" {{\n  bucket = "acme-backups"\n  object_lock_enabled = true\n}}\n'
    'resource "aws_s3_bucket_versioning" "backups" {{\n  bucket = aws_s3_bucket.backups.id\n'
    '  versioning_configuration {{\n    status = "Enabled"\n  }}\n}}\n'
    'resource "aws_kms_key" "replica" {{\n  {key_provider}\n  enable_key_rotation = true\n}}\n'
    'resource "aws_s3_bucket" "dr" {{\n  {bucket_provider}\n  bucket = "acme-backups-dr"\n}}\n'
    'resource "aws_s3_bucket_replication_configuration" "backups" {{\n  bucket = aws_s3_bucket.backups.id\n'
    '  role = "r"\n  rule {{\n    status = "Enabled"\n    destination {{\n      bucket = {destination}\n'
    "      {account}\n      encryption_configuration {{\n        replica_kms_key_id = aws_kms_key.replica.arn\n"
    "      }}\n    }}\n  }}\n}}\n"
)

_PROVIDERS = (
    'provider "aws" {\n  region = var.region\n  allowed_account_ids = ["111111111111"]\n}\n'
    'variable "region" {\n  default = "eu-west-1"\n}\n'
    'provider "aws" {\n  alias  = "same"\n  region = "eu-west-1"\n  allowed_account_ids = ["111111111111"]\n}\n'
    'provider "aws" {\n  alias  = "dr"\n  region = "us-east-1"\n}\n'
    'provider "aws" {\n  alias  = "vault"\n  region = "eu-west-1"\n'
    '  assume_role {\n    role_arn = "arn:aws:iam::222222222222:role/backup"\n  }\n}\n'
)


def _replica_messages(tmp_path: Path, name: str, providers: str, **parts: str) -> list[str]:
    values = {"key_provider": "", "bucket_provider": "", "account": ""} | parts
    root = write_tree(
        tmp_path / name, {"b.tf": _BACKUP_BUCKET.format(**values), "providers.tf": providers}
    )
    return [
        f["message"]
        for f in findings(root, "BR1-002")
        if f["message"].startswith("aws_s3_bucket.backups:")
    ]


def test_backup_replica_region_and_account_come_from_provider_configurations(
    tmp_path: Path,
) -> None:
    ref = "aws_s3_bucket.dr.arn"
    same = _replica_messages(
        tmp_path, "same", _PROVIDERS, key_provider="provider = aws.same", destination=ref
    )
    assert same == [
        "aws_s3_bucket.backups: replicated within the same region (eu-west-1) and account: "
        "one regional outage or one compromised account takes both copies"
    ]
    # Another region through a provider alias, on the replica bucket or only its key.
    assert (
        _replica_messages(
            tmp_path, "dr", _PROVIDERS, bucket_provider="provider = aws.dr", destination=ref
        )
        == []
    )
    assert (
        _replica_messages(
            tmp_path,
            "key",
            _PROVIDERS,
            key_provider="provider = aws.dr",
            destination='"arn:aws:s3:::elsewhere"',
        )
        == []
    )
    # Another account: the destination says so, or the provider assumes a role there.
    assert (
        _replica_messages(
            tmp_path, "acct", _PROVIDERS, destination=ref, account='account = "333333333333"'
        )
        == []
    )
    assert (
        _replica_messages(
            tmp_path, "role", _PROVIDERS, bucket_provider="provider = aws.vault", destination=ref
        )
        == []
    )
    # Region from the environment only: cannot decide, never a failure.
    unknown = _replica_messages(tmp_path, "env", "", destination='"arn:aws:s3:::elsewhere"')
    assert len(unknown) == 1 and unknown[0].startswith(
        "aws_s3_bucket.backups: cannot decide whether the replica is in another region"
    )


def test_module_calls_pass_provider_configurations(tmp_path: Path) -> None:
    vault = 'resource "aws_backup_vault" "copy" {\n  name = "copy"\n}\n'
    vault += 'output "arn" {\n  value = aws_backup_vault.copy.arn\n}\n'
    plan = (
        'resource "aws_backup_vault" "main" {\n  name = "main"\n}\n'
        'resource "aws_backup_vault_lock_configuration" "main" {\n  backup_vault_name = aws_backup_vault.main.name\n}\n'
        'resource "aws_backup_plan" "daily" {\n  name = "daily"\n'
        '  rule {\n    rule_name = "offsite"\n    target_vault_name = aws_backup_vault.main.name\n'
        "    copy_action {\n      destination_vault_arn = aws_backup_vault.near.arn\n    }\n  }\n}\n"
        'resource "aws_backup_vault" "near" {\n  provider = aws.same\n  name = "near"\n}\n'
        'resource "aws_backup_vault_lock_configuration" "near" {\n  backup_vault_name = aws_backup_vault.near.name\n}\n'
        'module "dr" {\n  source = "./dr"\n  providers = {\n    aws = aws.dr\n  }\n}\n'
    )
    root = write_tree(tmp_path, {"main.tf": plan, "providers.tf": _PROVIDERS, "dr/main.tf": vault})
    messages = sorted(f["message"] for f in findings(root, "BR1-003"))
    assert messages == [
        "aws_backup_plan.daily: rule offsite copies to a vault in the same region (eu-west-1) and account: not off-site",
        "module.dr.aws_backup_vault.copy: no aws_backup_vault_lock_configuration: recovery points can be deleted",
    ]
    far = plan.replace("aws_backup_vault.near.arn", "module.dr.arn")
    root = write_tree(
        tmp_path / "far", {"main.tf": far, "providers.tf": _PROVIDERS, "dr/main.tf": vault}
    )
    assert [f["message"] for f in findings(root, "BR1-003")] == messages[1:]


def test_log_group_retention_and_encryption(tmp_path: Path) -> None:
    groups = (
        'variable "days" {}\n'
        'resource "aws_cloudwatch_log_group" "app" {\n  name = "/svc/app"\n  retention_in_days = 365\n'
        '  kms_key_id = "arn:aws:kms:eu-west-1:111111111111:key/logs"\n}\n'
        'resource "aws_cloudwatch_log_group" "auth" {\n  name = "/svc/auth"\n  retention_in_days = 180\n'
        '  kms_key_id = "arn:aws:kms:eu-west-1:111111111111:key/logs"\n}\n'
        'resource "aws_cloudwatch_log_group" "forever" {\n  name = "/svc/app-debug"\n}\n'
        'resource "aws_cloudwatch_log_group" "flow" {\n  name = "/vpc/flow"\n  log_group_class = "DELIVERY"\n'
        '  kms_key_id = "arn:aws:kms:eu-west-1:111111111111:key/logs"\n}\n'
        'resource "aws_cloudwatch_log_group" "later" {\n  name = "/svc/later"\n  retention_in_days = var.days\n'
        '  kms_key_id = "arn:aws:kms:eu-west-1:111111111111:key/logs"\n}\n'
    )
    root = write_tree(tmp_path, {"logs.tf": groups})
    _, report = scan_json(root, "--select", "MI2-003")
    found = sorted((f["severity"], f["message"]) for f in report["findings"])
    assert found == [
        (
            "info",
            "aws_cloudwatch_log_group.later: cannot decide retention_in_days: var.days has no default",
        ),
        (
            "low",
            "aws_cloudwatch_log_group.forever: log group not encrypted under a customer-managed KMS key (kms_key_id unset)",
        ),
        (
            "medium",
            "aws_cloudwatch_log_group.auth: sensitive log group keeps events 180 days (limit 90)",
        ),
        (
            "medium",
            "aws_cloudwatch_log_group.forever: log group never expires (retention_in_days unset or 0): every event is kept forever",
        ),
    ]
    # Settings back the log-sample clause; without a sample MI-2 is still unverified.
    mi2 = next(c for c in report["controls"] if c["id"] == "MI-2")
    assert mi2["status"] == "fail"
    clean = write_tree(
        tmp_path / "clean",
        {"logs.tf": groups.split('resource "aws_cloudwatch_log_group" "auth"')[0]},
    )
    _, report = scan_json(clean, "--select", "MI2-001,MI2-003")
    mi2 = next(c for c in report["controls"] if c["id"] == "MI-2")
    assert (mi2["status"], report["findings"]) == ("not-evidenced", [])
    # Which groups are sensitive, and their cap, come from [logs].
    config = '[logs]\nsensitive-groups = ["debug"]\nmax-sensitive-retention-days = 30\n'
    root = write_tree(tmp_path / "configured", {"logs.tf": groups, "seawall.toml": config})
    _, report = scan_json(root, "--select", "MI2-003")
    messages = [f["message"] for f in report["findings"]]
    assert not any("auth" in m for m in messages)
    assert "aws_cloudwatch_log_group.forever: sensitive log group never expires" in " ".join(
        messages
    )
    bad = write_tree(
        tmp_path / "bad",
        {"logs.tf": groups, "seawall.toml": "[logs]\nmax-sensitive-retention-days = 0\n"},
    )
    result = run_cli("scan", str(bad))
    assert result.exit_code == 2 and "max-sensitive-retention-days" in result.output


def test_log_bucket_lifecycle_expiration(tmp_path: Path) -> None:
    tf = (
        'resource "aws_s3_bucket" "data" {\n  bucket = "acme-data"\n}\n'
        # Server access logs of the data bucket land here: a log bucket by use, not by name.
        'resource "aws_s3_bucket" "sink" {\n  bucket = "acme-sink"\n}\n'
        'resource "aws_s3_bucket_logging" "data" {\n  bucket = aws_s3_bucket.data.id\n'
        "  target_bucket = aws_s3_bucket.sink.id\n}\n"
        # CloudTrail writes to a bucket named only in the trail; kept 400 days, audit-sensitive.
        'resource "aws_cloudtrail" "org" {\n  name = "org"\n  s3_bucket_name = "acme-audit-trail"\n}\n'
        'resource "aws_s3_bucket" "trail" {\n  bucket = "acme-audit-trail"\n}\n'
        'resource "aws_s3_bucket_lifecycle_configuration" "trail" {\n  bucket = aws_s3_bucket.trail.id\n'
        '  rule {\n    id = "expire"\n    status = "Enabled"\n    expiration {\n      days = 400\n    }\n  }\n}\n'
        # Named for logs, expires in 30 days: fine. A disabled rule does not count.
        'resource "aws_s3_bucket" "alb_logs" {\n  bucket = "acme-alb-logs"\n'
        "  lifecycle_rule {\n    enabled = true\n    expiration {\n      days = 30\n    }\n  }\n}\n"
        'resource "aws_s3_bucket" "flow" {\n  bucket = "acme-vpc-flow-logs"\n}\n'
        'resource "aws_s3_bucket_lifecycle_configuration" "flow" {\n  bucket = aws_s3_bucket.flow.id\n'
        '  rule {\n    id = "off"\n    status = "Disabled"\n    expiration {\n      days = 7\n    }\n  }\n}\n'
    )
    root = write_tree(tmp_path, {"logs.tf": tf})
    messages = sorted(f["message"] for f in findings(root, "MI2-003"))
    assert messages == [
        "aws_s3_bucket.flow: log bucket never expires objects (no enabled lifecycle rule with an expiration): every log is kept forever",
        "aws_s3_bucket.sink: log bucket never expires objects (no enabled lifecycle rule with an expiration): every log is kept forever",
        "aws_s3_bucket.trail: sensitive log bucket keeps objects 400 days (limit 90)",
    ]


def test_public_bucket_acls_and_public_access_blocks(tmp_path: Path) -> None:
    tf = (
        'resource "aws_s3_bucket" "site" {\n  bucket = "acme-site"\n  acl = "public-read"\n}\n'
        'resource "aws_s3_bucket" "drop" {\n  bucket = "acme-drop"\n}\n'
        'resource "aws_s3_bucket_acl" "drop" {\n  bucket = aws_s3_bucket.drop.id\n'
        '  access_control_policy {\n    grant {\n      grantee {\n        type = "Group"\n'
        '        uri = "http://acs.amazonaws.com/groups/global/AllUsers"\n      }\n'
        '      permission = "WRITE"\n    }\n    owner {\n      id = "x"\n    }\n  }\n}\n'
        # Public ACL and public policy, both neutralised by the bucket's public access block.
        'resource "aws_s3_bucket" "locked" {\n  bucket = "acme-locked"\n  acl = "public-read-write"\n}\n'
        'resource "aws_s3_bucket_public_access_block" "locked" {\n  bucket = aws_s3_bucket.locked.id\n'
        "  ignore_public_acls = true\n  restrict_public_buckets = true\n}\n"
        'resource "aws_s3_bucket_policy" "locked" {\n  bucket = aws_s3_bucket.locked.id\n'
        '  policy = jsonencode({\n    Statement = [{\n      Effect = "Allow"\n      Principal = "*"\n'
        '      Action = "s3:GetObject"\n      Resource = "arn:aws:s3:::acme-locked/*"\n    }]\n  })\n}\n'
    )
    _, report = scan_json(write_tree(tmp_path, {"s3.tf": tf}), "--select", "SI2-003")
    found = sorted((f["severity"], f["message"]) for f in report["findings"])
    assert found == [
        (
            "high",
            'aws_s3_bucket.site: the bucket ACL "public-read" grants read to everyone',
        ),
        (
            "high",
            "aws_s3_bucket_acl.drop: a bucket ACL grant goes to a global group (AllUsers or AuthenticatedUsers)",
        ),
        (
            "low",
            'aws_s3_bucket_policy.locked: a resource policy allows Principal "*" without a condition'
            " (the public access block's restrict_public_buckets keeps it from taking effect; remove it)",
        ),
    ]


def test_a_plan_written_by_terraform_itself(tmp_path: Path) -> None:
    from seawall.collectors._hcl_eval import Unknown
    from seawall.collectors._tfplan import plan_resources

    fixture = Path(__file__).parent / "fixtures" / "tfplan-1.11" / "plan.json"
    resources = plan_resources(fixture.read_text())
    addresses = sorted(f"{prefix}{type_}.{name}" for prefix, type_, name, _, _ in resources)
    assert addresses == [
        "module.store.terraform_data.object",
        "module.store.terraform_data.object",
        "terraform_data.bucket",
        "terraform_data.replica",
        "terraform_data.replica",
    ]
    bucket = next(values for _, _, name, values, _ in resources if name == "bucket")
    assert bucket["input"] == {"name": "acme-audit-logs", "retention": 30}
    assert isinstance(bucket["id"], Unknown)  # known only after apply
    objects = [values for _, _, name, values, _ in resources if name == "object"]
    assert all(isinstance(v["input"], Unknown) for v in objects)  # built from another output
    # Through the scan: a plan file in the tree is read, and its resources are not errors.
    plan = write_tree(tmp_path, {"live.tfplan.json": fixture.read_text()})
    _, report = scan_json(plan, "--select", "MI2-003")
    assert not report["errors"]
