"""Engine behaviour: broken checks and collectors, parallel runs, the Python API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import INSECURE, write_tree

import seawall
from seawall import _engine
from seawall._config import Config
from seawall._model import ControlStatus, FindingStatus
from seawall.checks import REGISTRY, load_check
from seawall.collectors import COLLECTORS


@pytest.fixture
def broken_check(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(REGISTRY, "CR1-900", "_broken_check")
    load_check.cache_clear()
    yield "CR1-900"
    load_check.cache_clear()


def test_a_check_that_raises_becomes_an_error_result(tmp_path: Path, broken_check: str) -> None:
    root = write_tree(tmp_path, {"Dockerfile": "FROM alpine\nUSER app\n"})
    report = _engine.run_scan(str(root), Config(select=("CR1-001", "CR1-900")))
    cr1 = next(c for c in report.controls if c.control_id == "CR-1")
    assert cr1.status is ControlStatus.ERROR
    assert "ValueError: boom in check" in report.errors[0].message
    assert report.errors[0].check_id == broken_check


def test_a_collector_that_raises_becomes_an_error_and_the_scan_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seawall._model import EvidenceKind

    monkeypatch.setitem(COLLECTORS, EvidenceKind.GITHUB_WORKFLOWS, "seawall.no_such_module")
    root = write_tree(
        tmp_path, {"Dockerfile": "FROM alpine\n", ".github/workflows/a.yml": "on: push\njobs: {}\n"}
    )
    report = _engine.run_scan(str(root))
    status = {c.control_id: c.status for c in report.controls}
    assert status["SC-2"] is ControlStatus.ERROR
    assert status["CR-1"] is ControlStatus.FAIL  # other collectors still ran
    assert "github-workflows collector failed: ModuleNotFoundError" in report.errors[0].message


def test_parallel_and_inline_runs_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inline = seawall.scan(str(INSECURE), Config(jobs=1))
    monkeypatch.setattr(_engine, "_PARALLEL_THRESHOLD", 0)
    parallel = seawall.scan(str(INSECURE), Config(jobs=2))
    assert parallel.findings == inline.findings
    assert [c.status for c in parallel.controls] == [c.status for c in inline.controls]


def test_public_api_scan_returns_a_report() -> None:
    report = seawall.scan(str(INSECURE))
    assert isinstance(report, seawall.Report)
    assert report.worst_severity() is seawall.Severity.CRITICAL
    assert all(f.status is FindingStatus.FAIL for f in report.findings)
    with pytest.raises(seawall.ConfigError):
        seawall.scan("/definitely/not/here")


def test_partial_when_some_checks_lack_evidence(tmp_path: Path) -> None:
    # SC-1 and CR-1 have Dockerfile checks only; SC-2 has a workflow check only. Give
    # SI-1 its evidence but deselect nothing: a control whose checks all ran with
    # evidence passes; one without evidence is not-evidenced with the reason.
    rotated = dt.datetime.now(dt.UTC).isoformat()
    root = write_tree(
        tmp_path,
        {
            ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8\n    hooks:\n      - id: gitleaks\n",
            ".seawall/key-rotations.jsonl": f'{{"key_id": "pii", "time": "{rotated}"}}\n',
        },
    )
    report = seawall.scan(str(root))
    status = {c.control_id: c for c in report.controls}
    assert status["SI-1"].status is ControlStatus.PASS
    assert status["CR-1"].status is ControlStatus.NOT_EVIDENCED
    assert "no Dockerfile found" in status["CR-1"].missing_evidence
    assert status["SI-1"].evidenced_clauses == (
        "No secrets anywhere in Git history.",
        "Rotation logs reach the SIEM.",
    )


def test_fingerprints_are_stable_and_distinct(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"Dockerfile": "FROM a:1\nFROM b:2\nFROM a:1\n"})
    first = [f.fingerprint for f in seawall.scan(str(root), Config(select=("SC1-001",))).findings]
    assert len(set(first)) == 3  # the repeated image gets an occurrence index
    (root / "Dockerfile").write_text("# moved\n\nFROM a:1\nFROM b:2\nFROM a:1\n")
    second = [f.fingerprint for f in seawall.scan(str(root), Config(select=("SC1-001",))).findings]
    assert sorted(first) == sorted(second)
