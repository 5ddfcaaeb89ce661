"""SI2-002: RBAC wildcards, cluster-wide secret reads, cluster-admin and anonymous bindings."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.collectors.kubernetes import KubernetesEvidence

META = CheckMeta(
    id="SI2-002",
    control="SI-2",
    severity=Severity.HIGH,
    title="Over-broad Kubernetes RBAC",
    rationale="Least privilege means no '*' in RBAC verbs, resources or apiGroups, no cluster-wide read of secrets, no cluster-admin bindings for workloads or people, and nothing granted to system:authenticated or system:unauthenticated (every account, or anyone).",
    remediation="List exact verbs, resources and apiGroups; scope secret access to named secrets in one namespace with a Role; bind narrow roles instead of cluster-admin.",
    needs=(EvidenceKind.KUBERNETES,),
    verify_clause="A policy analyzer shows no wildcards.",
    references=("https://kubernetes.io/docs/concepts/security/rbac-good-practices/",),
    example_fail=(
        (
            "k8s/rbac.yaml",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: etl}\nrules:\n- apiGroups: ['*']\n  resources: ['*']\n  verbs: ['*']\n",
        ),
    ),
    example_pass=(
        (
            "k8s/rbac.yaml",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: etl, namespace: ingest}\nrules:\n- apiGroups: ['']\n  resources: [configmaps]\n  verbs: [get]\n",
        ),
    ),
)

_READ = {"get", "list", "watch", "*"}
_PUBLIC = {"system:authenticated", "system:unauthenticated", "system:anonymous"}


def run(evidence: Evidence) -> CheckOutcome:
    """Wildcards and dangerous grants in roles and bindings."""
    kubernetes: KubernetesEvidence = evidence[EvidenceKind.KUBERNETES]
    roles = kubernetes.of_kind("Role", "ClusterRole")
    bindings = kubernetes.of_kind("RoleBinding", "ClusterRoleBinding")
    if not roles and not bindings:
        return CheckOutcome(
            (), evidenced=False, missing="no RBAC manifests (Role, ClusterRole, bindings) found"
        )
    violations = []
    for role in roles:
        for rule in role.body.get("rules") or []:
            if not isinstance(rule, dict):
                continue
            wild = [
                f
                for f in ("verbs", "resources", "apiGroups")
                if "*" in [str(x) for x in rule.get(f) or []]
            ]
            if wild:
                violations.append(
                    Violation(
                        message=f"{role.kind} {role.name} has '*' in {', '.join(wild)}",
                        key=f"wildcard:{role.ref}:{','.join(wild)}",
                        path=role.path,
                        line=getattr(rule, "line", role.line),
                    )
                )
            resources = {str(x) for x in rule.get("resources") or []}
            if (
                role.kind == "ClusterRole"
                and resources & {"secrets", "*"}
                and _READ & {str(v) for v in rule.get("verbs") or []}
                and not rule.get("resourceNames")
            ):
                violations.append(
                    Violation(
                        message=f"ClusterRole {role.name} can read secrets in every namespace",
                        key=f"secrets:{role.ref}",
                        path=role.path,
                        line=getattr(rule, "line", role.line),
                    )
                )
    for binding in bindings:
        ref = binding.body.get("roleRef") or {}
        subjects = [s for s in binding.body.get("subjects") or [] if isinstance(s, dict)]
        if ref.get("name") == "cluster-admin":
            who = ", ".join(f"{s.get('kind')}/{s.get('name')}" for s in subjects) or "?"
            violations.append(
                Violation(
                    message=f"{binding.kind} {binding.name} grants cluster-admin to {who}",
                    key=f"cluster-admin:{binding.ref}",
                    path=binding.path,
                    line=binding.line,
                    severity=Severity.CRITICAL,
                )
            )
        public = sorted({str(s.get("name")) for s in subjects} & _PUBLIC)
        if public:
            violations.append(
                Violation(
                    message=f"{binding.kind} {binding.name} grants {ref.get('name')} to {', '.join(public)}",
                    key=f"public:{binding.ref}",
                    path=binding.path,
                    line=binding.line,
                    severity=Severity.CRITICAL,
                )
            )
    return CheckOutcome(tuple(violations), evidenced=True)
