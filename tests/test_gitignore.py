"""``.gitignore`` layers: the same verdicts as pathspec, and the same matching lines as its regexes."""

from __future__ import annotations

import random
from pathlib import Path

import pathspec
import re2
from conftest import write_tree
from pathspec.patterns.gitwildmatch import GitWildMatchPattern

from seawall.collectors._files import walk_tree
from seawall.collectors._gitignore import IgnoreLayer, MatchSet, _as_literal, ignored

# Lines of every kind: plain names, extensions, prefixes and rooted paths (the
# literal shapes), directory marks, negations, globs in the middle, classes,
# "**", escapes, and characters re.escape has to escape.
_LINES = [
    "node_modules/", "*.log", "!keep.log", "/build", "docs/**/tmp", "!build/keep/",
    "secret*", "a/b/", "**/cache", "!important/*.log", "# comment", "",
    "[mM]ain.p[!x]", "trailing\\", ".DS_Store", "*.egg-info/", "npm-debug.log*",
    "/dist/", "a+b(c)", "\\#hash", "**/deep/name", "x/", "*.py[cod]", "/out/gen",
    "!x", "~$*", "{braces}", "sp ace", "a?c",
]  # fmt: skip
_PARTS = [
    "node_modules", "build", "keep", "docs", "x", "tmp", "a", "b", "cache", "important",
    "secret.txt", "keep.log", "app.log", "main.py", "Main.pz", "README.md", ".DS_Store",
    "pkg.egg-info", "npm-debug.log.1", "dist", "a+b(c)", "#hash", "deep", "name", "m.pyc",
    "out", "gen", "~$doc", "{braces}", "sp ace", "abc", "log", "egg-info",
]  # fmt: skip


def _random_path(rng: random.Random, parts: list[str] = _PARTS) -> str:
    return "/".join(rng.choice(parts) for _ in range(rng.randint(1, 4)))


def test_layer_gives_pathspec_verdicts() -> None:
    layer = IgnoreLayer("", _LINES)
    # The line pathspec rejects (a trailing backslash) is dropped, as git drops it.
    spec = pathspec.GitIgnoreSpec.from_lines([line for line in _LINES if line != "trailing\\"])
    rng = random.Random(4)
    for _ in range(5000):
        path = _random_path(rng)
        is_dir = rng.random() < 0.3
        expected = spec.check_file(path + "/" if is_dir else path).include
        assert ignored(path, is_dir, [layer]) == bool(expected), path
    assert any(ignored(p, False, [layer]) for p in ("main.py", "x/Main.pz"))


def test_matching_lines_are_those_whose_regex_matches() -> None:
    """The literal tests and the RE2 set together name exactly the lines whose regex matches.

    Paths include a leading slash, doubled slashes, empty components and line
    breaks, where the component tests would not be exact by themselves.
    """
    layer = IgnoreLayer("", _LINES)
    regexes = []  # RE2, the engine the layer used for every line before the literal tests
    for line in _LINES:
        try:
            regex, include = GitWildMatchPattern.pattern_to_regex(line)
        except ValueError:
            continue
        if include is not None and regex is not None:
            regexes.append(re2.compile(regex))
    rng = random.Random(9)
    odd = ["/build/x", "/.DS_Store", "a//node_modules/x", "x\n/app.log", "app.log\n", "\n/cache"]
    parts = [*_PARTS, "", "\n", "a\nb"]
    paths = odd + [_random_path(rng, parts) + rng.choice(["", "/"]) for _ in range(5000)]
    for path in paths:
        expected = sorted(i for i, regex in enumerate(regexes) if regex.match(path))
        assert sorted(set(layer.matching_lines(path))) == expected, repr(path)


