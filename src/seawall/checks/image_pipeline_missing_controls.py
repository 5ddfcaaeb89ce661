"""SC1-004: a workflow that builds or pushes images without SBOM, failing CVE scan, or signing."""

from __future__ import annotations

import re

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._ci import workflow_outcome, workflow_yaml
from seawall.collectors.workflows import Workflow

META = CheckMeta(
    id="SC1-004",
    control="SC-1",
    severity=Severity.MEDIUM,
    title="Image pipeline without SBOM, CVE gate or signing",
    rationale="The baseline wants SBOMs for every image, CI that fails on critical CVEs, and signed images verified at deploy. A workflow that builds or pushes images without those steps ships images nobody can account for.",
    remediation="Add an SBOM step (syft, docker buildx --sbom, trivy sbom, cyclonedx), a scan that fails on critical findings (trivy/grype with --exit-code 1 / --fail-on critical, severity CRITICAL), and signing (cosign sign, sigstore).",
    needs=(EvidenceKind.GITHUB_WORKFLOWS,),
    verify_clause="An SBOM in the artifact registry.",
    references=(
        "https://slsa.dev/",
        "https://docs.sigstore.dev/cosign/signing/signing_with_containers/",
    ),
    example_fail=(
        (
            ".github/workflows/release.yml",
            workflow_yaml(
                "  image:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build -t registry.example/etl . && docker push registry.example/etl\n"
            ),
        ),
    ),
    example_pass=(
        (
            ".github/workflows/release.yml",
            workflow_yaml(
                "  image:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - run: docker buildx build --sbom=true --push -t registry.example/etl .\n"
                "      - run: trivy image --severity CRITICAL --exit-code 1 registry.example/etl\n"
                "      - run: cosign sign --yes registry.example/etl\n"
            ),
        ),
    ),
)

_BUILDS = re.compile(
    r"docker(?:\s+buildx)?\s+(?:build|push)|buildah\s+(?:bud|push)|podman\s+(?:build|push)|kaniko|ko\s+build|jib",
    re.IGNORECASE,
)
_BUILD_ACTIONS = (
    "docker/build-push-action",
    "redhat-actions/buildah-build",
    "redhat-actions/push-to-registry",
)
_SBOM = re.compile(
    r"syft|--sbom|sbom:\s*true|trivy\s+sbom|cyclonedx|--format\s+(?:cyclonedx|spdx)|anchore/sbom-action",
    re.IGNORECASE,
)
_SCAN = re.compile(
    r"(?:trivy|grype)[^\n]*(?:--exit-code\s+[1-9]|--fail-on\s+\w+|exit-code:\s*['\"]?[1-9])|pip-audit\s+--strict|aquasecurity/trivy-action|anchore/scan-action",
    re.IGNORECASE,
)
_SIGN = re.compile(
    r"cosign\s+sign|sigstore/cosign-installer|notation\s+sign|actions/attest-build-provenance",
    re.IGNORECASE,
)


def _text(workflow: Workflow) -> str:
    parts = []
    for _, step in workflow.steps():
        parts.append(str(step.get("run", "")))
        parts.append(str(step.get("uses", "")))
        parts.append(
            " ".join(f"{k}: {v}" for k, v in (step.get("with") or {}).items())
            if isinstance(step.get("with"), dict)
            else ""
        )
    return "\n".join(parts)


def run(evidence: Evidence) -> CheckOutcome:
    """Workflows that build images must also make an SBOM, gate on CVEs and sign."""
    workflows: tuple[Workflow, ...] = evidence[EvidenceKind.GITHUB_WORKFLOWS]
    violations = []
    for workflow in workflows:
        text = _text(workflow)
        if not (_BUILDS.search(text) or any(a in text for a in _BUILD_ACTIONS)):
            continue
        missing = [
            name
            for name, pattern in (
                ("an SBOM step", _SBOM),
                ("a CVE scan that fails the build", _SCAN),
                ("image signing", _SIGN),
            )
            if not pattern.search(text)
        ]
        if missing:
            violations.append(
                Violation(
                    message=f"builds or pushes images without {', '.join(missing)}",
                    key="missing:" + ",".join(missing),
                    path=workflow.path,
                    line=1,
                )
            )
    return workflow_outcome(violations, workflows)
