"""Every check's documented failing example fails and its passing example passes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import scan_json, write_tree

from seawall._model import EvidenceKind
from seawall.checks import REGISTRY, load_check

# Live checks' examples are SQL, settings and endpoint configs; tests/test_postgres.py,
# tests/test_elevation.py and tests/test_tls.py run them against real servers.
# Key rotation is judged against the clock; tests/test_protect_keys.py writes dated logs.
LIVE = {EvidenceKind.POSTGRES, EvidenceKind.TLS, EvidenceKind.KEY_ROTATION}
FILE_CHECKS = sorted(c for c in REGISTRY if not LIVE & set(load_check(c).meta.needs))


@pytest.mark.parametrize("check_id", FILE_CHECKS)
def test_failing_example_fails(check_id: str, tmp_path: Path) -> None:
    meta = load_check(check_id).meta
    root = write_tree(tmp_path, dict(meta.example_fail))
    _, report = scan_json(root, "--select", check_id)
    assert [f["check"] for f in report["findings"]], f"{check_id} example_fail did not fail"
    assert {f["check"] for f in report["findings"]} == {check_id}
    control = next(c for c in report["controls"] if c["id"] == meta.control)
    assert control["status"] == "fail"
    assert not report["errors"]


@pytest.mark.parametrize("check_id", FILE_CHECKS)
def test_passing_example_passes(check_id: str, tmp_path: Path) -> None:
    meta = load_check(check_id).meta
    root = write_tree(tmp_path, dict(meta.example_pass))
    code, report = scan_json(root, "--select", check_id)
    assert report["findings"] == []
    assert not report["errors"]
    control = next(c for c in report["controls"] if c["id"] == meta.control)
    # A settings-only check backs its clause without evidencing it on its own.
    assert control["status"] == ("pass" if meta.evidences_clause else "not-evidenced")
    assert code == 0
