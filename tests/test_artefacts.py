"""The cache folder's derived files: read marks them used, write prunes their family."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from seawall._artefacts import prune, read_artefact, write_artefact
from seawall.detectors import secrets as secret_detection


def _aged(folder: Path, names: list[str]) -> list[Path]:
    """Files whose modification times run from oldest (first) to newest (last)."""
    paths = []
    for age, name in enumerate(reversed(names)):
        path = folder / name
        path.write_bytes(name.encode())
        stamp = 1_700_000_000 - age * 3600
        os.utime(path, (stamp, stamp))
        paths.append(path)
    return list(reversed(paths))


def test_prune_keeps_the_most_recently_used_files_of_one_family(tmp_path: Path) -> None:
    old, middle, new = _aged(tmp_path, ["hyperscan-a.db", "hyperscan-b.db", "hyperscan-c.db"])
    others = _aged(tmp_path, ["redaction-a.db", "results-v1.sqlite", ".hyperscan-d.db.x.tmp"])
    prune(tmp_path, "hyperscan", keep=2)
    assert not old.exists() and middle.exists() and new.exists()
    assert all(path.exists() for path in others)  # other families, the cache, a write under way


def test_reading_a_file_marks_it_used(tmp_path: Path) -> None:
    old, _, _ = _aged(
        tmp_path, ["secret-rules-a.json", "secret-rules-b.json", "secret-rules-c.json"]
    )
    assert read_artefact(old) == b"secret-rules-a.json"
    prune(tmp_path, "secret-rules", keep=1)
    assert [p.name for p in tmp_path.iterdir()] == ["secret-rules-a.json"]


def test_failures_are_quiet(tmp_path: Path) -> None:
    assert read_artefact(tmp_path / "hyperscan-missing.db") is None
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    write_artefact(not_a_folder / "hyperscan-a.db", b"data", "hyperscan", keep=1)  # no raise
    prune(tmp_path / "absent", "hyperscan", keep=0)


def test_write_replaces_and_prunes(tmp_path: Path) -> None:
    stale = _aged(tmp_path, [f"redaction-{n}.db" for n in range(5)])
    write_artefact(tmp_path / "redaction-new.db", b"fresh", "redaction", keep=3)
    kept = sorted(p.name for p in tmp_path.glob("redaction-*"))
    assert kept == sorted(["redaction-new.db", stale[-1].name, stale[-2].name])
    assert (tmp_path / "redaction-new.db").read_bytes() == b"fresh"


@pytest.mark.skipif(secret_detection.hyperscan is None, reason="needs Hyperscan")
def test_a_new_compiled_matcher_clears_out_old_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = _aged(tmp_path, [f"hyperscan-old{n}-2-0.9-x86_64.db" for n in range(6)])
    monkeypatch.setattr(secret_detection, "_DETECTORS", {})
    secret_detection.default_detector(cache_dir=tmp_path)  # compiles: no database for this pack
    current = secret_detection._database_file(tmp_path)
    names = {p.name for p in tmp_path.glob("hyperscan-*")}
    assert names == {current.name, stale[-1].name, stale[-2].name}
    # The next process loads it (and marks it used) instead of compiling again.
    monkeypatch.setattr(secret_detection, "_DETECTORS", {})
    os.utime(current, (1_000_000_000, 1_000_000_000))
    detector = secret_detection.default_detector(cache_dir=tmp_path)
    assert detector.serialized == current.read_bytes()
    assert current.stat().st_mtime > 1_600_000_000


@pytest.mark.skipif(secret_detection.hyperscan is None, reason="needs Hyperscan")
def test_a_new_redaction_matcher_clears_out_old_pattern_sets(tmp_path: Path) -> None:
    from seawall.protect import Redactor

    _aged(tmp_path, [f"redaction-old{n}.db" for n in range(10)])
    Redactor(sensitive_keys=("a_key_only_this_test_uses",), cache_dir=tmp_path)
    names = [p.name for p in tmp_path.glob("redaction-*")]
    assert len(names) == 8 and sum(not n.startswith("redaction-old") for n in names) == 1


def test_result_cache_keeps_the_rows_of_the_two_most_recent_rule_packs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from seawall._cache import ResultCache

    def keys() -> set[str]:
        cache = ResultCache(tmp_path)
        found = set(cache.get_many(every))
        cache.close()
        return found

    every = [f"{oid}:{pack}:allow:code" for oid in ("a" * 40, "b" * 40) for pack in "ABC"]
    every += ["intro:" + "a" * 40, "history3:/repo:A:allow:x", "history3:/repo:A:allow:x:0"]
    cache = ResultCache(tmp_path)
    cache.put_many({key: [] for key in every})
    cache.use_generation("A")  # the first time: rows of other (unnamed) packs go
    cache.close()
    assert keys() == {k for k in every if ":A:" in k or k.startswith("intro:")}
    cache = ResultCache(tmp_path)
    cache.put_many({key: [] for key in every})
    clock = [time.time()]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    for pack in ("B", "A", "C"):  # an upgrade to B, a run of the older install, then C
        clock[0] += 100_000  # a day and more apart: each use is noted
        cache.use_generation(pack)
    cache.close()
    assert keys() == {k for k in every if ":B:" not in k}  # B is the least recently used
    cache = ResultCache(tmp_path)
    cache.use_generation("C")  # noted within the day: nothing changes
    cache.close()
    assert keys() == {k for k in every if ":B:" not in k}
