"""Collectors turn raw input into typed evidence; they never judge.

The registry maps each evidence kind to the module that collects it, imported
only when a selected check needs that kind.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from seawall._model import EvidenceKind
from seawall.collectors._files import FileTree, TextFile, read_text
from seawall.collectors._options import ScanOptions

__all__ = ["COLLECTORS", "CollectContext", "Collected", "CollectorIssue", "run_collector"]


@dataclass(frozen=True)
class CollectorIssue:
    """An input a collector could not turn into evidence (becomes an `error` result)."""

    path: str | None
    message: str
    line: int | None = None


@dataclass(frozen=True)
class Collected:
    """A collector's output: the evidence and the inputs it could not read."""

    evidence: Any
    issues: tuple[CollectorIssue, ...] = ()


@dataclass
class CollectContext:
    """What every collector gets: the root, its file tree and a shared text cache.

    The cache means a file several collectors (and the suppression scan) look
    at is read and decoded once.
    """

    root: str
    tree: FileTree
    max_file_size: int
    options: ScanOptions = field(default_factory=ScanOptions)
    _texts: dict[str, TextFile] = field(default_factory=dict)

    def read(self, rel_path: str) -> TextFile:
        """The file's text (cached), or a TextFile whose ``problem`` says why not."""
        cached = self._texts.get(rel_path)
        if cached is None:
            cached = read_text(self.root, rel_path, self.max_file_size)
            self._texts[rel_path] = cached
        return cached

    def texts_read(self) -> dict[str, TextFile]:
        """Every file read so far, by relative path."""
        return dict(self._texts)


COLLECTORS: dict[EvidenceKind, str] = {
    EvidenceKind.DOCKERFILES: "seawall.collectors.dockerfiles",
    EvidenceKind.GITHUB_WORKFLOWS: "seawall.collectors.workflows",
    EvidenceKind.PRECOMMIT: "seawall.collectors.precommit",
    EvidenceKind.ENV_FILES: "seawall.collectors.envfiles",
    EvidenceKind.KEY_FILES: "seawall.collectors.keyfiles",
    EvidenceKind.SECRETS: "seawall.collectors.secrets",
    EvidenceKind.POSTGRES: "seawall.collectors.postgres",
    EvidenceKind.TLS: "seawall.collectors.tls",
    EvidenceKind.KUBERNETES: "seawall.collectors.kubernetes",
    EvidenceKind.GITLAB_CI: "seawall.collectors.gitlab",
    EvidenceKind.PII: "seawall.collectors.data_pii",
    EvidenceKind.LOGS: "seawall.collectors.logs",
    EvidenceKind.KEY_ROTATION: "seawall.collectors.key_rotation",
    EvidenceKind.TERRAFORM: "seawall.collectors.terraform",
}


def run_collector(kind: EvidenceKind, context: CollectContext) -> Collected:
    """Collect one kind of evidence (the file tree itself is already in the context)."""
    if kind is EvidenceKind.FILE_TREE:
        return Collected(context.tree)
    module = importlib.import_module(COLLECTORS[kind])
    collect: Callable[[CollectContext], Collected] = module.collect
    return collect(context)
