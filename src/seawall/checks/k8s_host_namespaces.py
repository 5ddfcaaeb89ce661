"""CR1-007: host namespaces or hostPath volumes."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._k8s import deployment, workload_outcome
from seawall.collectors.kubernetes import Workload

META = CheckMeta(
    id="CR1-007",
    control="CR-1",
    severity=Severity.HIGH,
    title="Host namespaces or hostPath volumes",
    rationale="hostPID, hostIPC and hostNetwork put the pod in the node's namespaces (see and signal host processes, sniff the node's traffic); a hostPath volume mounts the node's filesystem.",
    remediation="Remove hostPID/hostIPC/hostNetwork and replace hostPath volumes with emptyDir, configMap or persistent volumes.",
    needs=(EvidenceKind.KUBERNETES,),
    verify_clause="An image scan shows no root processes.",
    references=("https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",),
    example_fail=(("k8s/etl.yaml", deployment(pod="hostNetwork: true")),),
    example_pass=(("k8s/etl.yaml", deployment()),),
)


def _judge(workload: Workload) -> list[Violation]:
    found = []
    pod = workload.pod
    for field in ("hostPID", "hostIPC", "hostNetwork"):
        if pod.get(field) is True:
            found.append(
                Violation(
                    message=f"{workload.obj.ref} sets {field}: true",
                    key=f"{workload.obj.ref}:{field}",
                    path=workload.obj.path,
                    line=pod.line_of(field),
                )
            )
    for volume in pod.get("volumes") or []:
        if isinstance(volume, dict) and "hostPath" in volume:
            path = (volume.get("hostPath") or {}).get("path", "?")
            found.append(
                Violation(
                    message=f"{workload.obj.ref} mounts hostPath {path}",
                    key=f"{workload.obj.ref}:hostPath:{path}",
                    path=workload.obj.path,
                    line=getattr(volume, "line", pod.line),
                )
            )
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """hostPID/hostIPC/hostNetwork and hostPath volumes per workload."""
    return workload_outcome(evidence, _judge)
