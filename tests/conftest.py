"""Shared fixtures: real directory trees in temp dirs and the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from seawall.cli import main

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
INSECURE = EXAMPLES / "insecure-platform"
HARDENED = EXAMPLES / "hardened-platform"
SHARED = Path(os.environ.get("SEAWALL_SHARED", REPO.parent / "shared"))


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests never touch the user's cache; they share one per session."""
    previous = os.environ.get("SEAWALL_CACHE_DIR")
    os.environ["SEAWALL_CACHE_DIR"] = str(tmp_path_factory.mktemp("seawall-cache"))
    yield
    if previous is None:
        os.environ.pop("SEAWALL_CACHE_DIR", None)
    else:
        os.environ["SEAWALL_CACHE_DIR"] = previous


class GitRepo:
    """A real Git repository in a temp dir, with a fixed identity and clock."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.clock = 1_700_000_000
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, author: str = "Dev One") -> str:
        self.clock += 60
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": "dev@example.invalid",
            "GIT_COMMITTER_NAME": author,
            "GIT_COMMITTER_EMAIL": "dev@example.invalid",
            "GIT_AUTHOR_DATE": f"{self.clock} +0000",
            "GIT_COMMITTER_DATE": f"{self.clock} +0000",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        result = subprocess.run(
            ["git", "-C", str(self.root), *args],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        return result.stdout.strip()

    def write(self, files: Mapping[str, str | bytes]) -> None:
        write_tree(self.root, files)

    def commit(
        self, files: Mapping[str, str | bytes], message: str, author: str = "Dev One"
    ) -> str:
        self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, author=author)
        return self.git("rev-parse", "HEAD")

    def remove(self, *paths: str, message: str = "remove") -> str:
        self.git("rm", "-q", *paths)
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """An empty Git repository."""
    return GitRepo(tmp_path / "repo")


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Create files (text or bytes) under root, making folders as needed."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Callable[[Mapping[str, str | bytes]], Path]:
    """Build a platform tree from a {path: content} mapping."""

    def build(files: Mapping[str, str | bytes]) -> Path:
        return write_tree(tmp_path / "repo", files)

    return build


def run_cli(*args: str) -> Result:
    """Invoke the seawall CLI in-process (stdout and stderr kept apart)."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def scan_json(path: Path, *args: str) -> tuple[int, dict[str, Any]]:
    """Run `seawall scan PATH --format json` and parse the output."""
    result = run_cli("scan", str(path), "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def statuses(report: dict[str, Any]) -> dict[str, str]:
    """Control id -> status from a JSON report."""
    return {c["id"]: c["status"] for c in report["controls"]}
