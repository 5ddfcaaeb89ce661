"""CR1-008: the service-account token is mounted although nothing says the workload needs it."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._k8s import deployment, workload_outcome
from seawall.collectors.kubernetes import Workload

META = CheckMeta(
    id="CR1-008",
    control="CR-1",
    severity=Severity.LOW,
    title="Service-account token mounted by default",
    rationale="Every pod gets an API token unless told otherwise; an attacker in a pod that never talks to the API server can still use it. Opt in where the workload needs API access (a non-default serviceAccountName is taken as that signal).",
    remediation="Set automountServiceAccountToken: false on the pod (or its service account) unless it calls the Kubernetes API.",
    needs=(EvidenceKind.KUBERNETES,),
    verify_clause="The metadata endpoint is unreachable.",
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/",
    ),
    example_fail=(("k8s/etl.yaml", deployment(pod="dnsPolicy: ClusterFirst")),),
    example_pass=(("k8s/etl.yaml", deployment()),),
)


def _judge(workload: Workload) -> list[Violation]:
    pod = workload.pod
    if pod.get("automountServiceAccountToken") is False:
        return []
    account = pod.get("serviceAccountName") or pod.get("serviceAccount")
    if account and account != "default":
        return []  # a dedicated account signals the workload needs API access
    return [
        Violation(
            message=f"{workload.obj.ref} mounts the default service-account token (automountServiceAccountToken not false)",
            key=f"{workload.obj.ref}:token",
            path=workload.obj.path,
            line=pod.line,
        )
    ]


def run(evidence: Evidence) -> CheckOutcome:
    """automountServiceAccountToken per workload."""
    return workload_outcome(evidence, _judge)
