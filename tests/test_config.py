"""Configuration files, selection and the exit-2 path for bad configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli, scan_json, write_tree

ROOT_DOCKERFILE = {
    "Dockerfile": "FROM alpine\n",
    ".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    runs-on: x\n",
}


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        ("selct = ['SI-1']\n", "unknown configuration key 'selct'"),
        ("select = ['XX-9']\n", "unknown check or control id 'XX-9'"),
        ("fail-on = 'urgent'\n", "unknown severity"),
        ("[environments]\nqa = ['x/**']\n", "unknown environment 'qa'"),
        ("[[suppress]]\ncheck = 'CR1-001'\npath = 'Dockerfile'\n", "needs a non-empty 'reason'"),
        (
            "[[suppress]]\ncheck = 'CR1-001'\nreason = 'x'\n",
            "give a 'path' glob or a 'fingerprint'",
        ),
        (
            "[[suppress]]\ncheck = 'CR1-001'\nreason = 'x'\npath = 'a'\nexpires = 'soon'\n",
            "'expires' must be a date",
        ),
        (
            "[[suppress]]\ncheck = 'CR1-001'\nreason = 'x'\npath = 'a'\nowner = 'me'\n",
            "unknown key 'owner'",
        ),
        ("max-file-size = -1\n", "max-file-size"),
        # A trailing backslash (TOML literal strings keep it as written).
        ("exclude = ['bad\\']\n", "exclude: 'bad\\\\' is not a valid path pattern"),
        ("[environments]\nprod = ['p\\']\n", "environments.prod: 'p\\\\' is not a valid"),
        ("[per-path-ignores]\n'q\\' = ['CR-1']\n", "per-path-ignores: 'q\\\\' is not a valid"),
        ("[secrets]\nallow-paths = ['s\\']\n", "secrets.allow-paths: 's\\\\' is not"),
        (
            "[[suppress]]\ncheck = 'CR1-001'\nreason = 'x'\npath = 'a\\'\n",
            "suppress[0].path: 'a\\\\' is not a valid path pattern",
        ),
        ("this is not toml\n", "invalid TOML"),
        (b"a = '\xff'\n", "invalid TOML in"),  # not UTF-8: tomllib raised UnicodeDecodeError
        # A reversed range compiles in neither pathspec nor the scan: a config error too.
        ("exclude = ['[z-a]']\n", "exclude: '[z-a]' is not a valid path pattern"),
        ("[secrets]\nallow-paths = ['x/[z-a]']\n", "secrets.allow-paths: 'x/[z-a]' is not"),
    ],
)
def test_invalid_config_exits_2_with_one_line_reason(
    tmp_path: Path, config: str | bytes, reason: str
) -> None:
    root = write_tree(tmp_path, {**ROOT_DOCKERFILE, "seawall.toml": config})
    result = run_cli("scan", str(root))
    assert result.exit_code == 2
    assert reason in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_pyproject_tool_table_is_read(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            **ROOT_DOCKERFILE,
            "pyproject.toml": "[project]\nname='x'\n[tool.seawall]\nselect = ['SC2-001']\n",
        },
    )
    _, report = scan_json(root)
    assert report["stats"]["checks_run"] == 1
    assert {f["check"] for f in report["findings"]} == {"SC2-001"}


def test_seawall_toml_wins_over_pyproject(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            **ROOT_DOCKERFILE,
            "pyproject.toml": "[tool.seawall]\nselect = ['SC-2']\n",
            "seawall.toml": "select = ['CR1-001']\n",
        },
    )
    _, report = scan_json(root)
    assert {f["check"] for f in report["findings"]} == {"CR1-001"}


def test_explicit_config_file(tmp_path: Path) -> None:
    root = write_tree(tmp_path, ROOT_DOCKERFILE)
    config = write_tree(tmp_path / "cfg", {"strict.toml": "select = ['CR1-001']\n"}) / "strict.toml"
    _, report = scan_json(root, "--config", str(config))
    assert {f["check"] for f in report["findings"]} == {"CR1-001"}
    missing = run_cli("scan", str(root), "--config", str(tmp_path / "nope.toml"))
    assert missing.exit_code == 2 and "cannot read config" in missing.stderr


def test_select_and_ignore_by_check_or_control(tmp_path: Path) -> None:
    root = write_tree(tmp_path, ROOT_DOCKERFILE)
    _, report = scan_json(root, "--select", "CR-1,SC1-001")
    assert {f["check"] for f in report["findings"]} == {"CR1-001", "CR1-009", "SC1-001"}
    _, report = scan_json(root, "--ignore", "SI-1", "--ignore", "SC1-001")
    assert {f["check"] for f in report["findings"]} == {"CR1-001", "CR1-009", "SC2-001"}
    statuses = {c["id"]: c for c in report["controls"]}
    assert statuses["SI-1"]["status"] == "not-evidenced"
    assert "not selected" in statuses["SI-1"]["summary"]


def test_unknown_id_on_command_line_exits_2(tmp_path: Path) -> None:
    result = run_cli("scan", str(write_tree(tmp_path, ROOT_DOCKERFILE)), "--select", "CR1-999")
    assert result.exit_code == 2 and "unknown check or control id 'CR1-999'" in result.stderr


def test_per_path_ignores(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "seawall.toml": "[per-path-ignores]\n'tests/**' = ['CR-1', 'SC1-001']\n",
            "tests/fixtures/Dockerfile": "FROM alpine\n",
            "Dockerfile": "FROM alpine\n",
        },
    )
    _, report = scan_json(root, "--select", "CR-1,SC-1")
    assert {f["path"] for f in report["findings"]} == {"Dockerfile"}


def test_exclude_from_config(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {"seawall.toml": "exclude = ['third_party/']\n", "third_party/Dockerfile": "FROM a\n"},
    )
    _, report = scan_json(root, "--select", "CR-1")
    assert report["findings"] == []
    assert next(c for c in report["controls"] if c["id"] == "CR-1")["status"] == "not-evidenced"


def test_fail_on_from_config_and_command_line(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {"Dockerfile": f"FROM alpine@sha256:{'a' * 64}\nUSER app\nFROM python:3\nUSER app\n"},
    )
    assert run_cli("scan", str(root), "--select", "SC1-001").exit_code == 0  # medium < high
    assert run_cli("scan", str(root), "--select", "SC1-001", "--fail-on", "medium").exit_code == 1
    write_tree(root, {"seawall.toml": "fail-on = 'low'\n"})
    assert run_cli("scan", str(root), "--select", "SC1-001").exit_code == 1


def test_missing_path_and_file_path_exit_2(tmp_path: Path) -> None:
    missing = run_cli("scan", str(tmp_path / "nope"))
    assert missing.exit_code == 2 and "path does not exist" in missing.stderr
    file_path = write_tree(tmp_path, {"f.txt": "x"}) / "f.txt"
    assert run_cli("scan", str(file_path)).exit_code == 2
