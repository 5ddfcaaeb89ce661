"""The bundled example platforms: the insecure one fails, its hardened twin passes."""

from __future__ import annotations

from conftest import HARDENED, INSECURE, scan_json, statuses

CHECKED_CONTROLS = {
    "SI-1", "SI-2", "SI-3", "ED-1", "CR-1", "CR-2", "SC-1", "SC-2", "MI-2", "MI-3", "BR-1", "ED-2",
    "CP-2",
}  # fmt: skip
# Controls the hardened example evidences only in part: live checks (Postgres,
# TLS) have no target there, key rotation is judged against today's date, and its
# Terraform has no prod/non-prod split for CP2-002 to compare.
PARTIAL_IN_HARDENED = {"SI-1", "SI-2", "ED-1", "CP-2"}


FOUNDATION_CHECKS = {"SI1-001", "SI1-002", "SI1-003", "SI1-004", "CR1-001", "SC1-001", "SC2-001"}


def test_insecure_example_fails_the_checked_controls() -> None:
    code, report = scan_json(INSECURE)
    assert code == 1
    status = statuses(report)
    assert {c for c, s in status.items() if s == "fail"} == CHECKED_CONTROLS
    found = {(f["check"], f["path"]) for f in report["findings"] if f["check"] in FOUNDATION_CHECKS}
    assert found == {
        ("SI1-001", ".env"),
        ("SI1-002", "deploy/tls/warehouse.key"),
        ("SI1-003", ".pre-commit-config.yaml"),
        ("CR1-001", "docker/api/Dockerfile"),
        ("CR1-001", "docker/etl/Dockerfile"),
        ("SC1-001", "docker/api/Dockerfile"),
        ("SC1-001", "docker/etl/Dockerfile"),
        ("SC2-001", ".github/workflows/ci.yml"),
        ("SC2-001", ".github/workflows/deploy.yml"),
        ("SI1-004", ".env"),
        ("SI1-004", "deploy/tls/warehouse.key"),
        ("SI1-004", "logs/etl-2026-11-20.log"),
        ("SI1-004", "terraform/main.tf"),
    }
    pii = {
        (f["check"], f["message"].split(" holds ")[0])
        for f in report["findings"]
        if f["check"] in ("ED2-002", "CP2-001")
    }
    assert {column for _, column in pii} == {
        "non-prod data: column name",
        "non-prod data: column phone",
        "non-prod data: column card_number",
        "prod-like data in non-prod: column name",
        "prod-like data in non-prod: column phone",
        "prod-like data in non-prod: column card_number",
    }
    assert not report["errors"]


def test_hardened_example_passes_every_check_that_exists() -> None:
    code, report = scan_json(HARDENED)
    assert code == 0
    assert report["findings"] == [] and report["errors"] == []
    status = statuses(report)
    # Key rotation (SI1-005) is judged against today's date, so the example
    # carries no rotation log (a dated one would go stale): SI-1 is partial.
    for control in PARTIAL_IN_HARDENED:
        assert status[control] == "partial", control
    si1 = next(c for c in report["controls"] if c["id"] == "SI-1")
    assert "rotation log" in si1["summary"]
    for control in CHECKED_CONTROLS - PARTIAL_IN_HARDENED:
        assert status[control] == "pass", control
    for control in set(status) - CHECKED_CONTROLS:
        assert status[control] == "not-evidenced", control
        summary = next(c["summary"] for c in report["controls"] if c["id"] == control)
        # says which input would cover it
        assert "evidence would be" in summary or "[[postgres]] target" in summary
