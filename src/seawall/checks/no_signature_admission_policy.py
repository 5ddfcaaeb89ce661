"""SC1-005: no admission policy verifies image signatures, or one accepts any identity."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._k8s import NO_WORKLOADS, deployment
from seawall.collectors.kubernetes import KubernetesEvidence

META = CheckMeta(
    id="SC1-005",
    control="SC-1",
    severity=Severity.MEDIUM,
    title="Image signatures not verified at admission",
    rationale="Zero unsigned images in prod needs the cluster to refuse them: a Kyverno verifyImages rule or a Sigstore ClusterImagePolicy. A policy whose identity is '.*' or '*' accepts a signature from anyone, which proves nothing.",
    remediation="Add a Kyverno ClusterPolicy with verifyImages (or a policy-controller ClusterImagePolicy) that pins the signing identity (issuer and subject of your CI).",
    needs=(EvidenceKind.KUBERNETES,),
    verify_clause="Zero unsigned images in prod.",
    references=(
        "https://kyverno.io/docs/writing-policies/verify-images/",
        "https://docs.sigstore.dev/policy-controller/overview/",
    ),
    example_fail=(("k8s/etl.yaml", deployment()),),
    example_pass=(
        ("k8s/etl.yaml", deployment()),
        (
            "k8s/verify.yaml",
            "apiVersion: policy.sigstore.dev/v1beta1\nkind: ClusterImagePolicy\nmetadata: {name: signed}\nspec:\n  images: [{glob: 'registry.example/**'}]\n  authorities:\n  - keyless:\n      identities:\n      - issuer: https://token.actions.githubusercontent.com\n        subject: https://github.com/acme/platform/.github/workflows/release.yml@refs/heads/main\n",
        ),
    ),
)

_ANY = {".*", "*", "^.*$", ".+"}


_NODE_LIMIT = 20_000  # YAML aliases share nodes; walking them must stay bounded


def _walk(body: object) -> list[object]:
    seen: set[int] = set()
    nodes: list[object] = []
    stack = [body]
    while stack and len(nodes) < _NODE_LIMIT:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        nodes.append(item)
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return nodes


def _identities(body: object) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for item in _walk(body):
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("identities", "subjects", "attestors") and isinstance(value, list):
                    found.extend(v for v in value if isinstance(v, dict))
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """A verifying admission policy exists, and pins an identity."""
    kubernetes: KubernetesEvidence = evidence[EvidenceKind.KUBERNETES]
    if not kubernetes.workloads:
        return CheckOutcome((), evidenced=False, missing=NO_WORKLOADS)
    kyverno = [
        o
        for o in kubernetes.of_kind("ClusterPolicy", "Policy")
        if any(isinstance(n, dict) and "verifyImages" in n for n in _walk(o.body))
    ]
    sigstore = kubernetes.of_kind("ClusterImagePolicy")
    violations = []
    if not kyverno and not sigstore:
        first = kubernetes.workloads[0].obj
        violations.append(
            Violation(
                message="no Kyverno verifyImages policy or Sigstore ClusterImagePolicy: unsigned images are admitted",
                key="no-admission",
                path=first.path,
                line=first.line,
            )
        )
    for policy in [*kyverno, *sigstore]:
        for identity in _identities(policy.body):
            values = {
                str(v)
                for k, v in identity.items()
                if k in ("subject", "subjectRegExp", "issuer", "issuerRegExp", "subjectRegexp")
            }
            if values & _ANY:
                violations.append(
                    Violation(
                        message=f"{policy.kind} {policy.name} accepts signatures from any identity",
                        key=f"any-identity:{policy.ref}",
                        path=policy.path,
                        line=policy.line,
                    )
                )
                break
    return CheckOutcome(tuple(violations), evidenced=True)
