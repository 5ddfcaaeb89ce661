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


def _findings(tmp_path: Path, files: dict[str, str], check: str) -> list[dict[str, object]]:
    _, report = scan_json(write_tree(tmp_path, files), "--select", check)
    assert not report["errors"]
    return list(report["findings"])


def test_artipacked_is_high_when_the_workspace_is_uploaded(tmp_path: Path) -> None:
    workflow = (
        "name: b\non: push\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n"
        "      - uses: actions/upload-artifact@b4b15b8c7c6ac21ea08fcf65892d2ee8f75cf882\n"
        "        with:\n          path: .\n"
    )
    (finding,) = _findings(tmp_path, {".github/workflows/b.yml": workflow}, "SC2-007")
    assert finding["severity"] == "high" and "uploads the workspace" in finding["message"]


def test_github_env_only_in_privileged_triggers(tmp_path: Path) -> None:
    body = (
        "permissions:\n  contents: read\njobs:\n  j:\n    runs-on: windows-latest\n    steps:\n"
        '      - run: echo "X=${{ github.event.comment.body }}" | Out-File -Append $env:GITHUB_ENV\n'
    )
    assert (
        _findings(
            tmp_path / "a", {".github/workflows/a.yml": "name: a\non: push\n" + body}, "SC2-008"
        )
        == []
    )
    (finding,) = _findings(
        tmp_path / "b",
        {".github/workflows/a.yml": "name: a\non: issue_comment\n" + body},
        "SC2-008",
    )
    assert "writes to GITHUB_ENV in a workflow triggered by issue_comment" in str(
        finding["message"]
    )


def test_cache_poisoning_on_tag_pushes(tmp_path: Path) -> None:
    workflow = (
        "name: r\non:\n  push:\n    tags: ['v*']\npermissions:\n  contents: read\njobs:\n  release:\n"
        "    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af\n"
        "        with:\n          cache: npm\n      - run: npm publish\n"
    )
    (finding,) = _findings(tmp_path, {".github/workflows/r.yml": workflow}, "SC2-009")
    assert "actions/setup-node" in str(finding["message"])
