"""CR2-001: service-mesh mutual TLS not enforced (Istio PeerAuthentication / DestinationRule)."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._k8s import NO_WORKLOADS, deployment
from seawall.collectors.kubernetes import KubernetesEvidence

META = CheckMeta(
    id="CR2-001",
    control="CR-2",
    severity=Severity.HIGH,
    title="Mesh mTLS not strict",
    rationale="The baseline asks for mutual TLS between all services. With Istio that means a mesh-wide PeerAuthentication in STRICT mode and no PERMISSIVE or DISABLE override for a namespace, workload or port, and no DestinationRule that turns client TLS off. (Linkerd meshes pods with mTLS by default; its Server/AuthorizationPolicy objects count as mesh evidence.)",
    remediation="Apply PeerAuthentication {mtls: {mode: STRICT}} in the mesh root namespace (istio-system), remove PERMISSIVE/DISABLE overrides and DestinationRules with tls.mode: DISABLE.",
    needs=(EvidenceKind.KUBERNETES,),
    verify_clause="mTLS metrics in Prometheus.",
    references=("https://istio.io/latest/docs/reference/config/security/peer_authentication/",),
    example_fail=(
        ("k8s/etl.yaml", deployment()),
        (
            "k8s/mesh.yaml",
            "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: istio-system}\nspec:\n  mtls: {mode: PERMISSIVE}\n",
        ),
    ),
    example_pass=(
        ("k8s/etl.yaml", deployment()),
        (
            "k8s/mesh.yaml",
            "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: istio-system}\nspec:\n  mtls: {mode: STRICT}\n",
        ),
    ),
)


def run(evidence: Evidence) -> CheckOutcome:
    """A mesh-wide STRICT policy, and no weaker overrides."""
    kubernetes: KubernetesEvidence = evidence[EvidenceKind.KUBERNETES]
    if not kubernetes.workloads:
        return CheckOutcome((), evidenced=False, missing=NO_WORKLOADS)
    violations = []
    peers = kubernetes.of_kind("PeerAuthentication")
    mesh_wide = [
        p
        for p in peers
        if p.namespace in ("istio-system",) and not (p.body.get("spec") or {}).get("selector")
    ]
    strict = any(
        ((p.body.get("spec") or {}).get("mtls") or {}).get("mode") == "STRICT" for p in mesh_wide
    )
    linkerd = kubernetes.of_kind("Server") and any(
        "linkerd" in o.api_version for o in kubernetes.of_kind("Server")
    )
    if not strict and not linkerd:
        first = kubernetes.workloads[0].obj
        violations.append(
            Violation(
                message="no mesh-wide PeerAuthentication in STRICT mode (istio-system, no selector): service-to-service traffic may be plaintext",
                key="no-mesh-strict",
                path=first.path,
                line=first.line,
            )
        )
    for policy in peers:
        spec = policy.body.get("spec") or {}
        modes = [((spec.get("mtls") or {}).get("mode"), "")]
        modes += [
            ((setting or {}).get("mode"), f" on port {port}")
            for port, setting in (spec.get("portLevelMtls") or {}).items()
        ]
        for mode, where in modes:
            if mode in ("PERMISSIVE", "DISABLE"):
                scope = (
                    "workload"
                    if spec.get("selector")
                    else ("mesh" if policy.namespace == "istio-system" else "namespace")
                )
                violations.append(
                    Violation(
                        message=f"PeerAuthentication {policy.namespace}/{policy.name} sets {mode}{where} ({scope} level)",
                        key=f"peer:{policy.ref}:{mode}{where}",
                        path=policy.path,
                        line=policy.line,
                    )
                )
    for rule in kubernetes.of_kind("DestinationRule"):
        spec = rule.body.get("spec") or {}
        policies = [spec.get("trafficPolicy") or {}] + [
            (s or {}).get("trafficPolicy") or {} for s in spec.get("subsets") or []
        ]
        if any(
            (p.get("tls") or {}).get("mode") == "DISABLE" for p in policies if isinstance(p, dict)
        ):
            violations.append(
                Violation(
                    message=f"DestinationRule {rule.namespace}/{rule.name} disables TLS to {spec.get('host', '?')}",
                    key=f"dr:{rule.ref}",
                    path=rule.path,
                    line=rule.line,
                )
            )
    return CheckOutcome(tuple(violations), evidenced=True)
