"""Baselines: record current findings, then report only new ones."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import INSECURE, run_cli, scan_json


def test_baseline_round_trip_reports_only_new_findings(tmp_path: Path) -> None:
    root = tmp_path / "platform"
    shutil.copytree(INSECURE, root)
    baseline = tmp_path / "baseline.json"
    _, before = scan_json(root)
    count = len(before["findings"])
    result = run_cli("baseline", "create", str(root), "--output", str(baseline))
    assert result.exit_code == 0 and f"recorded {count} finding(s)" in result.stderr
    code, report = scan_json(root, "--baseline", str(baseline))
    assert (code, report["findings"], report["stats"]["baselined"]) == (0, [], count)

    # Edits above existing findings keep their fingerprints (no line numbers inside).
    dockerfile = root / "docker/etl/Dockerfile"
    dockerfile.write_text("# a new comment line\n\n" + dockerfile.read_text())
    (root / "docker/worker").mkdir()
    (root / "docker/worker/Dockerfile").write_text("FROM busybox\n")
    code, report = scan_json(root, "--baseline", str(baseline))
    assert {f["path"] for f in report["findings"]} == {"docker/worker/Dockerfile"}
    assert {f["check"] for f in report["findings"]} == {"CR1-001", "CR1-009", "SC1-001"}
    assert code == 1


def test_baseline_holds_no_lines_and_no_secret_values(tmp_path: Path) -> None:
    baseline = tmp_path / "b.json"
    run_cli("baseline", "create", str(INSECURE), "--output", str(baseline))
    text = baseline.read_text()
    document = json.loads(text)
    assert set(document["findings"][0]) == {"fingerprint", "check", "path"}
    env_values = [
        line.split("=", 1)[1]
        for line in (INSECURE / ".env").read_text().splitlines()
        if "=" in line
    ]
    key_body = (INSECURE / "deploy/tls/warehouse.key").read_text().splitlines()[1]
    for secret in [*env_values, key_body]:
        assert secret not in text


def test_bad_baseline_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = run_cli("scan", str(INSECURE), "--baseline", str(bad))
    assert result.exit_code == 2 and "not valid JSON" in result.stderr
    bad.write_text('{"findings": []}')
    assert "not a Seawall baseline" in run_cli("scan", str(INSECURE), "--baseline", str(bad)).stderr
