"""CR1-004: a container whose root filesystem is writable."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._k8s import HARDENED_SECURITY, container_violation, deployment, per_container
from seawall.collectors.kubernetes import Container, Workload

META = CheckMeta(
    id="CR1-004",
    control="CR-1",
    severity=Severity.MEDIUM,
    title="Writable root filesystem",
    rationale="A writable root filesystem lets an attacker drop tools or modify binaries inside the container; readOnlyRootFilesystem with explicit writable volumes keeps the image as shipped.",
    remediation="Set readOnlyRootFilesystem: true and mount emptyDir volumes where the app must write.",
    needs=(EvidenceKind.KUBERNETES,),
    verify_clause="An image scan shows no root processes.",
    references=("https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",),
    example_fail=(
        (
            "k8s/etl.yaml",
            deployment(
                HARDENED_SECURITY.replace(
                    "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false"
                )
            ),
        ),
    ),
    example_pass=(("k8s/etl.yaml", deployment()),),
)


def _judge(workload: Workload, container: Container) -> list[Violation]:
    if container.security.get("readOnlyRootFilesystem") is True:
        return []
    return [
        container_violation(
            workload, container, "readOnlyRootFilesystem is not true", "writable-root"
        )
    ]


def run(evidence: Evidence) -> CheckOutcome:
    """readOnlyRootFilesystem per container."""
    return per_container(evidence, _judge)
