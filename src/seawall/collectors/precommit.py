"""Collect the repository's pre-commit configuration (evidence for SI-1)."""

from __future__ import annotations

from dataclasses import dataclass

from seawall.collectors import CollectContext, Collected, CollectorIssue
from seawall.collectors._files import FileKind
from seawall.collectors._yaml import LineDict, YamlError, load_yaml_documents

__all__ = ["PrecommitConfig", "PrecommitHook", "collect"]


@dataclass(frozen=True)
class PrecommitHook:
    """One hook entry of a pre-commit config."""

    repo: str
    hook_id: str
    entry: str
    stages: tuple[str, ...] | None  # None: the config's default stages apply
    line: int


@dataclass(frozen=True)
class PrecommitConfig:
    """The root pre-commit config, or its absence (``path`` is None)."""

    path: str | None
    hooks: tuple[PrecommitHook, ...]
    default_stages: tuple[str, ...] | None


def _strings(value: object) -> tuple[str, ...] | None:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return None


def collect(context: CollectContext) -> Collected:
    """Read the root ``.pre-commit-config.yaml`` (pre-commit ignores nested ones)."""
    configs = [f for f in context.tree.of_kind(FileKind.PRECOMMIT_CONFIG) if "/" not in f.path]
    if not configs:
        return Collected(PrecommitConfig(None, (), None))
    path = configs[0].path
    text = context.read(path)
    if text.text is None:
        return Collected(
            None, (CollectorIssue(path, f"pre-commit config not read: {text.problem}"),)
        )
    try:
        documents = load_yaml_documents(text.text)
    except YamlError as exc:
        return Collected(
            None, (CollectorIssue(path, f"malformed pre-commit config: {exc}", exc.line),)
        )
    data = documents[0] if len(documents) == 1 else None
    if not isinstance(data, LineDict) or not isinstance(data.get("repos"), list):
        issue = CollectorIssue(path, "malformed pre-commit config: expected a mapping with 'repos'")
        return Collected(None, (issue,))
    hooks: list[PrecommitHook] = []
    for repo in data["repos"]:
        if not isinstance(repo, LineDict) or not isinstance(repo.get("hooks"), list):
            line = repo.line if isinstance(repo, LineDict) else None
            issue = CollectorIssue(
                path, "malformed pre-commit config: a repo without 'hooks'", line
            )
            return Collected(None, (issue,))
        for hook in repo["hooks"]:
            if not isinstance(hook, LineDict) or "id" not in hook:
                line = hook.line if isinstance(hook, LineDict) else repo.line
                issue = CollectorIssue(
                    path, "malformed pre-commit config: a hook without 'id'", line
                )
                return Collected(None, (issue,))
            hooks.append(
                PrecommitHook(
                    repo=str(repo.get("repo", "")),
                    hook_id=str(hook["id"]),
                    entry=str(hook.get("entry", "")),
                    stages=_strings(hook.get("stages")),
                    line=hook.line,
                )
            )
    return Collected(PrecommitConfig(path, tuple(hooks), _strings(data.get("default_stages"))))
