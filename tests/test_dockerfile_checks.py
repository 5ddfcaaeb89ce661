"""CR1-001 (final stage user) and SC1-001 (digest pins), and the Dockerfile parser."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import scan_json, write_tree

from seawall.collectors._dockerfile import DockerfileError, parse_dockerfile, substitute

DIGEST = "@sha256:" + "c" * 64


def run(root: Path, check: str) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    _, report = scan_json(root, "--select", check)
    return report["findings"], report["errors"]


@pytest.mark.parametrize(
    ("dockerfile", "line", "needle"),
    [
        ("FROM alpine\nRUN true\n", 1, "no USER"),
        ("FROM alpine\nUSER app\nUSER root\n", 3, "USER root"),
        ("FROM alpine\nUSER 0:0\n", 2, "USER 0:0"),
        ("FROM alpine AS build\nUSER app\nFROM alpine\nCOPY --from=build /a /a\n", 3, "no USER"),
        ("FROM alpine AS base\nFROM base\nRUN true\n", 2, "no USER"),
        ("ARG RUN_AS=root\nFROM alpine\nARG RUN_AS\nUSER ${RUN_AS}\n", 4, "runs as root"),
        ("FROM alpine\nENV APP_USER=0\nUSER $APP_USER\n", 3, "runs as root"),
    ],
)
def test_root_final_stage_fails(tmp_path: Path, dockerfile: str, line: int, needle: str) -> None:
    findings, errors = run(write_tree(tmp_path, {"Dockerfile": dockerfile}), "CR1-001")
    assert not errors
    assert (
        len(findings) == 1 and findings[0]["line"] == line and needle in str(findings[0]["message"])
    )


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM alpine\nRUN adduser -D app\nUSER app\n",
        "FROM alpine\nUSER 10001:10001\n",
        "FROM alpine AS base\nUSER 1000\nFROM base\nRUN echo inherits the user\n",
        "ARG UID=10001\nFROM alpine\nARG UID\nUSER ${UID}\n",
        "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\n",
        "FROM alpine\nUSER ${APP_UID:-10001}\n",
    ],
)
def test_non_root_final_stage_passes(tmp_path: Path, dockerfile: str) -> None:
    findings, errors = run(write_tree(tmp_path, {"Dockerfile": dockerfile}), "CR1-001")
    assert findings == [] and errors == []


def test_user_from_build_arg_without_default_is_flagged_medium(tmp_path: Path) -> None:
    findings, _ = run(
        write_tree(tmp_path, {"Dockerfile": "FROM alpine\nARG UID\nUSER $UID\n"}), "CR1-001"
    )
    assert len(findings) == 1 and findings[0]["severity"] == "medium"


def test_dockerfile_names_recognised(tmp_path: Path) -> None:
    files = {
        n: "FROM alpine\n"
        for n in ("Dockerfile", "svc/Dockerfile.prod", "api.dockerfile", "Containerfile")
    }
    findings, _ = run(write_tree(tmp_path, files), "CR1-001")
    assert sorted(f["path"] for f in findings) == sorted(files)


@pytest.mark.parametrize(
    ("dockerfile", "unpinned"),
    [
        ("FROM python:3.12-slim\n", ["python:3.12-slim"]),
        ("ARG V=3.12\nFROM python:${V}-slim AS b\nFROM b\n", ["python:3.12-slim"]),
        (
            "FROM --platform=linux/amd64 node:20 AS build\nFROM scratch\nCOPY --from=build /a /a\n",
            ["node:20"],
        ),
        (f"FROM python:3.12{DIGEST} AS a\nFROM redis:7\n", ["redis:7"]),
        ("FROM nginx@sha256:abc\n", ["nginx@sha256:abc"]),  # not a full digest
    ],
)
def test_unpinned_base_images_fail(tmp_path: Path, dockerfile: str, unpinned: list[str]) -> None:
    findings, errors = run(write_tree(tmp_path, {"Dockerfile": dockerfile}), "SC1-001")
    assert not errors
    assert len(findings) == len(unpinned)
    for finding, image in zip(findings, unpinned, strict=True):
        assert image in str(finding["message"])


def test_from_with_unresolvable_arg_fails(tmp_path: Path) -> None:
    findings, _ = run(write_tree(tmp_path, {"Dockerfile": "ARG BASE\nFROM ${BASE}\n"}), "SC1-001")
    assert len(findings) == 1 and "cannot be pinned" in str(findings[0]["message"])


@pytest.mark.parametrize(
    "dockerfile",
    [
        f"FROM python:3.12{DIGEST}\n",
        f"ARG BASE=python:3.12{DIGEST}\nFROM $BASE AS build\nFROM build\n",
        "FROM scratch\nCOPY app /app\n",
    ],
)
def test_pinned_base_images_pass(tmp_path: Path, dockerfile: str) -> None:
    findings, errors = run(write_tree(tmp_path, {"Dockerfile": dockerfile}), "SC1-001")
    assert findings == [] and errors == []


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("FROM alpine\nFROBNICATE now\n", 2),
        ("RUN echo before from\nFROM alpine\n", 1),
        ("# only a comment\n", None),
        ("FROM\n", 1),
        ("FROM alpine AS\n", 1),
    ],
)
def test_malformed_dockerfile_is_an_error_naming_file_and_line(
    tmp_path: Path, content: str, line: int | None
) -> None:
    root = write_tree(tmp_path, {"good/Dockerfile": "FROM alpine\n", "bad/Dockerfile": content})
    code, report = scan_json(root, "--select", "CR-1,SC-1")
    errors = report["errors"]
    assert {e["path"] for e in errors} == {"bad/Dockerfile"}
    assert all(e["line"] == line for e in errors)
    assert {e["control"] for e in errors} == {"CR-1", "SC-1"}
    # The good Dockerfile was still scanned.
    assert {f["path"] for f in report["findings"]} == {"good/Dockerfile"}
    assert code == 1


def test_parser_handles_continuations_comments_heredocs_and_escape_directive() -> None:
    text = (
        "# escape=`\n"
        "FROM alpine AS build\n"
        "RUN apk add `\n"
        "# a comment inside a continuation\n"
        "    curl\n"
        "RUN <<EOF\n"
        "USER root\n"
        "EOF\n"
        "USER app\n"
    )
    parsed = parse_dockerfile("Dockerfile", text)
    stage = parsed.final_stage
    assert [i.keyword for i in stage.instructions] == ["RUN", "RUN", "USER"]
    assert stage.instructions[0].value == "apk add curl"
    assert (stage.instructions[0].line, stage.instructions[0].end_line) == (3, 5)
    assert stage.last("USER") is not None and stage.last("USER").line == 9  # type: ignore[union-attr]


def test_parser_rejects_unknown_instruction() -> None:
    with pytest.raises(DockerfileError) as info:
        parse_dockerfile("Dockerfile", "FROM a\nBOGUS x\n")
    assert info.value.line == 2 and "'BOGUS'" in str(info.value)


def test_unknown_instruction_that_could_be_a_value_is_not_echoed() -> None:
    with pytest.raises(DockerfileError) as info:
        parse_dockerfile("Dockerfile", "FROM a\nDB_PASSWORD=Wint3r-Sunrise-2026 x\n")
    assert "Wint3r" not in str(info.value) and "'DB_P'… (31 characters)" in str(info.value)


def test_substitution_forms() -> None:
    values = {"A": "1", "E": ""}
    assert (
        substitute("$A-${A}-${B:-d}-${E:-e}-${E-f}-${A:+alt}-${B:+alt}", values) == "1-1-d-e--alt-"
    )
    assert substitute("${MISSING}", values) is None


def test_invalid_utf8_dockerfile_is_still_checked(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"Dockerfile": b'FROM alpine\nLABEL x="\xff\xfe"\n'})
    _, report = scan_json(root, "--select", "CR1-001")
    assert [f["path"] for f in report["findings"]] == ["Dockerfile"]
    assert any(n["kind"] == "invalid-utf8" and n["path"] == "Dockerfile" for n in report["notices"])
