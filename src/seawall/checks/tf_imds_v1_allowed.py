"""CR1-010: instances and launch templates that allow IMDSv1 or a hop limit above 1."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._tf import on, run_over, undecided
from seawall.collectors.terraform import TerraformEvidence, TfResource, Unknown, blocks

META = CheckMeta(
    id="CR1-010",
    control="CR-1",
    severity=Severity.HIGH,
    title="Instance metadata reachable without IMDSv2",
    rationale="The instance metadata endpoint hands out the instance role's credentials. IMDSv1 answers any request, so one SSRF in an application leaks them; IMDSv2 needs a session token from a PUT, and a hop limit of 1 keeps containers on the host from reaching it. Without a metadata_options block, IMDSv1 is on.",
    remediation='Add metadata_options { http_tokens = "required", http_put_response_hop_limit = 1 } (or set http_endpoint = "disabled" when nothing needs the metadata).',
    needs=(EvidenceKind.TERRAFORM,),
    verify_clause="The metadata endpoint is unreachable.",
    references=(
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html",
    ),
    example_fail=(
        (
            "terraform/main.tf",
            'resource "aws_instance" "etl" {\n  ami           = "ami-0abcdef1234567890"\n  instance_type = "m7g.large"\n}\n',
        ),
    ),
    example_pass=(
        (
            "terraform/main.tf",
            'resource "aws_instance" "etl" {\n  ami           = "ami-0abcdef1234567890"\n  instance_type = "m7g.large"\n  metadata_options {\n    http_tokens                 = "required"\n    http_put_response_hop_limit = 1\n  }\n}\n',
        ),
    ),
)

TYPES = ("aws_instance", "aws_launch_template", "aws_launch_configuration")


def judge(resource: TfResource, tf: TerraformEvidence) -> list[Violation]:
    """IMDS settings of one instance, launch template or launch configuration."""
    options = blocks(resource.get("metadata_options"))
    if not options:
        return [on(resource, "no metadata_options block: IMDSv1 is allowed", "imdsv1")]
    settings = options[-1]
    if isinstance(settings.get("__unknown__"), Unknown):
        return [undecided(resource, "metadata_options", settings["__unknown__"])]
    if settings.get("http_endpoint") == "disabled":
        return []
    found = []
    tokens = settings.get("http_tokens")
    if isinstance(tokens, Unknown):
        found.append(undecided(resource, "http_tokens", tokens))
    elif tokens != "required":
        shown = "not set" if tokens is None else f'"{tokens}"'
        found.append(
            on(resource, f"metadata_options http_tokens is {shown}: IMDSv1 is allowed", "imdsv1")
        )
    hops = settings.get("http_put_response_hop_limit")
    if isinstance(hops, Unknown):
        found.append(undecided(resource, "http_put_response_hop_limit", hops))
    elif isinstance(hops, int) and hops > 1:
        found.append(
            on(
                resource,
                f"metadata hop limit is {hops}: containers on the host can reach the endpoint",
                "hop-limit",
                Severity.MEDIUM,
            )
        )
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """Every instance, launch template and launch configuration."""
    return run_over(
        evidence,
        TYPES,
        judge,
        "no EC2 instances, launch templates or launch configurations in Terraform",
    )
