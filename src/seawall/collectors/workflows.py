"""Collect GitHub Actions workflows (evidence for SC-2, later SC-1 and SI-2)."""

from __future__ import annotations

from dataclasses import dataclass

from seawall.collectors import CollectContext, Collected, CollectorIssue
from seawall.collectors._files import FileKind
from seawall.collectors._yaml import LineDict, YamlError, load_yaml_documents

__all__ = ["Workflow", "collect"]


@dataclass(frozen=True)
class Workflow:
    """A parsed workflow file (or local composite action); ``data`` keeps key line numbers."""

    path: str
    data: LineDict
    is_action: bool = False

    @property
    def triggers(self) -> set[str]:
        """Event names (YAML 1.1 reads a bare `on:` key as True)."""
        raw = self.data.get("on", self.data.get(True))
        if isinstance(raw, str):
            return {raw}
        if isinstance(raw, list):
            return {str(r) for r in raw}
        if isinstance(raw, dict):
            return {str(k) for k in raw}
        return set()

    def steps(self) -> list[tuple[str, LineDict]]:
        """(job id or 'action', step) for every step."""
        if self.is_action:
            runs = self.data.get("runs")
            steps = runs.get("steps") if isinstance(runs, dict) else None
            return [("action", s) for s in steps or [] if isinstance(s, LineDict)]
        return [
            (job_id, step)
            for job_id, job in self.jobs.items()
            for step in job.get("steps") or []
            if isinstance(step, LineDict)
        ]

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
    for source in context.tree.files:
        name = source.path.rsplit("/", 1)[-1]
        if name not in ("action.yml", "action.yaml") or "/.github/" not in f"/{source.path}":
            continue
        text = context.read(source.path)
        try:
            documents = load_yaml_documents(text.text or "")
        except YamlError as exc:
            issues.append(CollectorIssue(source.path, f"malformed action: {exc}", exc.line))
            continue
        action = documents[0] if documents else None
        runs = action.get("runs") if isinstance(action, LineDict) else None
        if (
            isinstance(action, LineDict)
            and isinstance(runs, dict)
            and runs.get("using") == "composite"
        ):
            workflows.append(Workflow(source.path, action, is_action=True))
    return Collected(tuple(workflows), tuple(issues))
