"""Collect GitHub Actions workflows (evidence for SC-2, later SC-1 and SI-2)."""

from __future__ import annotations

from dataclasses import dataclass

from seawall.collectors import CollectContext, Collected, CollectorIssue
from seawall.collectors._files import FileKind
from seawall.collectors._yaml import LineDict, YamlError, load_yaml_documents

__all__ = ["Workflow", "collect"]


@dataclass(frozen=True)
class Workflow:
    """A parsed workflow file; ``data`` keeps key line numbers."""

    path: str
    data: LineDict

    @property
    def jobs(self) -> dict[str, LineDict]:
        """The workflow's jobs that are mappings, by job id."""
        jobs = self.data.get("jobs")
        if not isinstance(jobs, dict):
            return {}
        return {str(k): v for k, v in jobs.items() if isinstance(v, LineDict)}


def collect(context: CollectContext) -> Collected:
    """Parse every ``.github/workflows/*.yml``; malformed files become issues."""
    workflows: list[Workflow] = []
    issues: list[CollectorIssue] = []
    for source in context.tree.of_kind(FileKind.GITHUB_WORKFLOW):
        text = context.read(source.path)
        if text.text is None:
            issues.append(CollectorIssue(source.path, f"workflow not read: {text.problem}"))
            continue
        try:
            documents = load_yaml_documents(text.text)
        except YamlError as exc:
            issues.append(CollectorIssue(source.path, f"malformed workflow: {exc}", exc.line))
            continue
        if len(documents) != 1 or not isinstance(documents[0], LineDict):
            issues.append(
                CollectorIssue(source.path, "malformed workflow: expected one YAML mapping")
            )
            continue
        data = documents[0]
        if not isinstance(data.get("jobs"), dict):
            issues.append(
                CollectorIssue(source.path, "malformed workflow: no 'jobs' mapping", data.line)
            )
            continue
        workflows.append(Workflow(source.path, data))
    return Collected(tuple(workflows), tuple(issues))
