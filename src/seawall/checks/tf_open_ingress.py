"""SI3-003: Terraform security groups and NACLs open to the internet, and the default VPC."""

from __future__ import annotations

from typing import Any

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._tf import on, run_over, undecided
from seawall.collectors.terraform import TerraformEvidence, TfResource, Unknown, blocks

DATABASE_PORTS = {5432, 3306, 1433, 1521, 27017, 6379, 9042, 9200, 5439, 11211, 8086}
_ANYWHERE = {"0.0.0.0/0", "::/0"}

META = CheckMeta(
    id="SI3-003",
    control="SI-3",
    severity=Severity.HIGH,
    title="Ingress open to the internet in Terraform",
    rationale="Zero trust means no service is reachable from everywhere. A security group, rule or network ACL admitting 0.0.0.0/0 or ::/0 exposes the port to every scanner on the internet; on a database port it is one weak password away from a breach. Resources in the default VPC skip the segmentation a designed VPC gives.",
    remediation="Admit only the security groups or CIDR ranges of the clients that need the port (or front the service with a load balancer or a VPN), and create resources in a dedicated VPC.",
    needs=(EvidenceKind.TERRAFORM,),
    verify_clause="Network-policy audit.",
    references=(
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-best-practices.html",
    ),
    example_fail=(
        (
            "terraform/main.tf",
            'resource "aws_security_group" "db" {\n  ingress {\n    from_port   = 5432\n    to_port     = 5432\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n',
        ),
    ),
    example_pass=(
        (
            "terraform/main.tf",
            'resource "aws_security_group" "db" {\n  ingress {\n    from_port       = 5432\n    to_port         = 5432\n    protocol        = "tcp"\n    security_groups = ["sg-0123456789abcdef0"]\n  }\n}\n',
        ),
    ),
)

TYPES = (
    "aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule",
    "aws_network_acl", "aws_network_acl_rule", "aws_default_vpc", "aws_default_security_group",
    "aws_eks_cluster", "aws_instance", "aws_launch_template",
)  # fmt: skip


def _ports(rule: dict[str, Any]) -> str:
    low, high = rule.get("from_port"), rule.get("to_port")
    if rule.get("protocol") in ("-1", -1, "all") or (low in (0, -1) and high in (0, 65535, -1)):
        return "all ports"
    return f"port {low}" if low == high else f"ports {low}-{high}"


def _severity(rule: dict[str, Any]) -> Severity:
    low, high = rule.get("from_port"), rule.get("to_port")
    if rule.get("protocol") in ("-1", -1, "all"):
        return Severity.CRITICAL
    if not (isinstance(low, int) and isinstance(high, int)) or isinstance(low, bool):
        return Severity.HIGH
    if any(low <= port <= high for port in DATABASE_PORTS):
        return Severity.CRITICAL
    return Severity.HIGH


def _open(resource: TfResource, rule: dict[str, Any], what: str) -> list[Violation]:
    cidrs: list[Any] = []
    for field in (
        "cidr_blocks",
        "ipv6_cidr_blocks",
        "cidr_ipv4",
        "cidr_ipv6",
        "cidr_block",
        "ipv6_cidr_block",
    ):
        value = rule.get(field)
        if isinstance(value, Unknown):
            return [undecided(resource, f"the source of {what}", value)]
        cidrs.extend(value if isinstance(value, list) else [value] if value else [])
    if any(isinstance(c, Unknown) for c in cidrs):
        unknown = next(c for c in cidrs if isinstance(c, Unknown))
        return [undecided(resource, f"the source of {what}", unknown)]
    anywhere = sorted(set(cidrs) & _ANYWHERE)
    if not anywhere:
        return []
    return [
        on(
            resource,
            f"{what} admits {', '.join(anywhere)} on {_ports(rule)}",
            f"{what}:{_ports(rule)}",
            _severity(rule),
        )
    ]


def _eks_endpoint(resource: TfResource) -> list[Violation]:
    found = []
    for config in blocks(resource.get("vpc_config")):
        public = config.get("endpoint_public_access", True)  # AWS's default is public
        if isinstance(public, Unknown):
            found.append(undecided(resource, "endpoint_public_access", public))
            continue
        if public is False:
            continue
        cidrs = config.get("public_access_cidrs")
        if isinstance(cidrs, Unknown):
            found.append(undecided(resource, "public_access_cidrs", cidrs))
        elif not cidrs or "0.0.0.0/0" in cidrs:
            found.append(
                on(
                    resource,
                    "the Kubernetes API endpoint is public and open to 0.0.0.0/0",
                    "eks-public-endpoint",
                )
            )
    return found


def judge(resource: TfResource, tf: TerraformEvidence) -> list[Violation]:
    """Open ingress in one resource."""
    if resource.type == "aws_eks_cluster":
        return _eks_endpoint(resource)
    if resource.type in ("aws_instance", "aws_launch_template"):
        interfaces = [resource.attributes, *blocks(resource.get("network_interfaces"))]
        public = any(i.get("associate_public_ip_address") in (True, "true") for i in interfaces)
        return (
            [
                on(
                    resource,
                    "instances get a public IP address: reachable from the internet unless every security group forbids it",
                    "public-ip",
                    Severity.MEDIUM,
                )
            ]
            if public
            else []
        )
    if resource.type == "aws_default_vpc":
        return [
            on(
                resource,
                "the default VPC is managed and used; build a dedicated VPC",
                "default-vpc",
                Severity.MEDIUM,
            )
        ]
    if resource.type in ("aws_security_group", "aws_default_security_group"):
        return [
            v
            for rule in blocks(resource.get("ingress"))
            for v in _open(resource, rule, "ingress rule")
        ]
    if resource.type == "aws_security_group_rule":
        return (
            _open(resource, resource.attributes, "ingress rule")
            if resource.get("type") == "ingress"
            else []
        )
    if resource.type == "aws_vpc_security_group_ingress_rule":
        rule = dict(resource.attributes, protocol=resource.get("ip_protocol"))
        return _open(resource, rule, "ingress rule")
    if resource.type == "aws_network_acl":
        return [
            v
            for rule in blocks(resource.get("ingress"))
            if rule.get("action") == "allow"
            for v in _open(resource, rule, "NACL ingress")
        ]
    if (
        resource.type == "aws_network_acl_rule"
        and resource.get("egress") is not True
        and resource.get("rule_action") == "allow"
    ):
        return _open(resource, resource.attributes, "NACL ingress")
    return []


def run(evidence: Evidence) -> CheckOutcome:
    """Every security group, rule, NACL and default VPC in Terraform."""
    return run_over(evidence, TYPES, judge, "no security groups, rules or NACLs in Terraform")
