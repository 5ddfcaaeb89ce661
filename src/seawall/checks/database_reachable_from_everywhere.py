"""CR2-002: database pods reachable from every pod or namespace."""

from __future__ import annotations

import re

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.collectors.kubernetes import K8sObject, KubernetesEvidence, Workload

META = CheckMeta(
    id="CR2-002",
    control="CR-2",
    severity=Severity.HIGH,
    title="Database reachable from everywhere",
    rationale="Only approved pods should reach databases. A database pod no NetworkPolicy selects accepts every pod in the cluster; a policy whose ingress admits all pods, or namespaceSelector: {} (every namespace), is the same.",
    remediation="Add a NetworkPolicy selecting the database pods whose ingress names the client pods (podSelector) or namespaces (namespaceSelector with labels).",
    needs=(EvidenceKind.KUBERNETES,),
    verify_clause="Unauthorized connections are blocked.",
    references=("https://kubernetes.io/docs/concepts/services-networking/network-policies/",),
    example_fail=(
        (
            "k8s/db.yaml",
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: warehouse, namespace: data}\nspec:\n  selector: {matchLabels: {app: postgres}}\n  template:\n    metadata: {labels: {app: postgres}}\n    spec:\n      containers:\n      - {name: db, image: postgres:15}\n",
        ),
    ),
    example_pass=(
        (
            "k8s/db.yaml",
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: warehouse, namespace: data}\nspec:\n  selector: {matchLabels: {app: postgres}}\n  template:\n    metadata: {labels: {app: postgres}}\n    spec:\n      containers:\n      - {name: db, image: postgres:15}\n",
        ),
        (
            "k8s/db-policy.yaml",
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db-clients, namespace: data}\nspec:\n  podSelector: {matchLabels: {app: postgres}}\n  policyTypes: [Ingress]\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: etl}}}]\n",
        ),
    ),
)

DATABASES = re.compile(
    r"(?:^|/)(?:postgres|postgresql|mysql|mariadb|redis|kafka|mongo|mongodb|cassandra|elasticsearch|clickhouse)(?:[:@/-]|$)",
    re.IGNORECASE,
)


def _is_database(workload: Workload) -> bool:
    labels = " ".join(workload.labels.values())
    return any(DATABASES.search(c.image) for c in workload.containers) or bool(
        DATABASES.search(labels)
    )


def _selects(policy: K8sObject, workload: Workload) -> bool:
    if policy.namespace != workload.obj.namespace:
        return False
    selector = (policy.body.get("spec") or {}).get("podSelector") or {}
    return all(workload.labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items())


def _open_rule(policy: K8sObject) -> str | None:
    spec = policy.body.get("spec") or {}
    if "Ingress" not in {str(t) for t in spec.get("policyTypes") or ["Ingress"]}:
        return "does not restrict ingress"
    for rule in spec.get("ingress") or []:
        peers = rule.get("from") if isinstance(rule, dict) else None
        if not peers:
            return "an ingress rule admits every source"
        for peer in peers:
            if (
                isinstance(peer, dict)
                and peer.get("namespaceSelector") == {}
                and not peer.get("podSelector")
            ):
                return "namespaceSelector: {} admits every namespace"
    return None


def run(evidence: Evidence) -> CheckOutcome:
    """Each database workload must be selected by a policy that names its clients."""
    kubernetes: KubernetesEvidence = evidence[EvidenceKind.KUBERNETES]
    databases = [w for w in kubernetes.workloads if _is_database(w)]
    if not databases:
        return CheckOutcome(
            (),
            evidenced=bool(kubernetes.workloads),
            missing=None if kubernetes.workloads else "no Kubernetes workloads found",
        )
    policies = kubernetes.of_kind("NetworkPolicy")
    violations = []
    for database in databases:
        mine = [p for p in policies if _selects(p, database)]
        reasons = [r for r in (_open_rule(p) for p in mine) if r]
        if not mine or (reasons and len(reasons) == len(mine)):
            why = "no NetworkPolicy selects it" if not mine else reasons[0]
            violations.append(
                Violation(
                    message=f"database {database.obj.ref} is reachable from every pod: {why}",
                    key=f"db-open:{database.obj.ref}",
                    path=database.obj.path,
                    line=database.obj.line,
                )
            )
    return CheckOutcome(tuple(violations), evidenced=True)
