"""Collect Kubernetes objects from manifests (and rendered Helm/Kustomize output).

Multi-document files and ``List`` kinds are expanded; every workload kind's pod
spec is found and each container (init and ephemeral included) gets its
effective security context, the pod's merged under the container's own. A
namespace comes from the object's metadata, else from a ``kustomization.yaml``
``namespace:`` in the same folder, else ``default``. YAML that is not a
Kubernetes object is skipped; a file that looks like manifests but does not
parse is an error naming it. Seawall never runs helm or kustomize: rendered
output is read from a file or standard input (``--k8s-rendered``).
"""

from __future__ import annotations

import posixpath
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from seawall.collectors import CollectContext, Collected, CollectorIssue
from seawall.collectors._files import FileKind
from seawall.collectors._yaml import LineDict, YamlError, load_yaml_documents

__all__ = ["Container", "K8sObject", "KubernetesEvidence", "Workload", "collect", "pod_spec"]

WORKLOAD_KINDS = frozenset(
    {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"}
)
# Pod-level securityContext fields that also apply to each container.
_INHERITED = (
    "runAsNonRoot",
    "runAsUser",
    "runAsGroup",
    "seccompProfile",
    "appArmorProfile",
    "seLinuxOptions",
)


@dataclass(frozen=True)
class K8sObject:
    """One Kubernetes object and where it was written."""

    path: str
    line: int
    kind: str
    api_version: str
    name: str
    namespace: str
    body: LineDict

    @property
    def ref(self) -> str:
        """``Kind/namespace/name``."""
        return f"{self.kind}/{self.namespace}/{self.name}"


@dataclass(frozen=True)
class Container:
    """A container with its effective security context."""

    name: str
    image: str
    kind: str  # container, initContainer or ephemeralContainer
    security: dict[str, Any]
    line: int


@dataclass(frozen=True)
class Workload:
    """A workload object, its pod spec and containers."""

    obj: K8sObject
    pod: LineDict
    labels: dict[str, str]
    containers: tuple[Container, ...]


@dataclass(frozen=True)
class KubernetesEvidence:
    """All objects, and the workloads among them."""

    objects: tuple[K8sObject, ...]
    workloads: tuple[Workload, ...]
    notes: tuple[str, ...] = ()

    def of_kind(self, *kinds: str) -> list[K8sObject]:
        """Objects of these kinds."""
        return [o for o in self.objects if o.kind in kinds]

    def namespaces_with_workloads(self) -> dict[str, list[Workload]]:
        """Namespace -> workloads running there."""
        result: dict[str, list[Workload]] = {}
        for workload in self.workloads:
            result.setdefault(workload.obj.namespace, []).append(workload)
        return result


def pod_spec(kind: str, body: dict[str, Any]) -> tuple[LineDict | None, dict[str, str]]:
    """The pod spec and pod labels of a workload object."""
    spec = body.get("spec")
    if not isinstance(spec, dict):
        return None, {}
    if kind == "Pod":
        labels = (body.get("metadata") or {}).get("labels") or {}
        return (spec if isinstance(spec, LineDict) else None), dict(labels) if isinstance(
            labels, dict
        ) else {}
    template: Any = spec
    if kind == "CronJob":
        template = (spec.get("jobTemplate") or {}).get("spec") or {}
    template = template.get("template") if isinstance(template, dict) else None
    if not isinstance(template, dict):
        return None, {}
    pod = template.get("spec")
    labels = (template.get("metadata") or {}).get("labels") or {}
    return (pod if isinstance(pod, LineDict) else None), dict(labels) if isinstance(
        labels, dict
    ) else {}


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _containers(pod: LineDict) -> tuple[Container, ...]:
    pod_context = _mapping(pod.get("securityContext"))
    result = []
    for field, label in (
        ("containers", "container"),
        ("initContainers", "initContainer"),
        ("ephemeralContainers", "ephemeralContainer"),
    ):
        for raw in pod.get(field) or []:
            if not isinstance(raw, dict):
                continue
            own = _mapping(raw.get("securityContext"))
            effective = {key: pod_context[key] for key in _INHERITED if key in pod_context}
            effective.update(own)
            line = raw.line if isinstance(raw, LineDict) else pod.line
            result.append(
                Container(
                    str(raw.get("name", "?")), str(raw.get("image", "")), label, effective, line
                )
            )
    return tuple(result)


def _kustomize_namespaces(context: CollectContext) -> dict[str, str]:
    namespaces = {}
    for source in context.tree.files:
        if posixpath.basename(source.path) not in ("kustomization.yaml", "kustomization.yml"):
            continue
        text = context.read(source.path)
        try:
            documents = load_yaml_documents(text.text or "")
        except YamlError:
            continue
        if (
            documents
            and isinstance(documents[0], dict)
            and isinstance(documents[0].get("namespace"), str)
        ):
            namespaces[posixpath.dirname(source.path)] = documents[0]["namespace"]
    return namespaces


def _objects(path: str, documents: list[Any], default_namespace: str) -> Iterator[K8sObject]:
    queue = list(documents)
    while queue:
        document = queue.pop(0)
        if not isinstance(document, LineDict):
            continue
        kind, api_version = document.get("kind"), document.get("apiVersion")
        if not isinstance(kind, str) or not isinstance(api_version, str):
            continue  # YAML that is not a Kubernetes object
        if kind.endswith("List") and isinstance(document.get("items"), list):
            queue.extend(document["items"])
            continue
        metadata = _mapping(document.get("metadata"))
        namespace = metadata.get("namespace") or default_namespace
        yield K8sObject(
            path=path,
            line=document.line,
            kind=kind,
            api_version=api_version,
            name=str(metadata.get("name", "?")),
            namespace=str(namespace),
            body=document,
        )


def _looks_like_manifests(text: str) -> bool:
    return "apiVersion" in text and "kind" in text


def collect(context: CollectContext) -> Collected:
    """Parse every YAML file that holds Kubernetes objects, plus rendered input."""
    namespaces = _kustomize_namespaces(context)
    objects: list[K8sObject] = []
    issues: list[CollectorIssue] = []
    sources: list[tuple[str, str | None, str | None]] = []
    for source in context.tree.of_kind(FileKind.YAML):
        read = context.read(source.path)
        sources.append((source.path, read.text, read.problem))
    rendered = context.options.k8s_rendered
    if rendered:
        try:
            if rendered == "-":
                content = sys.stdin.read()
            else:
                with open(rendered, encoding="utf-8", errors="replace") as handle:
                    content = handle.read()
            sources.append((f"<rendered:{rendered}>", content, None))
        except OSError as exc:
            issues.append(
                CollectorIssue(rendered, f"cannot read rendered manifests: {exc.strerror}")
            )
    charts = {
        posixpath.dirname(f.path)
        for f in context.tree.files
        if posixpath.basename(f.path) == "Chart.yaml"
    }
    templates: list[str] = []
    for path, text, problem in sources:
        if text is not None and "{{" in text and _in_chart(path, charts):
            templates.append(path)  # Go templates are not YAML until helm renders them
            continue
        if text is None:
            if problem and problem != "binary file":
                issues.append(CollectorIssue(path, f"manifest not read: {problem}"))
            continue
        if not _looks_like_manifests(text):
            continue
        try:
            documents = load_yaml_documents(text)
        except YamlError as exc:
            issues.append(CollectorIssue(path, f"malformed YAML: {exc}", exc.line))
            continue
        namespace = namespaces.get(posixpath.dirname(path), "default")
        objects.extend(_objects(path, documents, namespace))
    workloads = []
    partial: list[str] = []
    for obj in objects:
        if obj.kind not in WORKLOAD_KINDS:
            continue
        pod, labels = pod_spec(obj.kind, obj.body)
        if pod is None:
            partial.append(obj.path)  # a kustomize patch or overlay fragment, not a full object
            continue
        workloads.append(Workload(obj, pod, labels, _containers(pod)))
    notes: list[str] = []
    if templates:
        notes.append(
            f"{len(templates)} Helm template file(s) not scanned (e.g. {templates[0]}): "
            "render them with `helm template … > out.yaml` and pass --k8s-rendered out.yaml"
        )
    if partial:
        notes.append(
            f"{len(partial)} workload object(s) without a pod spec skipped as patches "
            f"(e.g. {partial[0]})"
        )
    return Collected(
        KubernetesEvidence(tuple(objects), tuple(workloads), tuple(notes)), tuple(issues)
    )


def _in_chart(path: str, charts: set[str]) -> bool:
    directory = posixpath.dirname(path)
    while directory:
        if directory in charts:
            return True
        directory = posixpath.dirname(directory)
    return "" in charts or "/templates/" in f"/{path}"
