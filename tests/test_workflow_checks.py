"""SC2-001: GitHub Actions token permissions."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import scan_json, write_tree

JOB = "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"


def run(root: Path) -> tuple[int, list[dict[str, object]], list[dict[str, object]]]:
    code, report = scan_json(root, "--select", "SC2-001")
    return code, report["findings"], report["errors"]


@pytest.mark.parametrize(
    ("workflow", "line", "severity", "needle"),
    [
        ("on: push\n" + JOB, 1, "medium", "No top-level permissions"),
        ("on: push\npermissions: write-all\n" + JOB, 2, "high", "write-all"),
        (
            "on: push\npermissions:\n  contents: write\n  packages: read\n" + JOB,
            2,
            "medium",
            "contents: write",
        ),
        (
            "on: push\npermissions: {}\njobs:\n  build:\n    runs-on: x\n    permissions: write-all\n    steps: []\n",
            6,
            "high",
            "Job 'build'",
        ),
    ],
)
def test_permissive_workflows_fail(
    tmp_path: Path, workflow: str, line: int, severity: str, needle: str
) -> None:
    code, findings, errors = run(write_tree(tmp_path, {".github/workflows/ci.yml": workflow}))
    assert not errors
    assert [(f["line"], f["severity"]) for f in findings] == [(line, severity)]
    assert needle in str(findings[0]["message"])
    assert code == (1 if severity == "high" else 0)  # default --fail-on is high


@pytest.mark.parametrize(
    "workflow",
    [
        "on: push\npermissions:\n  contents: read\n" + JOB,
        "on: push\npermissions: read-all\n" + JOB,
        "on: push\npermissions: {}\n" + JOB,
        "on: push\njobs:\n  a:\n    permissions: {contents: read}\n    runs-on: x\n  b:\n    permissions: {}\n    runs-on: x\n",
    ],
)
def test_read_only_workflows_pass(tmp_path: Path, workflow: str) -> None:
    code, findings, errors = run(write_tree(tmp_path, {".github/workflows/ci.yaml": workflow}))
    assert (code, findings, errors) == (0, [], [])


def test_only_workflow_folder_counts(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "ci/workflow.yml": "on: push\n" + JOB,
            ".github/workflows/ok.yml": "on: push\npermissions: {}\n" + JOB,
        },
    )
    _, findings, _ = run(root)
    assert findings == []


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("on: push\njobs:\n  build: [\n", 4),
        ("on: push\n  bad indent: x\n jobs: {}\n", 2),
        ("- a list\n", None),
        ("on: push\nname: no jobs\n", 1),
        ("", None),
    ],
)
def test_malformed_workflow_is_an_error_naming_the_file(
    tmp_path: Path, content: str, line: int | None
) -> None:
    root = write_tree(
        tmp_path,
        {".github/workflows/bad.yml": content, ".github/workflows/good.yml": "on: push\n" + JOB},
    )
    code, findings, errors = run(root)
    assert [e["path"] for e in errors] == [".github/workflows/bad.yml"]
    if line is not None:
        assert errors[0]["line"] == line
    assert [f["path"] for f in findings] == [".github/workflows/good.yml"]
    assert code == 1


def test_yaml_tags_are_not_constructed(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            ".github/workflows/evil.yml": "on: !!python/object/apply:os.system ['touch pwned']\n"
            + JOB
        },
    )
    _, _, errors = run(root)
    assert errors and "invalid YAML" in str(errors[0]["message"])
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()
