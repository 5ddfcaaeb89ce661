"""SC1-002: a container image without an @sha256 digest."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._k8s import container_violation, deployment, per_container
from seawall.collectors._dockerfile import has_digest
from seawall.collectors.kubernetes import Container, Workload

META = CheckMeta(
    id="SC1-002",
    control="SC-1",
    severity=Severity.MEDIUM,
    title="Workload image not pinned to a digest",
    rationale="A tag can be re-pointed at another image between deploys; signature verification and SBOMs only mean something for the exact image a digest names.",
    remediation="Reference images as repo@sha256:<digest> (tools such as kustomize images, Renovate or kbld resolve tags to digests).",
    needs=(EvidenceKind.KUBERNETES,),
    verify_clause="Zero unsigned images in prod.",
    references=("https://kubernetes.io/docs/concepts/containers/images/#image-names",),
    example_fail=(("k8s/etl.yaml", deployment(image="registry.example/etl:1.4")),),
    example_pass=(("k8s/etl.yaml", deployment()),),
)


def _judge(workload: Workload, container: Container) -> list[Violation]:
    if not container.image or has_digest(container.image):
        return []
    return [
        container_violation(
            workload,
            container,
            f"image {container.image} is not pinned to an @sha256 digest",
            f"image:{container.image}",
        )
    ]


def run(evidence: Evidence) -> CheckOutcome:
    """Digest-pinned images per container."""
    return per_container(evidence, _judge)
