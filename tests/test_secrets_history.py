"""Secrets across real Git repositories: history, attribution, staging, cache, bad input."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import GitRepo, run_cli, write_tree
from secret_corpus import github_token, pem_key, positives

import seawall.collectors.secrets as secrets_collector

RNG = random.Random(2026)


def token() -> str:
    return github_token(RNG)


def secrets_json(root: Path, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = run_cli("secrets", str(root), "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def details(report: dict, finding: dict) -> dict:  # type: ignore[type-arg]
    return next(d for d in report["details"] if d["fingerprint"] == finding["fingerprint"])


def test_secret_removed_from_head_is_found_in_history_with_its_commit(repo: GitRepo) -> None:
    secret = token()
    introduced = repo.commit(
        {"app/config.py": f'GITHUB_TOKEN = "{secret}"\n'}, "add config", author="Alice Example"
    )
    repo.commit({"app/config.py": f'# tweak\nGITHUB_TOKEN = "{secret}"\nDEBUG = True\n'}, "tweak")
    repo.commit({"app/config.py": 'GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]\n'}, "use env")
    code, clean = secrets_json(repo.root)
    assert (code, clean["findings"]) == (0, [])  # the working tree is clean now
    code, report = secrets_json(repo.root, "--history")
    assert code == 1
    [finding] = report["findings"]  # one per unique secret per path, not one per commit
    assert finding["path"] == "app/config.py" and finding["commit"] == introduced
    info = details(report, finding)
    assert info["rule"] == "github-pat" and info["author"] == "Alice Example"
    assert info["present_at_head"] is False
    assert "not at HEAD but still reachable in history" in finding["message"]
    assert secret not in json.dumps(report)


def test_every_ref_kind_is_scanned(repo: GitRepo) -> None:
    repo.commit({"README.md": "hello\n"}, "init")
    branch, tag, stash, note = token(), token(), token(), token()
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"feature.env": f"TOKEN={branch}\n"}, "feature work")
    repo.git("checkout", "-q", "main")
    repo.git("checkout", "-q", "-b", "tmp")
    repo.commit({"tagged.txt": f"token {tag}\n"}, "tagged")
    repo.git("tag", "v1")
    repo.git("checkout", "-q", "main")
    repo.git("branch", "-q", "-D", "tmp")
    write_tree(repo.root, {"README.md": f"hello {stash}\n"})
    repo.git("stash", "-q")
    repo.git("notes", "add", "-m", f"deploy token {note}")
    _, report = secrets_json(repo.root, "--history")
    paths = {f["path"] for f in report["findings"]}
    assert len(report["findings"]) == 4  # branch, tag, stash and note blobs
    assert {
        "README.md",
        "feature.env",
        "tagged.txt",
    } <= paths  # the note's path is the noted commit
    assert all(f["commit"] for f in report["findings"])  # the stash merge is attributed too


def test_key_changed_in_the_middle_is_found_whole_in_each_version(repo: GitRepo) -> None:
    first = pem_key(RNG)
    lines = first.splitlines()
    second = "\n".join([lines[0], *lines[1:3], "QUJD" * 16, *lines[4:]])
    repo.commit({"deploy/tls.key": first + "\n"}, "add key")
    repo.commit({"deploy/tls.key": second + "\n"}, "rotate part of it")
    _, report = secrets_json(repo.root, "--history")
    spans = sorted((f["line"], f["commit"] is not None) for f in report["findings"])
    assert len(report["findings"]) == 2 and spans == [(1, True), (1, True)]


def test_staged_scan_blocks_new_secrets_only(repo: GitRepo) -> None:
    old = token()
    repo.commit({"settings.yaml": f"token: {old}\n"}, "legacy secret")
    write_tree(repo.root, {"settings.yaml": f"token: {old}\nname: x\n"})
    repo.git("add", "settings.yaml")
    code, report = secrets_json(repo.root, "--staged")
    assert (code, report["findings"]) == (0, [])  # the old secret is not news to this commit
    new = token()
    write_tree(repo.root, {"deploy.sh": f"export GH={new}\n"})
    repo.git("add", "deploy.sh")
    result = run_cli("secrets", str(repo.root), "--staged")
    assert result.exit_code == 1 and "deploy.sh:1" in result.stdout and new not in result.stdout


def test_pre_commit_hook_definition_runs_the_staged_scan(repo: GitRepo) -> None:
    import yaml

    hooks = yaml.safe_load((Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text())
    [hook] = hooks
    assert hook["id"] == "seawall-secrets" and hook["pass_filenames"] is False
    write_tree(repo.root, {"a.txt": f"{token()}\n"})
    repo.git("add", "a.txt")
    entry = hook["entry"].split()
    assert entry[0] == "seawall"
    result = subprocess.run(
        [shutil.which("seawall") or "seawall", *entry[1:]],
        cwd=repo.root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "a.txt:1" in result.stdout


def test_since_limits_history(repo: GitRepo) -> None:
    repo.commit({"old.txt": f"{token()}\n"}, "old")
    base = repo.git("rev-parse", "HEAD")
    repo.remove("old.txt")
    repo.commit({"new.txt": f"{token()}\n"}, "new")
    _, everything = secrets_json(repo.root, "--history")
    _, recent = secrets_json(repo.root, "--history", "--since", base)
    assert sorted(f["path"] for f in everything["findings"]) == ["new.txt", "old.txt"]
    assert [f["path"] for f in recent["findings"]] == ["new.txt"]


def test_rescan_after_one_commit_scans_only_new_blobs(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEAWALL_CACHE_DIR", str(tmp_path / "cache"))
    for i in range(30):
        repo.commit({f"src/module_{i}.py": f"VALUE = {i}\n" * 50}, f"commit {i}")
    _, first = secrets_json(repo.root, "--history")
    assert first["stats"]["secrets"]["blobs_scanned"] >= 30
    secret = token()
    repo.commit({"src/new.py": f'KEY = "{secret}"\n'}, "one more")
    _, second = secrets_json(repo.root, "--history")
    stats = second["stats"]["secrets"]
    assert (
        stats["blobs_scanned"] == 1
    )  # the new file: scanned in the working tree, reused for history
    assert stats["blobs_cached"] >= 30
    assert [f["path"] for f in second["findings"]] == ["src/new.py"]
    # Nothing secret in the cache file.
    cache_text = b"".join(p.read_bytes() for p in (tmp_path / "cache").glob("*.sqlite*"))
    assert secret.encode() not in cache_text and secret[4:].encode() not in cache_text


def _history_rows(cache: Path) -> list[str]:
    with sqlite3.connect(cache / "results-v1.sqlite") as connection:
        return [k for (k,) in connection.execute("SELECT key FROM results") if "history3:" in k]


def test_rescans_add_snapshot_segments_and_a_new_list_replaces_them(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("SEAWALL_CACHE_DIR", str(cache))
    monkeypatch.setattr(secrets_collector, "_MAX_SEGMENTS", 3)

    def same_as_uncached() -> set[tuple[str, str | None]]:
        found = {
            (f["path"], f["commit"]) for f in secrets_json(repo.root, "--history")[1]["findings"]
        }
        fresh = secrets_json(repo.root, "--history", "--no-cache")[1]["findings"]
        assert found == {(f["path"], f["commit"]) for f in fresh}
        return found

    repo.commit({"a.py": f'KEY = "{token()}"\n'}, "first")
    same_as_uncached()
    counts = []
    for i in range(6):  # each rescan adds a segment; the fourth writes the list as one
        repo.commit({f"m{i}.py": f'KEY_{i} = "{token()}"\n'}, f"commit {i}")
        assert len(same_as_uncached()) == i + 2
        counts.append(len(_history_rows(cache)) - 1)  # less the head row
    assert counts == [2, 3, 1, 2, 3, 1]
    repo.remove("m0.py")  # a commit that brings no new blob: no new segment
    assert len(same_as_uncached()) == 7 and len(_history_rows(cache)) == 2
    # History rewritten (not a fast-forward): listed anew, the old segments removed.
    repo.git("reset", "-q", "--hard", "HEAD~2")
    assert len(same_as_uncached()) == 6
    assert len(_history_rows(cache)) == 2
    # A segment lost from the cache: the history is listed anew, with the same answer.
    repo.commit({"late.py": f'KEY = "{token()}"\n'}, "late")
    same_as_uncached()
    with sqlite3.connect(cache / "results-v1.sqlite") as connection:
        connection.execute("DELETE FROM results WHERE key LIKE '%history3:%:0'")
    assert len(same_as_uncached()) == 7


def test_scan_includes_history_by_default_at_a_repository_top(repo: GitRepo) -> None:
    repo.commit({"creds.txt": f"{token()}\n"}, "oops")
    repo.remove("creds.txt")
    result = run_cli("scan", str(repo.root), "--format", "json", "--select", "SI1-004")
    assert [f["path"] for f in json.loads(result.stdout)["findings"]] == ["creds.txt"]
    result = run_cli(
        "scan", str(repo.root), "--format", "json", "--select", "SI1-004", "--no-history"
    )
    assert json.loads(result.stdout)["findings"] == []


def test_inline_allow_ignore_and_config_allowlists(repo: GitRepo) -> None:
    allowed, ignored, by_path, by_value = (token() for _ in range(4))
    jwt_text = next(c for c in positives() if c.rule == "jwt").text
    repo.commit(
        {
            "a.py": f'A = "{allowed}"  # seawall: allow\n',
            "b.py": f'# seawall: ignore[SI1-004] documented fixture for the client tests\nB = "{ignored}"\n',
            "fixtures/c.txt": f"{by_path}\n",
            "d.txt": f"{by_value}\n",
            "e.json": jwt_text,
            "seawall.toml": (
                "[secrets]\nallow-paths = ['fixtures/**']\n"
                f"allow-values = ['^{by_value}$']\ndisable-rules = ['jwt']\n"
            ),
        },
        "fixtures",
    )
    code, report = secrets_json(repo.root, "--history")
    assert [(f["path"], f["status"]) for f in report["findings"]] == [("b.py", "suppressed")]
    assert code == 0


def test_shallow_clone_and_missing_objects_are_reported_not_fatal(
    repo: GitRepo, tmp_path: Path
) -> None:
    for i in range(3):
        repo.commit({f"f{i}.txt": f"{token()}\n"}, f"c{i}")
        repo.remove(f"f{i}.txt")
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(shallow)], check=True
    )
    code, report = secrets_json(shallow, "--history")
    assert report["errors"] == [] and code == 0  # only HEAD's clean tree is there
    # Delete a loose object the history needs: a clear error or note, never a traceback.
    objects = [p for p in (repo.root / ".git" / "objects").glob("??/*")]
    for path in objects[:3]:
        path.chmod(0o644)
        path.unlink()
    result = run_cli("secrets", str(repo.root), "--history", "--format", "json")
    data = json.loads(result.stdout)
    assert result.exit_code in (0, 1)
    assert (
        data["errors"]
        or any("missing" in n["message"] for n in data["notices"])
        or data["findings"]
    )


def test_huge_and_binary_blobs_are_skipped(repo: GitRepo) -> None:
    write_tree(repo.root, {"seawall.toml": "[secrets]\nmax-blob-size = 2000\n"})
    repo.commit(
        {"big.txt": "x" * 5000 + f"\n{token()}\n", "bin.dat": b"\x00\x01" + token().encode()}, "big"
    )
    _, report = secrets_json(repo.root, "--history")
    assert report["findings"] == []
    assert any("over the size limit" in n["message"] for n in report["notices"])


def test_not_a_repository_with_history_flag_is_a_notice(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.txt": f"{token()}\n"})
    code, report = secrets_json(tmp_path, "--history")
    assert code == 1 and [f["path"] for f in report["findings"]] == ["a.txt"]
    assert any("not the top of a Git repository" in n["message"] for n in report["notices"])


def test_no_output_format_or_cache_leaks_any_secret_value(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEAWALL_CACHE_DIR", str(tmp_path / "leakcache"))
    cases = positives(99)
    files = {f"case{i}/{c.path}": c.text for i, c in enumerate(cases)}
    repo.commit(files, "everything")
    repo.git("rm", "-q", "-r", "case0")
    repo.git("commit", "-q", "-m", "remove one")
    outputs = []
    for fmt in ("text", "json", "sarif", "junit", "markdown"):
        for command in ("secrets", "scan"):
            result = run_cli(
                command,
                str(repo.root),
                "--format",
                fmt,
                *(["--history"] if command == "secrets" else []),
            )
            outputs.append(result.stdout + result.stderr)
    blob = "\n".join(outputs)
    cache = b"".join(p.read_bytes() for p in (tmp_path / "leakcache").glob("*.sqlite*")).decode(
        "latin-1"
    )
    found = json.loads(run_cli("secrets", str(repo.root), "--history", "--format", "json").stdout)
    assert len(found["findings"]) >= len(cases) - 2
    for case in cases:
        core = case.secret.strip()
        assert core not in blob, case.rule
        assert core not in cache, case.rule


def test_worker_pool_scan_matches_the_inline_scan(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(5)
    for index in range(12):  # secrets spread over commits and files, with filler between
        files = {f"pkg/module_{index % 5}.py": f"# {rng.random()}\n" * rng.randint(1, 400)}
        if index % 3 == 0:
            files[f"conf/service_{index}.py"] = f'GITHUB_TOKEN = "{token()}"\n'
        repo.commit(files, f"change {index}", author=f"Author {index}")

    def run(jobs: int) -> list[tuple[str, str, str]]:
        config = tmp_path / f"jobs{jobs}.toml"
        config.write_text(f"jobs = {jobs}\n")
        code, report = secrets_json(repo.root, "--history", "--no-cache", "--config", str(config))
        assert code == 1
        return sorted(
            (f["path"], f["commit"], details(report, f)["author"]) for f in report["findings"]
        )

    inline = run(1)
    # Any amount of history goes to the pool: chunks by bytes, the background log.
    monkeypatch.setattr(secrets_collector, "_PARALLEL_BYTES", 0)
    logs: list[object] = []
    log_class = secrets_collector.git.IntroductionLog

    def recorded(root: str) -> object:
        logs.append(log_class(root))
        return logs[-1]

    monkeypatch.setattr(secrets_collector.git, "IntroductionLog", recorded)
    assert run(2) == inline
    assert len(logs) == 1  # the pool ran, and attribution read the background log
    assert len(inline) == 4 and {author for _, _, author in inline} == {
        "Author 0", "Author 3", "Author 6", "Author 9"
    }  # fmt: skip


def test_unreadable_history_still_reports_the_working_tree(repo: GitRepo) -> None:
    secret = token()
    repo.commit({"README.md": "hello\n"}, "init")
    (repo.root / "deploy.env").write_text(f"GITHUB_TOKEN={secret}\n")  # not committed
    # A ref pointing at an object that does not exist: git rev-list fails.
    (repo.root / ".git" / "refs" / "heads" / "broken").write_text("1" * 40 + "\n")
    code, report = secrets_json(repo.root, "--history")
    assert code == 1
    assert [f["path"] for f in report["findings"]] == ["deploy.env"]
    assert any("Git history could not be read" in e["message"] for e in report["errors"])
    assert secret not in json.dumps(report)
