"""Shared helpers for checks over Kubernetes evidence."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from seawall._model import EvidenceKind
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.collectors.kubernetes import Container, KubernetesEvidence, Workload

__all__ = ["NO_WORKLOADS", "container_violation", "per_container", "workload_outcome"]

NO_WORKLOADS = (
    "no Kubernetes workload manifests found (or pass rendered output with --k8s-rendered)"
)


def container_violation(
    workload: Workload, container: Container, message: str, key: str, **extra: object
) -> Violation:
    """A finding at the container's line, naming the workload and container."""
    return Violation(
        message=f"{workload.obj.kind} {workload.obj.namespace}/{workload.obj.name}, {container.kind} {container.name}: {message}",
        key=f"{workload.obj.ref}:{container.name}:{key}",
        path=workload.obj.path if not workload.obj.path.startswith("<") else None,
        line=container.line if not workload.obj.path.startswith("<") else None,
        resource=workload.obj.ref if workload.obj.path.startswith("<") else None,
        **extra,  # type: ignore[arg-type]
    )


def per_container(
    evidence: Evidence, judge: Callable[[Workload, Container], Iterable[Violation]]
) -> CheckOutcome:
    """Run ``judge`` on every container of every workload."""
    kubernetes: KubernetesEvidence = evidence[EvidenceKind.KUBERNETES]
    if not kubernetes.workloads:
        return CheckOutcome((), evidenced=False, missing=NO_WORKLOADS)
    violations = [v for w in kubernetes.workloads for c in w.containers for v in judge(w, c)]
    return CheckOutcome(tuple(violations), evidenced=True)


def workload_outcome(
    evidence: Evidence, judge: Callable[[Workload], Iterable[Violation]]
) -> CheckOutcome:
    """Run ``judge`` on every workload."""
    kubernetes: KubernetesEvidence = evidence[EvidenceKind.KUBERNETES]
    if not kubernetes.workloads:
        return CheckOutcome((), evidenced=False, missing=NO_WORKLOADS)
    return CheckOutcome(tuple(v for w in kubernetes.workloads for v in judge(w)), evidenced=True)


_HARDENED = (
    "runAsNonRoot: true\n          allowPrivilegeEscalation: false\n          readOnlyRootFilesystem: true\n"
    "          capabilities: {drop: [ALL]}\n          seccompProfile: {type: RuntimeDefault}"
)


def deployment(
    security: str = _HARDENED,
    pod: str = "automountServiceAccountToken: false",
    image: str = "registry.example/etl@sha256:" + "a" * 64,
) -> str:
    """A Deployment manifest for check examples."""
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: etl\n  namespace: ingest\nspec:\n"
        "  selector: {matchLabels: {app: etl}}\n  template:\n    metadata: {labels: {app: etl}}\n    spec:\n"
        f"      {pod}\n      containers:\n      - name: etl\n        image: {image}\n"
        f"        securityContext:\n          {security}\n"
    )


HARDENED_SECURITY = _HARDENED
