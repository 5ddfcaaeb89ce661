"""ED1-006: load balancers, CloudFront and RDS parameter groups that do not enforce TLS 1.2+."""

from __future__ import annotations

import re

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._tf import on, run_over, undecided
from seawall.collectors.terraform import Reference, TerraformEvidence, TfResource, Unknown, blocks

META = CheckMeta(
    id="ED1-006",
    control="ED-1",
    severity=Severity.HIGH,
    title="TLS 1.2+ not enforced in transit",
    rationale="Encryption in transit everywhere: a listener serving plain HTTP (without redirecting to HTTPS), a TLS policy that still accepts TLS 1.0/1.1, a CloudFront behaviour that allows HTTP, or a database that accepts unencrypted connections exposes credentials and data to anyone on the path. SSL Labs caps such endpoints below A.",
    remediation='Serve HTTPS/TLS listeners with ssl_policy "ELBSecurityPolicy-TLS13-1-2-2021-06" (or newer) and make port-80 listeners redirect; set viewer_protocol_policy = "redirect-to-https" and minimum_protocol_version = "TLSv1.2_2021"; set rds.force_ssl = 1 (PostgreSQL, SQL Server) or require_secure_transport = ON (MySQL, MariaDB) in the parameter group.',
    needs=(EvidenceKind.TERRAFORM,),
    verify_clause="SSL Labs A+ rating.",
    references=(
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html",
    ),
    example_fail=(
        (
            "terraform/lb.tf",
            'resource "aws_lb_listener" "web" {\n  load_balancer_arn = "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/web/1"\n  port              = 443\n  protocol          = "HTTPS"\n  ssl_policy        = "ELBSecurityPolicy-2016-08"\n  certificate_arn   = "arn:aws:acm:eu-west-1:1:certificate/c"\n  default_action {\n    type             = "forward"\n    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/web/1"\n  }\n}\n',
        ),
    ),
    example_pass=(
        (
            "terraform/lb.tf",
            'resource "aws_lb_listener" "web" {\n  load_balancer_arn = "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/web/1"\n  port              = 443\n  protocol          = "HTTPS"\n  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"\n  certificate_arn   = "arn:aws:acm:eu-west-1:1:certificate/c"\n  default_action {\n    type             = "forward"\n    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/web/1"\n  }\n}\n',
        ),
    ),
)

TYPES = (
    "aws_lb_listener", "aws_alb_listener", "aws_cloudfront_distribution", "aws_db_parameter_group",
    "aws_rds_cluster_parameter_group",
)  # fmt: skip
# ELB policies that still accept TLS 1.0 or 1.1 (AWS's names; FS-1-2 and TLS-1-2 ones do not).
_OLD_POLICY = re.compile(
    r"^ELBSecurityPolicy-(?:2015-05|2016-08|TLS-1-0|TLS-1-1|FS-2018-06|FS-1-1)"
)


def _listener(resource: TfResource) -> list[Violation]:
    protocol = resource.get("protocol")
    if isinstance(protocol, Unknown):
        return [undecided(resource, "protocol", protocol)]
    if protocol in ("HTTP", "TCP", "UDP", "TCP_UDP", None):
        actions = blocks(resource.get("default_action"))
        if any(
            a.get("type") == "redirect"
            and any(r.get("protocol") == "HTTPS" for r in blocks(a.get("redirect")))
            for a in actions
        ):
            return []
        if protocol == "HTTP" or protocol is None:
            return [on(resource, "listener serves plain HTTP without redirecting to HTTPS", "http")]
        return [
            on(
                resource,
                f"listener protocol {protocol}: traffic is not encrypted by the load balancer",
                "plain",
                Severity.MEDIUM,
            )
        ]
    policy = resource.get("ssl_policy")
    if isinstance(policy, Unknown):
        return [undecided(resource, "ssl_policy", policy)]
    if policy is None:
        return [
            on(
                resource,
                "no ssl_policy: the default ELBSecurityPolicy-2016-08 accepts TLS 1.0 and 1.1",
                "policy",
            )
        ]
    if isinstance(policy, str) and _OLD_POLICY.match(policy):
        return [on(resource, f"ssl_policy {policy} accepts TLS 1.0/1.1", "policy")]
    if isinstance(policy, str) and "TLS13" not in policy:
        return [
            on(
                resource,
                f"ssl_policy {policy} enforces TLS 1.2 but not TLS 1.3 (preferred)",
                "no-tls13",
                Severity.LOW,
            )
        ]
    return []


_HSTS_MIN_AGE = 15_552_000  # six months, SSL Labs' A+ bar


