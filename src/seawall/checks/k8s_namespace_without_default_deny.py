"""SI3-002: a namespace running workloads without a real default-deny NetworkPolicy."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._k8s import NO_WORKLOADS, deployment
from seawall.collectors.kubernetes import K8sObject, KubernetesEvidence

META = CheckMeta(
    id="SI3-002",
    control="SI-3",
    severity=Severity.HIGH,
    title="Namespace without default-deny network policy",
    rationale="Kubernetes allows all pod traffic until a policy selects a pod. Zero trust needs a default-deny policy (empty podSelector, both Ingress and Egress, no allow-all rule) in every namespace that runs workloads; an allow-all policy is worse than none because it looks like a control.",
    remediation="Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules, then allow the flows each workload needs.",
    needs=(EvidenceKind.KUBERNETES,),
    verify_clause="Network-policy audit.",
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies",
    ),
    example_fail=(("k8s/etl.yaml", deployment()),),
    example_pass=(
        ("k8s/etl.yaml", deployment()),
        (
            "k8s/deny.yaml",
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny, namespace: ingest}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n",
        ),
    ),
)


def is_allow_all(policy: K8sObject) -> str | None:
    """Why a NetworkPolicy admits everything, or None."""
    spec = policy.body.get("spec") or {}
    for direction in ("ingress", "egress"):
        for rule in spec.get(direction) or []:
            peers = (
                rule.get("from" if direction == "ingress" else "to")
                if isinstance(rule, dict)
                else None
            )
            if isinstance(rule, dict) and not peers:
                return f"an {direction} rule with no peers allows all {direction}"
    return None


def is_default_deny(policy: K8sObject) -> bool:
    """Empty podSelector, both policy types, no rules."""
    spec = policy.body.get("spec") or {}
    selector = spec.get("podSelector")
    types = {str(t) for t in spec.get("policyTypes") or []}
    return (
        (selector == {} or (selector is None and "podSelector" in spec))
        and {"Ingress", "Egress"} <= types
        and not spec.get("ingress")
        and not spec.get("egress")
    )


def run(evidence: Evidence) -> CheckOutcome:
    """Default-deny per workload namespace, and allow-all policies."""
    kubernetes: KubernetesEvidence = evidence[EvidenceKind.KUBERNETES]
    namespaces = kubernetes.namespaces_with_workloads()
    if not namespaces:
        return CheckOutcome((), evidenced=False, missing=NO_WORKLOADS)
    policies = kubernetes.of_kind("NetworkPolicy")
    violations = []
    for policy in policies:
        why = is_allow_all(policy)
        if why:
            violations.append(
                Violation(
                    message=f"NetworkPolicy {policy.namespace}/{policy.name}: {why}",
                    key=f"allow-all:{policy.ref}",
                    path=policy.path,
                    line=policy.line,
                )
            )
    for namespace, workloads in sorted(namespaces.items()):
        if any(p.namespace == namespace and is_default_deny(p) for p in policies):
            continue
        selected = {
            w.obj.ref
            for w in workloads
            if any(p.namespace == namespace and _selects(p, w.labels) for p in policies)
        }
        unselected = sorted(w.obj.name for w in workloads if w.obj.ref not in selected)
        first = workloads[0].obj
        listed = f"; workloads no policy selects: {', '.join(unselected[:8])}" if unselected else ""
        violations.append(
            Violation(
                message=f"namespace {namespace} runs {len(workloads)} workload(s) without a default-deny NetworkPolicy{listed}",
                key=f"no-default-deny:{namespace}",
                path=first.path,
                line=first.line,
            )
        )
    return CheckOutcome(tuple(violations), evidenced=True)


def _selects(policy: K8sObject, labels: dict[str, str]) -> bool:
    selector = (policy.body.get("spec") or {}).get("podSelector") or {}
    wanted = selector.get("matchLabels") or {}
    return all(labels.get(k) == v for k, v in wanted.items())
