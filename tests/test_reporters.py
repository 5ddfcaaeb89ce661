"""Every output format: golden files, the JSON contract, SARIF schema validity."""

from __future__ import annotations

import dataclasses
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import INSECURE, SHARED, write_tree

from seawall._engine import run_scan
from seawall._model import Report
from seawall.reporters import FORMATS, render

GOLDEN = Path(__file__).parent / "golden"
EXTENSION = {"text": "txt", "json": "json", "sarif": "sarif", "junit": "xml", "markdown": "md"}


def stable(report: Report) -> Report:
    """The report with its machine-dependent parts (root, timing) fixed."""
    return dataclasses.replace(
        report, root="<root>", stats={**report.stats, "duration_seconds": 0.0}
    )


@pytest.fixture(scope="module")
def insecure_report() -> Report:
    return stable(run_scan(str(INSECURE), use_cache=False))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_golden_file(insecure_report: Report, fmt: str) -> None:
    rendered = render(insecure_report, fmt)
    golden = GOLDEN / f"insecure.{EXTENSION[fmt]}"
    if os.environ.get("SEAWALL_UPDATE_GOLDEN"):
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8"), (
        f"regenerate with SEAWALL_UPDATE_GOLDEN=1 if intended ({fmt})"
    )


def test_json_matches_the_contract(insecure_report: Report) -> None:
    data = json.loads(render(insecure_report, "json"))
    assert data["tool"] == {"name": "seawall", "version": insecure_report.tool_version}
    assert [c["id"] for c in data["controls"]] == [
        "SI-1", "SI-2", "SI-3", "ED-1", "ED-2", "ED-3", "CR-1", "CR-2",
        "SC-1", "SC-2", "MI-1", "MI-2", "MI-3", "BR-1", "CP-1", "CP-2",
    ]  # fmt: skip
    for control in data["controls"]:
        assert set(control) == {"id", "title", "status", "summary"}
        assert control["status"] in {"pass", "fail", "partial", "not-evidenced", "error"}
    for finding in data["findings"]:
        assert set(finding) == {
            "check", "control", "severity", "status", "message", "path", "line",
            "commit", "resource", "fingerprint", "remediation",
        }  # fmt: skip
        assert finding["status"] in {"fail", "suppressed"}
        assert finding["line"] is None or finding["line"] >= 1
        assert not str(finding["path"]).startswith("/")
    assert isinstance(data["stats"], dict)


def test_sarif_validates_against_the_official_schema(
    insecure_report: Report, tmp_path: Path
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema_path = SHARED / "schemas" / "sarif-schema-2.1.0.json"
    if not schema_path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"SARIF schema missing at {schema_path}")
        pytest.skip(f"SARIF schema not found at {schema_path} (set SEAWALL_SHARED)")
    schema = json.loads(schema_path.read_text())
    validator = jsonschema.Draft4Validator(schema)
    # The insecure example, plus a report with a suppression and an error in it.
    root = write_tree(
        tmp_path,
        {
            "Dockerfile": "# seawall: ignore[CR1-001] sandboxed\nFROM alpine\n",
            "bad/Dockerfile": "NOPE\n",
        },
    )
    for report in (insecure_report, run_scan(str(root))):
        log = json.loads(render(report, "sarif"))
        errors = sorted(validator.iter_errors(log), key=str)
        assert not errors, errors[0].message
    run = log["runs"][0]
    assert any(r.get("suppressions") for r in run["results"])
    assert run["invocations"][0]["toolExecutionNotifications"]
    assert run["invocations"][0]["executionSuccessful"] is False


def test_sarif_rules_carry_github_metadata(insecure_report: Report) -> None:
    run = json.loads(render(insecure_report, "sarif"))["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert set(rules) == set(insecure_report.checks_run)
    rule = rules["SI1-002"]
    assert rule["defaultConfiguration"]["level"] == "error"
    assert "SI-1" in rule["properties"]["tags"]
    assert float(rule["properties"]["security-severity"]) >= 9.0
    assert rule["help"]["markdown"] and rule["helpUri"].startswith("https://")
    for result in run["results"]:
        assert result["partialFingerprints"]["seawall/v1"]
        assert rules[result["ruleId"]] == run["tool"]["driver"]["rules"][result["ruleIndex"]]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"


def test_junit_is_well_formed_and_counts_failures(insecure_report: Report) -> None:
    root = ET.fromstring(render(insecure_report, "junit"))
    assert root.tag == "testsuites"
    failing_checks = {f.check_id for f in insecure_report.active_findings()}
    assert int(root.get("failures", "0")) == len(failing_checks)  # one per failing check
    suites = {s.get("name", "")[:4]: s for s in root.iter("testsuite")}
    assert len(suites) == 16
    assert suites["SI-2"].find("testcase/skipped") is not None


def test_outputs_escape_hostile_file_names(tmp_path: Path) -> None:
    name = "svc [red]x[/red] |pipe| <b>\x01 \u202e/Dockerfile"
    root = write_tree(tmp_path, {name: "FROM alpine\n"})
    report = run_scan(str(root))
    ET.fromstring(render(report, "junit"))  # still well-formed XML
    markdown = render(report, "markdown")
    assert "\\<b\\>" in markdown and "\\|pipe\\|" in markdown and "|pipe|" not in markdown
    # A bidi override in a pull-request comment would reorder the line: shown escaped.
    assert "\u202e" not in markdown and "\x01" not in markdown
    assert "\\\\u202e" in markdown and "\\\\x01" in markdown
    assert "[red]x[/red]" in render(report, "text")  # printed literally, not as markup


@pytest.mark.parametrize("color", [False, True])
def test_text_report_shows_terminal_controls_in_file_names_escaped(
    tmp_path: Path, color: bool
) -> None:
    # ESC [1A ESC [2K moves up and erases the line above: it could hide another finding.
    name = "up\x1b[1A\x1b[2Kgone \u202etxt.exe\r\x07/Dockerfile"
    root = write_tree(tmp_path, {name: "FROM alpine\n"})
    text = render(run_scan(str(root)), "text", color=color)
    assert "up\\x1b[1A\\x1b[2Kgone \\u202etxt.exe\\x0d\\x07/Dockerfile" in text
    for raw in ("\x1b[1A", "\x1b[2K", "\u202e", "\r", "\x07"):
        assert raw not in text
    if color:
        assert "\x1b[" in text  # the report's own styles are still there


def test_no_format_leaks_secret_values() -> None:
    report = run_scan(str(INSECURE))
    env_values = [
        line.split("=", 1)[1]
        for line in (INSECURE / ".env").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    ]
    secrets = [v for v in env_values if len(v) > 12]
    secrets.append((INSECURE / "deploy/tls/warehouse.key").read_text().splitlines()[1])
    assert secrets
    for fmt in FORMATS:
        out = render(report, fmt)
        for secret in secrets:
            assert secret not in out, fmt


def test_text_report_lays_out_line_breaks_and_escapes_other_controls(
    insecure_report: Report,
) -> None:
    control = next(c for c in insecure_report.controls if c.findings)
    finding = dataclasses.replace(
        control.findings[0], message="first line\nsecond\tline \x1b[2J cleared?"
    )
    changed = dataclasses.replace(control, findings=(finding, *control.findings[1:]))
    report = dataclasses.replace(
        insecure_report,
        controls=tuple(changed if c is control else c for c in insecure_report.controls),
    )
    text = render(report, "text")
    assert "first line second line \\x1b[2J cleared?" in text
    assert "\x1b" not in text
