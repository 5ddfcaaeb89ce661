"""MI3-001: workloads whose egress is not restricted."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._k8s import NO_WORKLOADS, deployment
from seawall.collectors.kubernetes import KubernetesEvidence

META = CheckMeta(
    id="MI3-001",
    control="MI-3",
    severity=Severity.MEDIUM,
    title="Egress not restricted",
    rationale="Data egress control starts with the network: a namespace with no Egress policy, or one that allows 0.0.0.0/0, lets any compromised workload ship data anywhere.",
    remediation="Add Egress policies that allow only the services and CIDRs each workload needs (DNS included).",
    needs=(EvidenceKind.KUBERNETES,),
    verify_clause="Blocked egress attempts are logged.",
    references=("https://kubernetes.io/docs/concepts/services-networking/network-policies/",),
    example_fail=(("k8s/etl.yaml", deployment()),),
    example_pass=(
        ("k8s/etl.yaml", deployment()),
        (
            "k8s/egress.yaml",
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: egress, namespace: ingest}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{namespaceSelector: {matchLabels: {name: warehouse}}}]\n",
        ),
    ),
)

_EVERYWHERE = ("0.0.0.0/0", "::/0")


def run(evidence: Evidence) -> CheckOutcome:
    """An Egress policy per workload namespace, none open to everywhere."""
    kubernetes: KubernetesEvidence = evidence[EvidenceKind.KUBERNETES]
    namespaces = kubernetes.namespaces_with_workloads()
    if not namespaces:
        return CheckOutcome((), evidenced=False, missing=NO_WORKLOADS)
    violations = []
    policies = kubernetes.of_kind("NetworkPolicy")
    for namespace, workloads in sorted(namespaces.items()):
        mine = [p for p in policies if p.namespace == namespace]
        egress = [
            p
            for p in mine
            if "Egress" in {str(t) for t in (p.body.get("spec") or {}).get("policyTypes") or []}
        ]
        first = workloads[0].obj
        if not egress:
            violations.append(
                Violation(
                    message=f"namespace {namespace}: no Egress NetworkPolicy, its {len(workloads)} workload(s) can reach anywhere",
                    key=f"no-egress:{namespace}",
                    path=first.path,
                    line=first.line,
                )
            )
            continue
        for policy in egress:
            for rule in (policy.body.get("spec") or {}).get("egress") or []:
                for peer in (rule.get("to") or []) if isinstance(rule, dict) else []:
                    block = peer.get("ipBlock") if isinstance(peer, dict) else None
                    if (
                        isinstance(block, dict)
                        and block.get("cidr") in _EVERYWHERE
                        and not block.get("except")
                    ):
                        violations.append(
                            Violation(
                                message=f"NetworkPolicy {policy.namespace}/{policy.name} allows egress to {block['cidr']}",
                                key=f"egress-anywhere:{policy.ref}",
                                path=policy.path,
                                line=policy.line,
                            )
                        )
    return CheckOutcome(tuple(violations), evidenced=True)