def test_literal_shapes_are_recognised_and_the_rest_is_not() -> None:
    def literal(line: str) -> tuple[str, str, bool] | None:
        regex, _ = GitWildMatchPattern.pattern_to_regex(line)
        assert regex is not None
        found = _as_literal(0, regex)
        return None if found is None else (found.test.value, found.literal, found.directory_only)

    assert literal("node_modules/") == ("component equals", "node_modules", True)
    assert literal(".DS_Store") == ("component equals", ".DS_Store", False)
    assert literal("*.log") == ("component ends with", ".log", False)
    assert literal("*.egg-info/") == ("component ends with", ".egg-info", True)
    assert literal("npm-debug.log*") == ("component starts with", "npm-debug.log", False)
    assert literal("/build") == ("path is or starts with", "build", False)
    assert literal("/out/gen/") == ("path is or starts with", "out/gen", True)
    assert literal("a+b(c)") == ("component equals", "a+b(c)", False)
    for line in ("*.py[cod]", "docs/**/tmp", "a?c", "**/deep/name", "*", "a*b", "*a*", "/*.log"):
        assert literal(line) is None, line


def test_layer_without_literal_lines_still_matches() -> None:
    layer = IgnoreLayer("", ["*.py[cod]", "docs/**/tmp"])
    assert sorted(layer.matching_lines("a/m.pyc")) == [0]
    assert layer.matching_lines("docs/x/y/tmp/") == [1]
    assert layer.matching_lines("src/main.py") == []


def test_match_set_falls_back_to_python_re_per_pattern() -> None:
    sources = ["^a/.*$", "^(?:.+/)?b$", "^(?=c)c$"]  # the lookahead is beyond RE2
    matches = MatchSet()
    for source in sources:
        matches.add(source)
    matches.compile()
    assert matches.match("a/b") == [0, 1] and matches.match("c") == [2]
    assert matches.match("d") == []


def test_match_set_refuses_what_no_engine_compiles_and_keeps_positions() -> None:
    matches = MatchSet()
    assert matches.add("^a$")
    assert not matches.add("^[z-a]$")  # a reversed range: neither RE2 nor Python's re
    assert matches.add("^(?=b)b$")  # RE2 has no lookahead: Python's re, beside the set
    assert matches.add("^(?:a|b)$")
    matches.compile()
    assert matches.match("a") == [0, 2] and matches.match("b") == [1, 2]


def test_unusable_lines_are_named_and_the_rest_still_apply(tmp_path: Path) -> None:
    """A line no engine compiles used to crash the scan; now it ignores nothing and is named."""
    lines = ["node_modules/", "[z-a]", "*.log", "!keep.log", "\udcff[\udcfe-L]x"]
    layer = IgnoreLayer("", lines)
    assert layer.unusable_lines == [2, 5]
    assert ignored("node_modules", True, [layer]) and ignored("a/app.log", False, [layer])
    assert not ignored("keep.log", False, [layer]) and not ignored("z", False, [layer])

    files: dict[str, str | bytes] = {
        ".gitignore": "\n".join(lines[:4]) + "\n",
        "sub/.gitignore": b"ok.txt\n[\xff-L]\n",
    }
    write_tree(
        tmp_path,
        files | dict.fromkeys(["keep.log", "app.log", "sub/ok.txt", "sub/kept.txt"], "x\n"),
    )
    tree = walk_tree(str(tmp_path))
    assert {f.path for f in tree.files} == {
        ".gitignore",
        "keep.log",
        "sub/.gitignore",
        "sub/kept.txt",
    }
    assert tree.unusable_ignore_lines == ((".gitignore", 2), ("sub/.gitignore", 2))


def test_scan_reports_an_unusable_line_as_a_notice(tmp_path: Path) -> None:
    from seawall._engine import run_scan

    write_tree(tmp_path, {".gitignore": "*.tmp\n[z-a]\n", "a.tmp": "x\n"})
    report = run_scan(str(tmp_path), use_cache=False)
    notices = [(n.path, n.line) for n in report.notices if n.kind == "unusable-ignore-line"]
    assert notices == [(".gitignore", 2)]
    assert report.stats["files_scanned"] == 1  # .gitignore itself; a.tmp is still ignored
