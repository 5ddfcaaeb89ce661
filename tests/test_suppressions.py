"""Inline and config suppressions; suppressed findings stay visible."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import scan_json, write_tree


def test_inline_suppression_on_the_line_and_the_line_above(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "a/Dockerfile": "FROM alpine\n# seawall: ignore[CR1-001] build-only image, never deployed\nUSER root\n",
            # Dockerfiles have no trailing comments, so this one sits on the line above.
            "b/Dockerfile": "# seawall: ignore[CR-1] runs in a gVisor sandbox\nFROM alpine\n",
        },
    )
    code, report = scan_json(root, "--select", "CR1-001")
    assert code == 0
    assert {f["path"]: f["status"] for f in report["findings"]} == {
        "a/Dockerfile": "suppressed",
        "b/Dockerfile": "suppressed",
    }
    reasons = {s["reason"] for s in report["suppressions"]}
    assert reasons == {"build-only image, never deployed", "runs in a gVisor sandbox"}
    assert next(c for c in report["controls"] if c["id"] == "CR-1")["status"] == "pass"
    assert report["stats"]["suppressed"] == 2


def test_inline_suppression_without_reason_is_not_honoured(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"Dockerfile": "# seawall: ignore[CR1-001]\nFROM alpine\n"})
    code, report = scan_json(root, "--select", "CR1-001")
    assert [f["status"] for f in report["findings"]] == ["fail"]
    assert any(n["kind"] == "invalid-suppression" and n["line"] == 1 for n in report["notices"])
    assert code == 1


def test_inline_suppression_for_another_check_does_not_apply(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {"Dockerfile": "# seawall: ignore[SC1-001] pinned by the build system\nFROM alpine\n"},
    )
    _, report = scan_json(root, "--select", "CR1-001,SC1-001")
    status = {f["check"]: f["status"] for f in report["findings"]}
    assert status == {"CR1-001": "fail", "SC1-001": "suppressed"}


def test_unused_inline_suppression_is_reported(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {"Dockerfile": "FROM alpine\n# seawall: ignore[CR1-001] stale\nUSER app\n\nRUN true\n"},
    )
    _, report = scan_json(root, "--select", "CR1-001")
    assert report["findings"] == []
    assert [(n["kind"], n["line"]) for n in report["notices"]] == [("unused-suppression", 2)]


def test_config_suppression_with_future_expiry(tmp_path: Path) -> None:
    future = dt.date.today() + dt.timedelta(days=30)
    root = write_tree(
        tmp_path,
        {
            "seawall.toml": f"[[suppress]]\ncheck = 'CR1-001'\npath = 'legacy/**'\nreason = 'migrating in Q1'\nexpires = {future}\n",
            "legacy/Dockerfile": "FROM alpine\n",
            "new/Dockerfile": "FROM alpine\n",
        },
    )
    _, report = scan_json(root, "--select", "CR1-001")
    assert {f["path"]: f["status"] for f in report["findings"]} == {
        "legacy/Dockerfile": "suppressed",
        "new/Dockerfile": "fail",
    }
    assert report["suppressions"][0]["kind"] == "config"


def test_expired_config_suppression_stops_suppressing_and_is_reported(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "seawall.toml": "[[suppress]]\ncheck = 'CR1-001'\npath = 'Dockerfile'\nreason = 'temporary'\nexpires = 2020-01-31\n",
            "Dockerfile": "FROM alpine\n",
        },
    )
    code, report = scan_json(root, "--select", "CR1-001")
    assert [f["status"] for f in report["findings"]] == ["fail"]
    assert any(
        n["kind"] == "expired-suppression" and "2020-01-31" in n["message"]
        for n in report["notices"]
    )
    assert code == 1


def test_config_suppression_by_fingerprint(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"a/Dockerfile": "FROM alpine\n", "b/Dockerfile": "FROM alpine\n"})
    _, report = scan_json(root, "--select", "CR1-001")
    target = next(f for f in report["findings"] if f["path"] == "b/Dockerfile")["fingerprint"]
    write_tree(
        root,
        {
            "seawall.toml": f"[[suppress]]\ncheck = 'CR1-001'\nfingerprint = '{target}'\nreason = 'accepted risk'\n"
        },
    )
    _, report = scan_json(root, "--select", "CR1-001")
    assert {f["path"]: f["status"] for f in report["findings"]} == {
        "a/Dockerfile": "fail",
        "b/Dockerfile": "suppressed",
    }


def test_unused_config_suppression_is_reported(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "seawall.toml": "[[suppress]]\ncheck = 'CR1-001'\npath = 'gone/**'\nreason = 'old'\n",
            "Dockerfile": "FROM a\nUSER app\n",
        },
    )
    _, report = scan_json(root, "--select", "CR1-001")
    assert any(
        n["kind"] == "unused-suppression" and "gone/**" in n["message"] for n in report["notices"]
    )
