"""Collect GitLab CI pipelines: ``.gitlab-ci.yml`` with its local includes."""

from __future__ import annotations

from dataclasses import dataclass

from seawall.collectors import CollectContext, Collected, CollectorIssue
from seawall.collectors._yaml import LineDict, YamlError, load_yaml_documents

__all__ = ["GitlabJob", "GitlabPipeline", "collect"]

_KEYWORDS = frozenset(
    {
        "stages",
        "variables",
        "default",
        "include",
        "workflow",
        "image",
        "services",
        "before_script",
        "after_script",
        "cache",
        "pages",
    }
)
_MAX_INCLUDES = 50


@dataclass(frozen=True)
class GitlabJob:
    """One job and the file that defines it."""

    name: str
    path: str
    body: LineDict


@dataclass(frozen=True)
class GitlabPipeline:
    """The jobs of the root pipeline and its local includes (empty when there is none)."""

    path: str | None
    jobs: tuple[GitlabJob, ...]


def _local_includes(document: LineDict) -> list[str]:
    include = document.get("include")
    items = include if isinstance(include, list) else [include] if include else []
    paths = []
    for item in items:
        if isinstance(item, str) and not item.startswith(("http://", "https://")):
            paths.append(item)
        elif isinstance(item, dict) and isinstance(item.get("local"), str):
            paths.append(item["local"])
    return [p.lstrip("/") for p in paths]


def collect(context: CollectContext) -> Collected:
    """Parse the root pipeline and follow `include: local` files inside the repository."""
    known = {f.path for f in context.tree.files}
    if ".gitlab-ci.yml" not in known:
        return Collected(GitlabPipeline(None, ()))
    jobs: list[GitlabJob] = []
    issues: list[CollectorIssue] = []
    queue: list[str] = [".gitlab-ci.yml"]
    seen: set[str] = set()
    while queue and len(seen) < _MAX_INCLUDES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        if path not in known:
            issues.append(CollectorIssue(path, "included file not found in the repository"))
            continue
        text = context.read(path)
        try:
            documents = load_yaml_documents(text.text or "")
        except YamlError as exc:
            issues.append(CollectorIssue(path, f"malformed GitLab CI YAML: {exc}", exc.line))
            continue
        document = documents[0] if documents else None
        if not isinstance(document, LineDict):
            continue
        queue.extend(_local_includes(document))
        for name, body in document.items():
            if (
                isinstance(name, str)
                and name not in _KEYWORDS
                and not name.startswith(".")
                and isinstance(body, LineDict)
            ):
                jobs.append(GitlabJob(name, path, body))
    return Collected(GitlabPipeline(".gitlab-ci.yml", tuple(jobs)), tuple(issues))
