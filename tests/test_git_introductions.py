"""Introducing commits from the ``git log --raw`` pass: the search and the line reader agree."""

from __future__ import annotations

import random

from conftest import GitRepo

from seawall.collectors import _git as git


def _history(repo: GitRepo, rng: random.Random) -> None:
    """Edits, a blob added at two paths, a revert to an older blob, renames, a merge,
    and odd file names (quoted by git in the log)."""
    contents = [f"value {n}\n" for n in range(12)]
    paths = ["a.txt", "dir/b.txt", "c d.txt", "tab\there.txt", "ünï.txt"]
    for index in range(30):
        files = {rng.choice(paths): rng.choice(contents) for _ in range(rng.randint(1, 3))}
        author = rng.choice(["Dev One", "Dév Twö"])
        if index == 12:
            repo.git("checkout", "-q", "-b", "side")
            repo.commit({"side.txt": rng.choice(contents)}, "side")
            repo.git("checkout", "-q", "main")
            repo.git("merge", "-q", "--no-ff", "-m", "merge", "side")
        elif index == 20:
            repo.git("mv", "a.txt", "moved.txt")
            repo.git("commit", "-q", "-m", "rename")
            repo.commit({"a.txt": contents[0]}, "back", author=author)
        else:
            repo.write(files)
            repo.git("add", "-A")
            repo.git("commit", "-q", "--allow-empty", "-m", f"c{index}", author=author)


def test_search_and_line_reader_find_the_same_introductions(repo: GitRepo) -> None:
    rng = random.Random(4)
    _history(repo, rng)
    log = git.IntroductionLog(str(repo.root))
    output = log._read()
    log.close()
    blobs = sorted({line.split()[3].decode() for line in output.splitlines() if line[:1] == b":"})
    blobs = [oid for oid in blobs if set(oid) != {"0"}]
    assert len(blobs) >= 10
    for size in (1, 3, len(blobs)):
        for _ in range(10):
            wanted = set(rng.sample(blobs, min(size, len(blobs)))) | {"f" * 40}  # one unknown
            by_search = git._introductions_by_search(output, wanted)
            assert by_search == git._introductions_by_lines(output, wanted)
            assert set(by_search) == wanted - {"f" * 40}
    first = git._introductions_by_search(output, set(blobs))
    assert {i.author for i in first.values()} <= {"Dev One", "Dév Twö"}
    assert any(i.path.startswith('"') for i in first.values())  # git quoted the tab
