"""Secrets inside zip and tar archives in the working tree (read in memory, never extracted)."""

from __future__ import annotations

import io
import json
import random
import tarfile
import zipfile
from pathlib import Path

from conftest import GitRepo, run_cli, write_tree
from secret_corpus import github_token


def _tar(members: dict[str, str], mode: str) -> bytes:
    """A tar archive (``mode`` "w" or "w:gz") of text members, built in memory."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:  # type: ignore[call-overload]
        for name, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _scan(root: Path) -> dict[str, object]:
    result = run_cli("secrets", str(root), "--format", "json")
    report: dict[str, object] = json.loads(result.stdout)
    return report


def test_secrets_in_zip_jar_and_tar_members(tmp_path: Path) -> None:
    rng = random.Random(31)
    tokens = [github_token(rng) for _ in range(3)]
    root = write_tree(tmp_path, {"README.md": "x\n"})
    with zipfile.ZipFile(root / "export.zip", "w") as archive:
        archive.writestr("config/app.env", f"GITHUB_TOKEN={tokens[0]}\n")
        archive.writestr("logo.png", b"\x89PNG\x00\x00binary")
    with zipfile.ZipFile(root / "service.jar", "w") as archive:
        archive.writestr("BOOT-INF/classes/application.properties", f"github.token={tokens[1]}\n")
    (root / "home.tar.gz").write_bytes(_tar({".bashrc": f"export GH={tokens[2]}\n"}, "w:gz"))
    report = _scan(root)
    paths = sorted(f["path"] for f in report["findings"])  # type: ignore[index, union-attr]
    assert paths == [
        "export.zip!config/app.env",
        "home.tar.gz!.bashrc",
        "service.jar!BOOT-INF/classes/application.properties",
    ]
    text = json.dumps(report)
    assert not any(token in text for token in tokens)


def test_broken_archives_are_errors_not_crashes(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"README.md": "x\n"})
    (root / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    report = _scan(root)
    errors = report["errors"]
    assert any(e["path"] == "broken.zip" and "cannot read archive" in e["message"] for e in errors)  # type: ignore[index, union-attr]


def test_archives_in_history_are_opened(repo: GitRepo) -> None:
    rng = random.Random(7)
    gone, kept = github_token(rng), github_token(rng)
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("conf/app.env", f"GITHUB_TOKEN={gone}\n")
    tarred = _tar({"home/.bashrc": f"export GH={kept}\n"}, "w:gz")
    added = repo.commit(
        {
            "export.zip": zipped.getvalue(),
            "backup.tgz": tarred,
            "old.zip": b"PK\x03\x04 not really a zip",
            "README.md": "x\n",
        },
        "add exports",
    )
    repo.remove("export.zip", message="drop the export")
    result = run_cli("secrets", str(repo.root), "--history", "--format", "json")
    report = json.loads(result.stdout)
    info = {d["fingerprint"]: d for d in report["details"]}
    found = {
        f["path"]: (f["commit"], info[f["fingerprint"]]["present_at_head"])
        for f in report["findings"]
    }
    assert found == {
        "export.zip!conf/app.env": (added, False),
        "backup.tgz!home/.bashrc": (added, True),
    }
    assert gone not in result.stdout and kept not in result.stdout
    # A history archive that cannot be read is said, not skipped in silence.
    assert any("(old.zip): cannot read archive" in n["message"] for n in report["notices"])


def test_compressed_files_and_zstd_tarballs(tmp_path: Path) -> None:
    import bz2
    import gzip
    import lzma

    import zstandard

    rng = random.Random(41)
    tokens = [github_token(rng) for _ in range(5)]
    root = write_tree(tmp_path, {"README.md": "x\n"})
    (root / "app.log.1.gz").write_bytes(gzip.compress(f"token={tokens[0]}\n".encode()))
    (root / "dump.sql.bz2").write_bytes(bz2.compress(f"-- {tokens[1]}\n".encode()))
    (root / "main.go.xz").write_bytes(lzma.compress(f'var t = "{tokens[2]}"\n'.encode()))
    (root / "notes.txt.zst").write_bytes(zstandard.compress(f"gh {tokens[3]}\n".encode()))
    tarred = _tar({"etc/app.env": f"GITHUB_TOKEN={tokens[4]}\n"}, "w")
    (root / "backup.tar.zst").write_bytes(zstandard.compress(tarred))
    (root / "broken.gz").write_bytes(b"\x1f\x8b not gzip")
    report = _scan(root)
    paths = sorted(f["path"] for f in report["findings"])  # type: ignore[index, union-attr]
    assert paths == [
        "app.log.1.gz!app.log.1",
        "backup.tar.zst!etc/app.env",
        "dump.sql.bz2!dump.sql",
        "main.go.xz!main.go",
        "notes.txt.zst!notes.txt",
    ]
    assert any(e["path"] == "broken.gz" for e in report["errors"])  # type: ignore[index, union-attr]
    assert not any(token in json.dumps(report) for token in tokens)


def test_staged_archive_members_are_named(repo: GitRepo) -> None:
    token = github_token(random.Random(9))
    repo.commit({"README.md": "x\n"}, "start")
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("conf/app.env", f"GITHUB_TOKEN={token}\n")
    repo.write({"export.zip": zipped.getvalue()})
    repo.git("add", "export.zip")
    result = run_cli("secrets", str(repo.root), "--staged", "--format", "json")
    report = json.loads(result.stdout)
    assert [f["path"] for f in report["findings"]] == ["export.zip!conf/app.env"]
    assert result.exit_code == 1 and token not in result.stdout
