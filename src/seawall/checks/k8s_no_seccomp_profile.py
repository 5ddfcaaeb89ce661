"""CR1-006: no seccomp or AppArmor profile."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._k8s import HARDENED_SECURITY, container_violation, deployment, per_container
from seawall.collectors.kubernetes import Container, Workload

META = CheckMeta(
    id="CR1-006",
    control="CR-1",
    severity=Severity.MEDIUM,
    title="No seccomp or AppArmor profile",
    rationale="Without a seccomp profile a container may call every syscall the kernel has, including the ones container escapes use; RuntimeDefault blocks them at no cost to ordinary apps.",
    remediation="Set securityContext.seccompProfile.type: RuntimeDefault (or Localhost with a tuned profile), or an AppArmor profile.",
    needs=(EvidenceKind.KUBERNETES,),
    verify_clause="An image scan shows no root processes.",
    references=("https://kubernetes.io/docs/tutorials/security/seccomp/",),
    example_fail=(
        (
            "k8s/etl.yaml",
            deployment(
                HARDENED_SECURITY.replace(
                    "seccompProfile: {type: RuntimeDefault}", "seccompProfile: {type: Unconfined}"
                )
            ),
        ),
    ),
    example_pass=(("k8s/etl.yaml", deployment()),),
)


def _judge(workload: Workload, container: Container) -> list[Violation]:
    seccomp = container.security.get("seccompProfile") or {}
    apparmor = container.security.get("appArmorProfile") or {}
    annotations = (
        ((workload.obj.body.get("metadata") or {}).get("annotations") or {})
        if isinstance(workload.obj.body.get("metadata"), dict)
        else {}
    )
    if isinstance(seccomp, dict) and seccomp.get("type") in ("RuntimeDefault", "Localhost"):
        return []
    if isinstance(apparmor, dict) and apparmor.get("type") in ("RuntimeDefault", "Localhost"):
        return []
    if any(
        str(k).startswith("container.apparmor.security.beta.kubernetes.io/") for k in annotations
    ):
        return []
    kind = seccomp.get("type") if isinstance(seccomp, dict) and seccomp.get("type") else "none"
    return [
        container_violation(
            workload,
            container,
            f"seccomp profile is {kind} and no AppArmor profile is set",
            f"seccomp:{kind}",
        )
    ]


def run(evidence: Evidence) -> CheckOutcome:
    """Effective seccomp or AppArmor profile per container."""
    return per_container(evidence, _judge)
