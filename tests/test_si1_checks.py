"""SI-1 checks: committed env files, key files, pre-commit secret scanning."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import scan_json, write_tree

SECRET_VALUE = "kD8s0E2vY7qL1mN4pR6tU9wX3zA5bC7dF0gH2jK4"
GITLEAKS_HOOK = "repos:\n  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8.30.1\n    hooks:\n      - id: gitleaks\n"


def findings_of(root: Path, check: str) -> list[dict[str, object]]:
    _, report = scan_json(root, "--select", check)
    return [f for f in report["findings"] if f["check"] == check]


@pytest.mark.parametrize(
    "name", [".env", ".env.production", "config/.env.local", "deploy/prod.env"]
)
def test_committed_env_files_fail(tmp_path: Path, name: str) -> None:
    root = write_tree(tmp_path, {name: f"API_TOKEN={SECRET_VALUE}\nPORT=8080\n"})
    found = findings_of(root, "SI1-001")
    assert [f["path"] for f in found] == [name]
    assert found[0]["severity"] == "high"
    assert "1 with credential-like names" in str(found[0]["message"])


@pytest.mark.parametrize(
    "content",
    [
        "DB_PASSWORD=\nAPI_TOKEN=<token>\nSECRET_KEY=${SECRET_KEY}\nLOG_LEVEL=debug\nPORT=5432\n",
        "DATABASE_URL=postgres://app:changeme@localhost:5432/app\nAWS_SECRET_ACCESS_KEY=your-secret-key\n",
        'export STRIPE_KEY="xxxxxxxx"\n# comment\nREDIS_URL=redis://localhost:6379/0\n',
    ],
)
def test_example_env_with_placeholders_passes(tmp_path: Path, content: str) -> None:
    root = write_tree(tmp_path, {".env.example": content})
    assert findings_of(root, "SI1-001") == []


@pytest.mark.parametrize(
    ("content", "key"),
    [
        (f"API_TOKEN={SECRET_VALUE}\n", "API_TOKEN"),
        ("DATABASE_URL=postgres://app:Tr0ub4dor-x9@db:5432/app\n", "DATABASE_URL"),
        ("SOME_SETTING=ghp_0123456789abcdefghijABCDEFGHIJ012345\n", "SOME_SETTING"),
    ],
)
def test_example_env_with_real_values_fails_without_leaking(
    tmp_path: Path, content: str, key: str
) -> None:
    root = write_tree(tmp_path, {".env.sample": content})
    found = findings_of(root, "SI1-001")
    assert len(found) == 1 and key in str(found[0]["message"]) and found[0]["line"] == 1
    value = content.split("=", 1)[1].strip()
    _, report = scan_json(root)
    assert value not in str(report)


def test_gitignored_env_file_is_not_committed(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {".gitignore": ".env\n", ".env": f"TOKEN={SECRET_VALUE}\n"})
    assert findings_of(root, "SI1-001") == []


def test_binary_env_file_still_fails_and_reports_the_parse_problem(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {".env": b"\x00\x01binary"})
    _, report = scan_json(root, "--select", "SI1-001")
    assert [f["path"] for f in report["findings"]] == [".env"]
    assert any(e["path"] == ".env" and "binary" in e["message"] for e in report["errors"])


PEM_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAtest\n-----END RSA PRIVATE KEY-----\n"


@pytest.mark.parametrize(
    ("files", "path", "severity"),
    [
        (
            {
                "certs/server.pem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
                + PEM_KEY
            },
            "certs/server.pem",
            "critical",
        ),
        (
            {
                "tls.key": "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHz\n-----END ENCRYPTED PRIVATE KEY-----\n"
            },
            "tls.key",
            "high",
        ),
        (
            {
                "home/.ssh/id_ed25519": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
            },
            "home/.ssh/id_ed25519",
            "critical",
        ),
        (
            {
                "keys/deploy.ppk": "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\n"
            },
            "keys/deploy.ppk",
            "critical",
        ),
        (
            {"java/truststore.jks": b"\xfe\xed\xfe\xed\x00\x00\x00\x02"},
            "java/truststore.jks",
            "high",
        ),
        ({"client.p12": b"0\x82\x0b\x01\x02\x01\x03"}, "client.p12", "high"),
    ],
)
def test_key_files_fail(
    tmp_path: Path, files: dict[str, str | bytes], path: str, severity: str
) -> None:
    root = write_tree(tmp_path, files)
    found = findings_of(root, "SI1-002")
    assert [(f["path"], f["severity"]) for f in found] == [(path, severity)]


def test_key_material_never_appears_in_any_output(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"server.key": PEM_KEY})
    for fmt in ("text", "json", "sarif", "junit", "markdown"):
        from conftest import run_cli

        output = run_cli("scan", str(root), "--format", fmt).stdout
        assert "MIIEowIBAAKCAQEAtest" not in output


@pytest.mark.parametrize(
    "files",
    [
        {"server.pem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"},
        {"id_rsa.pub": "ssh-rsa AAAAB3NzaC1yc2E test@example\n"},
        {"docs/keys.md": PEM_KEY},  # content scanning is the secret scanner's job, not this check's
    ],
)
def test_non_key_files_pass(tmp_path: Path, files: dict[str, str]) -> None:
    assert findings_of(write_tree(tmp_path, files), "SI1-002") == []


def test_missing_precommit_config_fails(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"README.md": "hi\n"})
    found = findings_of(root, "SI1-003")
    assert (
        len(found) == 1
        and found[0]["path"] == ".pre-commit-config.yaml"
        and found[0]["line"] is None
    )


@pytest.mark.parametrize(
    "config",
    [
        GITLEAKS_HOOK,
        "repos:\n  - repo: https://github.com/Yelp/detect-secrets\n    rev: v1.5.0\n    hooks:\n      - id: detect-secrets\n        args: ['--baseline', '.secrets.baseline']\n",
        "repos:\n  - repo: local\n    hooks:\n      - id: scan\n        name: scan\n        entry: trufflehog git file://. --since-commit HEAD --fail\n        language: system\n",
        "default_stages: [pre-push]\nrepos:\n  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8.30.1\n    hooks:\n      - id: gitleaks\n        stages: [pre-commit]\n",
    ],
)
def test_precommit_with_secret_scanner_passes(tmp_path: Path, config: str) -> None:
    root = write_tree(tmp_path, {".pre-commit-config.yaml": config})
    assert findings_of(root, "SI1-003") == []


@pytest.mark.parametrize(
    ("config", "needle"),
    [
        (
            "repos:\n  - repo: https://github.com/psf/black\n    rev: 24.1.0\n    hooks:\n      - id: black\n",
            "runs no secret-scanning hook",
        ),
        (
            "repos:\n  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8.30.1\n    hooks:\n      - id: gitleaks\n        stages: [manual]\n",
            "only at stage(s) manual",
        ),
        ("default_stages: [pre-push]\n" + GITLEAKS_HOOK, "only at stage(s) pre-push"),
        ("repos: []\n", "runs no secret-scanning hook"),
    ],
)
def test_precommit_without_commit_time_scanner_fails(
    tmp_path: Path, config: str, needle: str
) -> None:
    root = write_tree(tmp_path, {".pre-commit-config.yaml": config})
    found = findings_of(root, "SI1-003")
    assert len(found) == 1 and needle in str(found[0]["message"])


def test_nested_precommit_config_does_not_count(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"sub/.pre-commit-config.yaml": GITLEAKS_HOOK})
    assert len(findings_of(root, "SI1-003")) == 1


@pytest.mark.parametrize(
    "config",
    [
        "repos: [\n",
        "- just\n- a list\n",
        "repos:\n  - repo: x\n",
        "repos:\n  - repo: x\n    hooks:\n      - name: no id\n",
    ],
)
def test_malformed_precommit_config_is_an_error_naming_the_file(
    tmp_path: Path, config: str
) -> None:
    root = write_tree(tmp_path, {".pre-commit-config.yaml": config})
    code, report = scan_json(root, "--select", "SI1-003")
    assert report["findings"] == []
    assert [e["path"] for e in report["errors"]] == [".pre-commit-config.yaml"]
    assert next(c for c in report["controls"] if c["id"] == "SI-1")["status"] == "error"
    assert code == 1
