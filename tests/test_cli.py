"""The command line as a user meets it: help, exit codes, output files, explain."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HARDENED, INSECURE, run_cli


def test_console_script_runs_in_a_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "seawall", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "scan" in result.stdout
    version = subprocess.run(
        [sys.executable, "-m", "seawall", "--version"], capture_output=True, text=True, timeout=60
    )
    assert "seawall, version" in version.stdout


def test_exit_codes() -> None:
    assert run_cli("scan", str(INSECURE), "-q").exit_code == 1
    assert run_cli("scan", str(HARDENED), "-q").exit_code == 0
    assert (
        run_cli(
            "scan",
            str(INSECURE),
            "--fail-on",
            "critical",
            "--ignore",
            "SI1-002,SI1-004,SI1-006,SI2-003,SI3-003,CR1-003,MI2-001",
        ).exit_code
        == 0
    )
    assert run_cli("scan", "--format", "yaml").exit_code == 2
    assert run_cli("nonsense").exit_code == 2


def test_error_results_fail_the_gate_unless_told_otherwise(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("NOT A DOCKERFILE\n")
    assert run_cli("scan", str(tmp_path), "--select", "CR-1").exit_code == 1
    assert run_cli("scan", str(tmp_path), "--select", "CR-1", "--no-fail-on-error").exit_code == 0


def test_text_output_shows_matrix_findings_and_reasons() -> None:
    out = run_cli("scan", str(INSECURE)).stdout
    assert "\x1b[" not in out  # no colour when piped
    for control in ("SI-1", "SI-2", "CR-1", "CP-2"):
        assert control in out
    assert "docker/etl/Dockerfile:1" in out and "Fix:" in out
    assert "Not evidenced: the input that would cover each control" in out
    quiet = run_cli("scan", str(INSECURE), "-q").stdout
    assert "Control" not in quiet.splitlines()[0] and "docker/etl/Dockerfile:1" in quiet


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "markdown", "text"])
def test_output_file(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"report.{fmt}"
    result = run_cli("scan", str(INSECURE), "--format", fmt, "--output", str(target))
    assert result.exit_code == 1 and result.stdout == ""
    assert "SI1-002" in target.read_text()


def test_unwritable_output_exits_2(tmp_path: Path) -> None:
    result = run_cli("scan", str(HARDENED), "--output", str(tmp_path / "missing-dir" / "r.json"))
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_controls_listing() -> None:
    text = run_cli("controls").stdout
    assert len(text.strip().splitlines()) == 16 and "SI1-001" in text
    data = json.loads(run_cli("controls", "--format", "json").stdout)
    assert [c["id"] for c in data][:3] == ["SI-1", "SI-2", "SI-3"]
    assert data[0]["checks"] == [
        "SI1-001",
        "SI1-002",
        "SI1-003",
        "SI1-004",
        "SI1-005",
        "SI1-006",
        "SI1-007",
    ]


def test_explain_control_and_check() -> None:
    control = run_cli("explain", "cr-1").stdout
    assert "Runtime hardening" in control and "CR1-001" in control and "Verify:" in control
    check = run_cli("explain", "SC1-001").stdout
    for part in (
        "Failing example:",
        "Passing example:",
        "How to fix:",
        "References:",
        "FROM python",
    ):
        assert part in check
    unknown = run_cli("explain", "ZZ-9")
    assert unknown.exit_code == 2 and "unknown control or check id" in unknown.stderr
