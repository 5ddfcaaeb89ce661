"""History blobs matched as deltas against earlier versions of their path.

The reference is the scan that matches every blob whole: on random histories
the deltas must find the same secrets, at the same paths, with the same
introducing commits, the same "present at HEAD" and the same lines.
"""

from __future__ import annotations

import base64
import json
import random
import string
from pathlib import Path

import pytest
from conftest import GitRepo, run_cli
from secret_corpus import github_token, pem_key

import seawall.collectors._blob_delta as blob_delta
import seawall.collectors.secrets as secrets_collector
from seawall.collectors._blob_delta import _SLACK, PathVersions, _common_prefix, _common_suffix


def _findings(root: Path, *args: str) -> set[tuple[object, ...]]:
    result = run_cli("secrets", str(root), "--history", "--format", "json", *args)
    report = json.loads(result.stdout)
    assert report["errors"] == []
    details = {d["fingerprint"]: d for d in report["details"]}
    return {
        (
            f["path"],
            f["fingerprint"],
            f["line"],
            f["commit"],
            details[f["fingerprint"]]["rule"],
            details[f["fingerprint"]]["present_at_head"],
        )
        for f in report["findings"]
    }


def _whole_blobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plan every history blob as a whole-blob match (the reference scan)."""
    monkeypatch.setattr(
        secrets_collector,
        "_plan_deltas",
        lambda work, whole: (list(work), {}),
    )


def _secret_lines(rng: random.Random) -> list[str]:
    """A secret in one of the shapes a history holds, as the lines that carry it."""
    kind = rng.randrange(7)
    if kind == 0:
        return [f'GITHUB_TOKEN = "{github_token(rng)}"']
    if kind == 1:
        return [
            "aws_access_key_id = AKIA"
            + "".join(rng.choices(string.ascii_uppercase + "234567", k=16))
        ]
    if kind == 2:
        value = "".join(rng.choices("abcdefghijkmnopqrstuvwxyzABCDEFGH23456789", k=22))
        return [f'db_password = "{value}"']
    if kind == 3:
        encoded = base64.b64encode(f"token={github_token(rng)}".encode()).decode()
        return [f"blob: {encoded}"]
    if kind == 4:
        return pem_key(rng).splitlines()
    if kind == 5:  # an encrypted PEM key: a blank line between its headers and its body
        lines = pem_key(rng).splitlines()
        return [lines[0], "Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,0A1B2C3D4E5F6A7B", "",
                *lines[1:]]  # fmt: skip
    value = "".join(rng.choices("abcdefghijkmnopqrstuvwxyz0123456789", k=24))
    return ["[service]", f"api_key = {value}"]


def _edit(rng: random.Random, lines: list[str]) -> list[str]:
    """One commit's change to a file: insert, delete or change lines, or touch a key."""
    lines = list(lines)
    for _ in range(rng.randint(1, 3)):
        action = rng.randrange(6)
        at = rng.randint(0, len(lines))
        if action == 0:
            lines[at:at] = _secret_lines(rng)
        elif action == 1:
            lines[at:at] = [f"value_{rng.randrange(10**6)} = compute({rng.random():.6f})"
                            for _ in range(rng.randint(1, 6))]  # fmt: skip
        elif action == 2:
            lines.insert(at, "")  # a paragraph break
        elif action == 3 and lines:
            del lines[min(at, len(lines) - 1) : at + rng.randint(1, 4)]
        elif action == 4 and lines:
            lines[min(at, len(lines) - 1)] = f"# edited {rng.random():.6f}"
        else:  # change one line in the body of a key, if the file holds one
            bodies = [i for i, line in enumerate(lines) if len(line) == 64 and " " not in line]
            if bodies:
                lines[rng.choice(bodies)] = base64.b64encode(rng.randbytes(48)).decode()
    return lines


