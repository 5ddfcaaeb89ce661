"""The file-tree collector on real trees: ignores, symlinks, sizes, encodings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import scan_json, write_tree

from seawall.collectors._files import Environment, FileKind, classify, read_text, walk_tree


def test_gitignore_nested_and_negation(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".gitignore": "*.log\nbuild/\n",
            "app/.gitignore": "!keep.log\nsecret.txt\n",
            "a.log": "x",
            "app/keep.log": "x",
            "app/secret.txt": "x",
            "app/other.txt": "x",
            "build/Dockerfile": "FROM x\n",
            "src/build.py": "x",
        },
    )
    paths = {f.path for f in walk_tree(str(tmp_path)).files}
    assert paths == {
        ".gitignore",
        "app/.gitignore",
        "app/keep.log",
        "app/other.txt",
        "src/build.py",
    }


def test_gitignore_line_git_rejects_is_dropped_not_fatal(tmp_path: Path) -> None:
    # A trailing backslash is an invalid pattern; git ignores that line, so does the walk.
    write_tree(tmp_path, {".gitignore": "a.txt\nbad\\\n", "a.txt": "x", "b.txt": "y"})
    assert {f.path for f in walk_tree(str(tmp_path)).files} == {".gitignore", "b.txt"}


def test_gitignore_applies_to_file_names_that_are_not_utf8(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.log\n")
    for name in (b"\xffkept.txt", b"\xffdropped.log"):
        with open(bytes(tmp_path) + b"/" + name, "w") as handle:
            handle.write("x")
    paths = {f.path for f in walk_tree(str(tmp_path)).files}
    assert paths == {".gitignore", b"\xffkept.txt".decode("utf-8", "surrogateescape")}


def test_exclude_and_git_dir_pruned(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {".git/config": "x", "vendor/lib/Dockerfile": "FROM x\n", "Dockerfile": "FROM x\n"},
    )
    tree = walk_tree(str(tmp_path), exclude=["vendor/"])
    assert [f.path for f in tree.files] == ["Dockerfile"]


def test_symlinks_out_of_root_and_loops_are_skipped_and_reported(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"Dockerfile": "FROM alpine\n"})
    root = write_tree(tmp_path / "root", {"real/Dockerfile": "FROM alpine\nUSER app\n"})
    os.symlink(outside / "Dockerfile", root / "Dockerfile")
    os.symlink(outside, root / "outdir")
    os.symlink(root / "loop", root / "loop")
    os.symlink(root / "real", root / "alias")  # inside the root: its target is scanned directly
    os.symlink(root / "missing", root / "dangling")
    tree = walk_tree(str(root))
    assert [f.path for f in tree.files] == ["real/Dockerfile"]
    reasons = {s.path: s.reason for s in tree.skipped}
    assert "outside the scanned root" in reasons["Dockerfile"]
    assert "outside the scanned root" in reasons["outdir"]
    assert reasons["loop"] == "symlink loop"
    assert reasons["dangling"] == "broken symlink"
    assert tree.symlinks_inside_root == 1
    _, report = scan_json(root)
    assert any(n["kind"] == "skipped-file" and n["path"] == "outdir" for n in report["notices"])
    assert report["stats"]["files_skipped"] == 4


def test_oversized_files_are_skipped_and_reported(tmp_path: Path) -> None:
    write_tree(tmp_path, {"Dockerfile": "FROM alpine\n" + "# pad\n" * 100, "small.txt": "x"})
    tree = walk_tree(str(tmp_path), max_file_size=100)
    assert [f.path for f in tree.files] == ["small.txt"]
    assert tree.skipped[0].path == "Dockerfile" and "limit" in tree.skipped[0].reason


def test_max_file_size_from_config_reaches_the_scan(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"seawall.toml": "max-file-size = 50\n", "Dockerfile": "FROM alpine\n" + "#\n" * 40},
    )
    _, report = scan_json(tmp_path, "--select", "CR1-001")
    assert report["findings"] == []
    assert [n["path"] for n in report["notices"] if n["kind"] == "skipped-file"] == ["Dockerfile"]


def test_fifo_is_ignored_without_hanging(tmp_path: Path) -> None:
    write_tree(tmp_path, {"Dockerfile": "FROM alpine\n"})
    os.mkfifo(tmp_path / "Dockerfile.pipe")
    _, report = scan_json(tmp_path, "--select", "CR1-001")
    assert [f["path"] for f in report["findings"]] == ["Dockerfile"]


def test_file_swapped_for_a_symlink_after_the_walk_is_not_followed(tmp_path: Path) -> None:
    write_tree(tmp_path, {"secret.txt": "outside\n", "Dockerfile": "FROM alpine\n"})
    os.remove(tmp_path / "Dockerfile")
    os.symlink(tmp_path / "secret.txt", tmp_path / "Dockerfile")
    result = read_text(str(tmp_path), "Dockerfile")
    assert result.text is None and result.problem is not None and "cannot read" in result.problem


def test_read_text_binary_and_invalid_utf8(tmp_path: Path) -> None:
    write_tree(tmp_path, {"bin": b"abc\x00def", "latin": b"caf\xe9\n"})
    assert read_text(str(tmp_path), "bin").problem == "binary file"
    latin = read_text(str(tmp_path), "latin")
    assert latin.invalid_utf8 and latin.text == "caf\ufffd\n"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("Dockerfile", FileKind.DOCKERFILE),
        ("svc/Dockerfile.dev", FileKind.DOCKERFILE),
        (".github/workflows/ci.yml", FileKind.GITHUB_WORKFLOW),
        ("docs/.github/workflows/x.yaml", FileKind.GITHUB_WORKFLOW),
        (".pre-commit-config.yaml", FileKind.PRECOMMIT_CONFIG),
        ("k8s/app.yaml", FileKind.YAML),
        ("infra/main.tf", FileKind.TERRAFORM),
        ("infra/prod.tfvars", FileKind.TERRAFORM_VARS),
        (".env.local", FileKind.ENV_FILE),
        ("id_rsa", FileKind.KEY_FILE),
        ("a.p12", FileKind.KEYSTORE),
        ("logs/app.log.1", FileKind.LOG),
        ("data/x.parquet", FileKind.DATA),
        ("README.md", FileKind.OTHER),
    ],
)
def test_classify(path: str, kind: FileKind) -> None:
    assert classify(path) is kind


def test_environment_labels_config_first_then_folder_names(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"deploy/live/a.yaml": "", "data/dev/b.csv": "", "envs/prod/c.tf": "", "misc/d.txt": ""},
    )
    tree = walk_tree(str(tmp_path), environments={Environment.PROD: ["deploy/live/**"]})
    labels = {f.path: f.environment for f in tree.files}
    assert labels == {
        "deploy/live/a.yaml": Environment.PROD,
        "data/dev/b.csv": Environment.NON_PROD,
        "envs/prod/c.tf": Environment.PROD,
        "misc/d.txt": None,
    }
