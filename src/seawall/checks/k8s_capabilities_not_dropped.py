"""CR1-005: Linux capabilities not dropped, or dangerous ones added."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._k8s import HARDENED_SECURITY, container_violation, deployment, per_container
from seawall.collectors.kubernetes import Container, Workload

META = CheckMeta(
    id="CR1-005",
    control="CR-1",
    severity=Severity.MEDIUM,
    title="Capabilities not dropped",
    rationale="Containers start with a default set of Linux capabilities (NET_RAW among them); dropping ALL and adding back only what is needed removes whole classes of attack. SYS_ADMIN, NET_ADMIN and friends are near-root.",
    remediation="Set capabilities.drop: [ALL] and add only the specific capabilities the process needs (e.g. NET_BIND_SERVICE).",
    needs=(EvidenceKind.KUBERNETES,),
    verify_clause="An image scan shows no root processes.",
    references=("https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",),
    example_fail=(
        (
            "k8s/etl.yaml",
            deployment(
                HARDENED_SECURITY.replace(
                    "capabilities: {drop: [ALL]}", "capabilities: {add: [SYS_ADMIN]}"
                )
            ),
        ),
    ),
    example_pass=(("k8s/etl.yaml", deployment()),),
)

DANGEROUS = frozenset(
    {
        "ALL",
        "SYS_ADMIN",
        "NET_ADMIN",
        "NET_RAW",
        "SYS_PTRACE",
        "SYS_MODULE",
        "DAC_READ_SEARCH",
        "SYS_RAWIO",
        "SYS_BOOT",
        "BPF",
        "PERFMON",
    }
)


def _judge(workload: Workload, container: Container) -> list[Violation]:
    capabilities = container.security.get("capabilities") or {}
    if not isinstance(capabilities, dict):
        capabilities = {}
    dropped = {str(c).upper() for c in capabilities.get("drop") or []}
    added = {str(c).upper().removeprefix("CAP_") for c in capabilities.get("add") or []}
    found = []
    if "ALL" not in dropped:
        found.append(
            container_violation(
                workload, container, "capabilities.drop does not include ALL", "no-drop-all"
            )
        )
    bad = sorted(added & DANGEROUS)
    if bad:
        found.append(
            container_violation(
                workload,
                container,
                f"adds dangerous capabilities {', '.join(bad)}",
                "add:" + ",".join(bad),
                severity=Severity.HIGH,
            )
        )
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """drop: [ALL] and no dangerous adds, per container."""
    return per_container(evidence, _judge)
