"""Collect committed dotenv files (evidence for SI-1).

Values are kept in memory only for the checks to judge; no check puts a value
in a finding.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import PurePosixPath

from dotenv.parser import parse_stream

from seawall.collectors import CollectContext, Collected, CollectorIssue
from seawall.collectors._files import FileKind, is_env_example_name

__all__ = ["EnvEntry", "EnvFile", "collect"]


@dataclass(frozen=True)
class EnvEntry:
    """One ``KEY=value`` binding and its 1-based line."""

    key: str
    value: str
    line: int


@dataclass(frozen=True)
class EnvFile:
    """A dotenv file and its bindings."""

    path: str
    is_example: bool
    entries: tuple[EnvEntry, ...]


def collect(context: CollectContext) -> Collected:
    """Parse every env file with python-dotenv's parser (quotes, ``export``, multi-line)."""
    files: list[EnvFile] = []
    issues: list[CollectorIssue] = []
    for source in context.tree.of_kind(FileKind.ENV_FILE):
        name = PurePosixPath(source.path).name
        text = context.read(source.path)
        if text.text is None:
            # A binary or unreadable .env is still a committed .env file.
            files.append(EnvFile(source.path, is_env_example_name(name), ()))
            issues.append(CollectorIssue(source.path, f"env file not parsed: {text.problem}"))
            continue
        entries: list[EnvEntry] = []
        for binding in parse_stream(io.StringIO(text.text)):
            if binding.error:
                issues.append(
                    CollectorIssue(source.path, "malformed env file line", binding.original.line)
                )
                continue
            if binding.key is not None:
                entries.append(EnvEntry(binding.key, binding.value or "", binding.original.line))
        files.append(EnvFile(source.path, is_env_example_name(name), tuple(entries)))
    return Collected(tuple(files), tuple(issues))
