"""CR1-003: a privileged container, or one allowed to escalate privileges."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._k8s import HARDENED_SECURITY, container_violation, deployment, per_container
from seawall.collectors.kubernetes import Container, Workload

META = CheckMeta(
    id="CR1-003",
    control="CR-1",
    severity=Severity.HIGH,
    title="Privileged container or privilege escalation allowed",
    rationale="privileged: true gives the container every capability and the host's devices; without allowPrivilegeEscalation: false a setuid binary can gain more rights than the process started with.",
    remediation="Remove privileged: true and set allowPrivilegeEscalation: false.",
    needs=(EvidenceKind.KUBERNETES,),
    verify_clause="An image scan shows no root processes.",
    references=("https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",),
    example_fail=(
        (
            "k8s/etl.yaml",
            deployment(
                HARDENED_SECURITY.replace("allowPrivilegeEscalation: false", "privileged: true")
            ),
        ),
    ),
    example_pass=(("k8s/etl.yaml", deployment()),),
)


def _judge(workload: Workload, container: Container) -> list[Violation]:
    security = container.security
    if security.get("privileged") is True:
        return [
            container_violation(
                workload, container, "runs privileged", "privileged", severity=Severity.CRITICAL
            )
        ]
    if security.get("allowPrivilegeEscalation") is not False:
        return [
            container_violation(
                workload, container, "allowPrivilegeEscalation is not false", "escalation"
            )
        ]
    return []


def run(evidence: Evidence) -> CheckOutcome:
    """privileged and allowPrivilegeEscalation per container."""
    return per_container(evidence, _judge)
