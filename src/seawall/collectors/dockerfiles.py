"""Collect parsed Dockerfiles (evidence for CR-1, SC-1)."""

from __future__ import annotations

from seawall.collectors import CollectContext, Collected, CollectorIssue
from seawall.collectors._dockerfile import Dockerfile, DockerfileError, parse_dockerfile
from seawall.collectors._files import FileKind

__all__ = ["collect"]


def collect(context: CollectContext) -> Collected:
    """Parse every Dockerfile in the tree; a malformed one becomes an issue."""
    parsed: list[Dockerfile] = []
    issues: list[CollectorIssue] = []
    for source in context.tree.of_kind(FileKind.DOCKERFILE):
        text = context.read(source.path)
        if text.text is None:
            issues.append(CollectorIssue(source.path, f"Dockerfile not read: {text.problem}"))
            continue
        try:
            parsed.append(parse_dockerfile(source.path, text.text))
        except DockerfileError as exc:
            issues.append(CollectorIssue(source.path, f"malformed Dockerfile: {exc}", exc.line))
    return Collected(tuple(parsed), tuple(issues))