def _random_history(repo: GitRepo, seed: int, newline: str = "\n") -> None:
    rng = random.Random(seed)
    files: dict[str, list[str]] = {}
    paths = ["app/settings.py", "deploy/keys.pem", "conf/service.ini", "docs/notes.md"]
    for index in range(24):
        path = rng.choice(paths)
        before = files.get(path, [])
        edited = _edit(rng, before)
        if "\n".join(edited) == "\n".join(before):
            edited.append(f"# revision {index}")
        files[path] = edited
        if index == 12:  # a side branch merged back, with its own versions of a file
            repo.git("checkout", "-q", "-b", "side")
            repo.commit({path: newline.join(files[path]) + newline}, "side work")
            side = [*_edit(rng, files[path]), "# side"]
            repo.commit({path: newline.join(side) + newline}, "more side work")
            repo.git("checkout", "-q", "main")
            repo.git("merge", "-q", "--no-ff", "-s", "ours", "-m", "merge side", "side")
            continue
        repo.write({path: newline.join(files[path]) + newline})
        repo.git("add", "-A")
        repo.git("commit", "-q", "--allow-empty", "-m", f"change {index}")


@pytest.mark.parametrize("seed", range(6))
def test_deltas_find_what_whole_blobs_find(
    repo: GitRepo, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    _random_history(repo, seed)
    deltas = _findings(repo.root, "--no-cache")
    _whole_blobs(monkeypatch)
    whole = _findings(repo.root, "--no-cache")
    assert deltas == whole
    assert whole  # the history holds secrets to find


@pytest.mark.parametrize("seed", range(3))
def test_deltas_with_windows_line_ends_find_what_whole_blobs_find(
    repo: GitRepo, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    _random_history(repo, 50 + seed, newline="\r\n")
    deltas = _findings(repo.root, "--no-cache")
    _whole_blobs(monkeypatch)
    assert deltas == _findings(repo.root, "--no-cache") and deltas


@pytest.mark.parametrize("seed", range(4))
def test_paths_matched_by_region_find_what_whole_blobs_find(
    repo: GitRepo, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every path switches to region matching after its first all-new change."""
    monkeypatch.setattr(blob_delta, "_CHURN_BYTES", 0)
    monkeypatch.setattr(blob_delta, "_CHURN_VERSIONS", 1)
    _random_history(repo, 70 + seed, newline="\r\n" if seed % 2 else "\n")
    deltas = _findings(repo.root, "--no-cache")
    _whole_blobs(monkeypatch)
    assert deltas == _findings(repo.root, "--no-cache") and deltas


def test_deltas_in_the_worker_pool_match_the_inline_scan(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _random_history(repo, 11)
    config = tmp_path / "jobs.toml"
    config.write_text("jobs = 1\n")
    inline = _findings(repo.root, "--no-cache", "--config", str(config))
    monkeypatch.setattr(secrets_collector, "_PARALLEL_BYTES", 0)
    config.write_text("jobs = 2\n")
    assert _findings(repo.root, "--no-cache", "--config", str(config)) == inline


def test_a_key_changed_in_part_in_the_middle_of_history_is_found_whole(repo: GitRepo) -> None:
    rng = random.Random(3)
    key = pem_key(rng).splitlines()
    encrypted = [key[0], "Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,00FF", "", *key[1:]]
    changed = [*encrypted[:6], base64.b64encode(rng.randbytes(48)).decode(), *encrypted[7:]]
    repo.commit({"deploy/tls.key": "\n".join(encrypted) + "\n"}, "add key")
    second = repo.commit({"deploy/tls.key": "\n".join(changed) + "\n"}, "change one line of it")
    repo.commit({"deploy/tls.key": "placeholder\n"}, "remove it")
    found = _findings(repo.root, "--no-cache")
    assert len(found) == 2  # each version of the key, the second matched as a delta
    assert {(path, commit) for path, _, _, commit, _, _ in found} >= {("deploy/tls.key", second)}


def test_delta_rows_never_stand_for_the_whole_blob(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The per-blob cache, the working tree and "present at HEAD" read whole blobs only."""
    monkeypatch.setenv("SEAWALL_CACHE_DIR", str(tmp_path / "cache"))
    secret = github_token(random.Random(8))
    held = repo.commit({"app.py": f'TOKEN = "{secret}"\n\nx = 1\n'}, "add token")
    middle = repo.commit({"app.py": f'TOKEN = "{secret}"\n\nx = 2\n'}, "a delta holding it")
    repo.commit({"app.py": "x = 3\n"}, "drop it")
    [before] = _findings(repo.root)
    assert before[3] == held and before[5] is False
    # The working tree of an old checkout: the delta's rows are not the blob's.
    repo.git("checkout", "-q", middle)
    tree = json.loads(run_cli("secrets", str(repo.root), "--format", "json").stdout)
    assert [f["path"] for f in tree["findings"]] == ["app.py"]
    repo.git("checkout", "-q", "main")
    # HEAD back on the blob that was matched as a delta: it is matched whole now.
    repo.git("checkout", "-q", middle, "--", "app.py")
    repo.commit({}, "restore the delta's version")
    [after] = _findings(repo.root)
    assert after[3] == held and after[5] is True
    # The next run reuses the blob list; HEAD's whole rows come with it, also when the
    # working tree no longer holds the file.
    (repo.root / "app.py").unlink()
    [again] = _findings(repo.root)
    assert again[3] == held and again[5] is True


def test_common_prefix_and_suffix_are_common_and_at_most_slack_short() -> None:
    rng = random.Random(1)

    def longest_prefix(a: bytes, b: bytes) -> int:
        size = 0
        while size < min(len(a), len(b)) and a[size] == b[size]:
            size += 1
        return size

    for _ in range(400):
        base = rng.randbytes(rng.choice([0, 5, 4096, 9000, 20000])) if rng.random() < 0.9 else b""
        a, b = bytearray(base), bytearray(base)
        for blob in (a, b):
            for _ in range(rng.randint(0, 3)):
                at = rng.randint(0, len(blob))
                blob[at:at] = rng.randbytes(rng.randint(0, 3000))
        first, second = bytes(a), bytes(b)
        prefix = _common_prefix(first, second)
        assert longest_prefix(first, second) - _SLACK <= prefix <= longest_prefix(first, second)
        limit = min(len(first), len(second)) - prefix
        suffix = _common_suffix(first, second, limit)
        longest = min(longest_prefix(first[::-1], second[::-1]), limit)
        assert longest - _SLACK <= suffix <= longest


def test_path_versions_windows_cover_every_new_paragraph() -> None:
    versions = PathVersions()
    first = b"alpha\n" * 40 + b"\nbeta one\nbeta two\n\ngamma\n"
    assert versions.new_windows("f", first) is None  # the first version: whole
    assert versions.new_windows("f", first) == []  # the same text again: nothing new
    second = b"alpha\n" * 40 + b"\nbeta one\nbeta 2\n\ngamma\n\ndelta\n"
    windows = versions.new_windows("f", second)
    assert windows and windows[0][0] > 0  # "alpha" is not new
    covered = b"".join(second[start:end] for start, end in windows)
    assert b"beta 2" in covered and b"delta" in covered
    # Moved, not new: a paragraph seen in an earlier version is not matched again.
    third = b"gamma\n\n" + b"alpha\n" * 40 + b"\nbeta one\nbeta 2\n\ndelta\n"
    windows = versions.new_windows("f", third)
    assert windows == []
    assert versions.new_windows("other", third) is None  # paths are separate
    # Windows line ends: paragraphs end at a blank CRLF line, not at the whole file.
    body = [b"paragraph %d\r\nsecond line of it %d\r\n" % (i, i) for i in range(200)]
    assert versions.new_windows("crlf", b"\r\n".join(body)) is None
    body[100] = b"paragraph 100\r\nchanged\r\n"
    windows = versions.new_windows("crlf", b"\r\n".join(body))
    assert windows and sum(end - start for start, end in windows) < 300


@pytest.mark.parametrize("memory", [1, 64 << 20])
def test_every_paragraph_no_earlier_version_held_is_in_a_window(memory: int) -> None:
    """Also when the paragraph sets are dropped for memory (memory=1: every time)."""
    rng = random.Random(memory)
    pool = [f"line {i} = {rng.random():.8f}".encode() for i in range(40)]
    versions = PathVersions(memory=memory)
    held: set[bytes] = set()
    text: list[bytes] = []
    for _ in range(60):
        at = rng.randint(0, len(text))
        if rng.random() < 0.6 or not text:
            text[at:at] = rng.choices([*pool, b""], k=rng.randint(1, 5))
        else:
            del text[at : at + rng.randint(1, 4)]
        data = b"\n".join(text) + b"\n"
        windows = versions.new_windows("f", data)
        paragraphs = data.split(b"\n\n")
        if windows is not None:
            offset = 0
            for paragraph in paragraphs:
                if paragraph not in held:
                    end = offset + len(paragraph)
                    assert any(s <= offset and end <= e for s, e in windows), paragraph
                offset += len(paragraph) + 2
        held.update(paragraphs)


@pytest.mark.parametrize("churn_bytes", [0, 1 << 30])
def test_every_change_is_in_a_window_also_when_matched_by_region(
    churn_bytes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Region matching (churn_bytes=0: from the first all-new change on) still covers
    every line that differs from the version before."""
    monkeypatch.setattr(blob_delta, "_CHURN_BYTES", churn_bytes)
    rng = random.Random(churn_bytes)
    versions = PathVersions()
    text: list[bytes] = []
    before = b""
    for _ in range(80):
        at = rng.randint(0, len(text))
        if rng.random() < 0.6 or not text:
            text[at:at] = [
                b"" if rng.random() < 0.3 else f"line {rng.random():.8f}".encode()
                for _ in range(rng.randint(1, 5))
            ]
        else:
            del text[at : at + rng.randint(1, 4)]
        data = b"\n".join(text) + b"\n"
        windows = versions.new_windows("f", data)
        if windows is not None:
            prefix = _common_prefix(before, data)
            suffix = _common_suffix(before, data, min(len(before), len(data)) - prefix)
            for offset in range(prefix, len(data) - suffix):
                # A changed byte is in a window unless its paragraph was seen before.
                if churn_bytes == 0 and data[offset : offset + 1] != b"\n":
                    assert any(s <= offset < e for s, e in windows), offset
        before = data
    assert ("f" in versions._by_region) is (churn_bytes == 0)


def test_a_file_rewritten_in_every_version_switches_to_region_matching() -> None:
    rng = random.Random(5)

    def generated() -> bytes:
        rows = [f"row_{rng.random():.12f} = {rng.random():.12f}" for _ in range(6000)]
        return "\n\n".join(rows).encode() + b"\n"

    versions = PathVersions()
    assert versions.new_windows("dump.txt", generated()) is None
    for _ in range(blob_delta._CHURN_VERSIONS):
        assert "dump.txt" not in versions._by_region
        data = generated()
        assert versions.new_windows("dump.txt", data) is None  # new throughout: whole
    assert "dump.txt" in versions._by_region and "dump.txt" not in versions._seen
    # A small edit of a path matched by region: only the changed paragraph and context.
    edited = data[:1000] + b"x" + data[1001:]
    [(start, end)] = versions.new_windows("dump.txt", edited)
    assert start <= 1000 < end and end - start < 200
    # A normal file never switches: its changes are small.
    assert versions.new_windows("small.py", b"a = 1\n\nb = 2\n") is None
    for value in range(10):
        versions.new_windows("small.py", b"a = %d\n\nb = 2\n" % value)
    assert "small.py" not in versions._by_region


def test_a_path_heavier_than_a_chunk_is_spread_in_runs_of_versions() -> None:
    items = [(f"k{i}", f"o{i}", "big.json" if i % 4 else f"small{i}.txt") for i in range(40)]
    sizes = {oid: 1000 if path == "big.json" else 10 for _, oid, path in items}
    chunks = secrets_collector._chunks_by_path(items, sizes, 4)
    assert sorted(item for chunk in chunks for item in chunk) == sorted(items)
    assert sum(1 for chunk in chunks if any(p == "big.json" for _, _, p in chunk)) >= 3
    for chunk in chunks:
        assert list(chunk) == sorted(chunk, key=items.index)  # history order kept
        # A chunk's versions of the big file are one run: consecutive versions.
        positions = [items.index(item) for item in chunk if item[2] == "big.json"]
        bigs = [i for i, item in enumerate(items) if item[2] == "big.json"]
        if positions:
            first = bigs.index(positions[0])
            assert positions == bigs[first : first + len(positions)]
