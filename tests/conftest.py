"""Shared fixtures: real directory trees in temp dirs and the real CLI."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
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