def _hsts(
    resource: TfResource, tf: TerraformEvidence, behaviours: list[dict[str, object]]
) -> list[Violation]:
    """Strict-Transport-Security from the response headers policy of every behaviour."""
    policies = [b.get("response_headers_policy_id") for b in behaviours]
    if not policies or any(p is None for p in policies):
        return [
            on(
                resource,
                "a cache behaviour sends no Strict-Transport-Security header (no response_headers_policy_id)",
                "hsts",
                Severity.LOW,
            )
        ]
    found = []
    for policy in policies:
        if not isinstance(policy, Reference):
            continue  # a managed policy id or an unknown value: not judged
        for header_policy in tf.of_type("aws_cloudfront_response_headers_policy"):
            if (
                header_policy.local_address != policy.address
                or header_policy.module != resource.module
            ):
                continue
            hsts = [
                h
                for c in blocks(header_policy.get("security_headers_config"))
                for h in blocks(c.get("strict_transport_security"))
            ]
            age = hsts[-1].get("access_control_max_age_sec") if hsts else None
            if not hsts:
                found.append(
                    on(
                        resource,
                        f"{policy.address} sets no Strict-Transport-Security header",
                        "hsts",
                    )
                )
            elif isinstance(age, int) and age < _HSTS_MIN_AGE:
                found.append(
                    on(
                        resource,
                        f"{policy.address} sets HSTS max-age {age}, below six months",
                        "hsts-age",
                        Severity.LOW,
                    )
                )
    return found


def _distribution(resource: TfResource, tf: TerraformEvidence) -> list[Violation]:
    found = []
    behaviours = blocks(resource.get("default_cache_behavior")) + blocks(
        resource.get("ordered_cache_behavior")
    )
    found.extend(_hsts(resource, tf, behaviours))
    if any(b.get("viewer_protocol_policy") == "allow-all" for b in behaviours):
        found.append(
            on(
                resource,
                'a cache behaviour has viewer_protocol_policy "allow-all": viewers may use HTTP',
                "allow-all",
            )
        )
    for certificate in blocks(resource.get("viewer_certificate")):
        if certificate.get("cloudfront_default_certificate") is True:
            found.append(
                on(
                    resource,
                    "the default CloudFront certificate allows TLS 1.0 viewers",
                    "default-cert",
                    Severity.MEDIUM,
                )
            )
        version = certificate.get("minimum_protocol_version")
        if isinstance(version, str) and not version.startswith(("TLSv1.2", "TLSv1.3")):
            found.append(
                on(resource, f"minimum_protocol_version {version} is below TLS 1.2", "min-version")
            )
    return found


def _parameter_group(resource: TfResource) -> list[Violation]:
    family = resource.get("family")
    if not isinstance(family, str):
        return []
    wanted = (
        ("rds.force_ssl", {"1", "true"})
        if family.startswith(("postgres", "aurora-postgresql", "sqlserver"))
        else (
            ("require_secure_transport", {"on", "1", "true"})
            if family.startswith(("mysql", "mariadb", "aurora-mysql"))
            else None
        )
    )
    if wanted is None:
        return []
    name, accepted = wanted
    for parameter in blocks(resource.get("parameter")):
        if parameter.get("name") == name:
            value = parameter.get("value")
            if isinstance(value, Unknown):
                return [undecided(resource, name, value)]
            if str(value).lower() in accepted:
                return []
            return [
                on(
                    resource,
                    f"{name} is set to {value}: clients may connect without TLS",
                    "force-ssl",
                )
            ]
    if _forces_ssl_by_default(family):
        return []  # RDS for PostgreSQL 15+ defaults rds.force_ssl to 1
    return [on(resource, f"{name} is not on: clients may connect without TLS", "force-ssl")]


def _forces_ssl_by_default(family: str) -> bool:
    match = re.match(r"^(?:aurora-)?postgres(?:ql)?(\d+)", family)
    return match is not None and int(match.group(1)) >= 15


def judge(resource: TfResource, tf: TerraformEvidence) -> list[Violation]:
    """TLS enforcement of one listener, distribution or parameter group."""
    if resource.type in ("aws_lb_listener", "aws_alb_listener"):
        return _listener(resource)
    if resource.type == "aws_cloudfront_distribution":
        return _distribution(resource, tf)
    return _parameter_group(resource)


def run(evidence: Evidence) -> CheckOutcome:
    """Every load balancer listener, CloudFront distribution and RDS parameter group."""
    return run_over(
        evidence,
        TYPES,
        judge,
        "no load balancer listeners, CloudFront distributions or RDS parameter groups in Terraform",
    )
