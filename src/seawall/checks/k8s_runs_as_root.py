"""CR1-002: a container that may run as root."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._k8s import HARDENED_SECURITY, container_violation, deployment, per_container
from seawall.collectors.kubernetes import Container, Workload

META = CheckMeta(
    id="CR1-002",
    control="CR-1",
    severity=Severity.HIGH,
    title="Container may run as root",
    rationale="Without runAsNonRoot: true or a non-zero runAsUser (on the container or the pod) the image's user applies, root for most images; a root process is one escape away from root on the node.",
    remediation="Set securityContext.runAsNonRoot: true and a non-zero runAsUser on the pod or container.",
    needs=(EvidenceKind.KUBERNETES,),
    verify_clause="An image scan shows no root processes.",
    references=("https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",),
    example_fail=(
        (
            "k8s/etl.yaml",
            deployment(HARDENED_SECURITY.replace("runAsNonRoot: true", "runAsUser: 0")),
        ),
    ),
    example_pass=(("k8s/etl.yaml", deployment()),),
)


def _judge(workload: Workload, container: Container) -> list[Violation]:
    security = container.security
    user = security.get("runAsUser")
    if user == 0:
        return [container_violation(workload, container, "runAsUser is 0 (root)", "uid-0")]
    if security.get("runAsNonRoot") is True or (isinstance(user, int) and user > 0):
        return []
    return [
        container_violation(
            workload,
            container,
            "neither runAsNonRoot: true nor a non-zero runAsUser",
            "may-be-root",
        )
    ]


def run(evidence: Evidence) -> CheckOutcome:
    """Effective runAsNonRoot / runAsUser per container."""
    return per_container(evidence, _judge)
