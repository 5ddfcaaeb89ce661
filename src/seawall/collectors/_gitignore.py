"""``.gitignore`` files, matched with pathspec's semantics at the cost of a few lookups.

A layer is one ``.gitignore``. To say whether a path is ignored, it first finds
the lines that match the path, then lets pathspec settle only those lines
(negations, directory marks, last match wins), so pathspec's per-line
compilation is paid for matching lines alone.

Finding the matching lines has two parts. Most lines of real ``.gitignore``
files are plain names (``node_modules/``, ``.DS_Store``), plain extensions
(``*.log``), plain prefixes (``npm-debug.log*``) or plain rooted paths
(``/build``). pathspec translates each into a regex of a fixed shape, and the
shape says what the line matches: a path component equal to, ending with or
starting with a literal, or the path itself starting with one. Those lines are
decided by dictionary and string tests on the path's components. Every other
line goes into one RE2 set. RE2 builds its matching automaton lazily, state by
state, and a set of a few hundred ``(?:.+/)?``-prefixed regexes cost ~15 ms to
compile and warm up on a 460-line ``.gitignore``, more than the rest of a small
repository's walk.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, NamedTuple

import pathspec
from pathspec.patterns.gitwildmatch import GitWildMatchPattern

__all__ = ["IgnoreLayer", "MatchSet", "ignored", "load_gitignore"]

_MAX_GITIGNORE_BYTES = 1024 * 1024


class _Test(StrEnum):
    """How a literal line's regex relates a path to its literal."""

    COMPONENT_EQUALS = "component equals"
    COMPONENT_ENDS_WITH = "component ends with"
    COMPONENT_STARTS_WITH = "component starts with"
    PATH_STARTS_WITH = "path is or starts with"


# pathspec's translation of a line without glob characters, or with one "*" at
# either end, piece by piece: an optional "any parent directory" prefix, a "*"
# before or after the literal, the literal as re.escape writes it, and the
# end: the path may go on below a match, or (a trailing "/" in the line) must,
# because the line names a directory.
_SHAPE = re.compile(
    r"\^(?P<anywhere>\(\?:\.\+/\)\?)?(?P<star_before>\[\^/\]\*)?"
    r"(?P<literal>(?:[^\\.^$*+?{}\[\]|()]|\\.)+)(?P<star_after>\[\^/\]\*)?"
    r"(?:\(\?:\(\?P<ps_d>/\)\.\*\)\?\$|(?P<directory>\(\?P<ps_d>/\)\.\*\$))"
)
_ESCAPED_CHARACTER = re.compile(r"\\(.)", re.S)


class _LiteralLine(NamedTuple):
    """A line whose regex has the literal shape, as a test on its literal."""

    position: int  # in the layer's lines
    test: _Test
    literal: str
    directory_only: bool


def _as_literal(index: int, regex: str) -> _LiteralLine | None:
    shape = _SHAPE.fullmatch(regex)
    if shape is None:
        return None
    escaped = shape["literal"]
    literal = _ESCAPED_CHARACTER.sub(r"\1", escaped)
    # Only what re.escape wrote is a literal (not "\d" and the like).
    if re.escape(literal) != escaped:
        return None
    if not shape["anywhere"]:
        if shape["star_before"] or shape["star_after"]:
            return None  # e.g. "/*.log": a test on the first component only, left to RE2
        return _LiteralLine(index, _Test.PATH_STARTS_WITH, literal, bool(shape["directory"]))
    if "/" in literal or (shape["star_before"] and shape["star_after"]):
        return None  # "**/a/b" spans components; "*a*" is a substring test
    if shape["star_before"]:
        test = _Test.COMPONENT_ENDS_WITH
    elif shape["star_after"]:
        test = _Test.COMPONENT_STARTS_WITH
    else:
        test = _Test.COMPONENT_EQUALS
    return _LiteralLine(index, test, literal, bool(shape["directory"]))


class _LiteralIndex:
    """The literal lines of one file, each found by a lookup or a string test."""

    def __init__(self, lines: Iterable[_LiteralLine]) -> None:
        self._names: dict[str, list[int]] = {}
        self._directory_names: dict[str, list[int]] = {}
        self._ends: list[_LiteralLine] = []
        self._starts: list[_LiteralLine] = []
        # Rooted lines by their first component: a path looks at its own only.
        self._rooted: dict[str, list[_LiteralLine]] = {}
        for line in lines:
            if line.test is _Test.COMPONENT_EQUALS:
                names = self._directory_names if line.directory_only else self._names
                names.setdefault(line.literal, []).append(line.position)
            elif line.test is _Test.COMPONENT_ENDS_WITH:
                self._ends.append(line)
            elif line.test is _Test.COMPONENT_STARTS_WITH:
                self._starts.append(line)
            else:
                self._rooted.setdefault(line.literal.split("/", 1)[0], []).append(line)
        self._any_end = tuple(line.literal for line in self._ends)
        self._any_start = tuple(line.literal for line in self._starts)

    def matching(self, path: str) -> list[int]:
        """Indices of the lines whose regex matches ``path`` (no leading "/", no newline)."""
        found: list[int] = []
        components = path.split("/")
        last = len(components) - 1
        for depth, component in enumerate(components):
            # A line that names a directory matches a component something follows.
            below = depth < last
            if component in self._names:
                found += self._names[component]
            if below and component in self._directory_names:
                found += self._directory_names[component]
            if self._any_end and component.endswith(self._any_end):
                found += (
                    line.position
                    for line in self._ends
                    if component.endswith(line.literal) and (below or not line.directory_only)
                )
            if self._any_start and component.startswith(self._any_start):
                found += (
                    line.position
                    for line in self._starts
                    if component.startswith(line.literal) and (below or not line.directory_only)
                )
        for line in self._rooted.get(components[0], ()):
            if path.startswith(line.literal + "/") or (
                not line.directory_only and path == line.literal
            ):
                found.append(line.position)
        return found


class MatchSet:
    """Which of many anchored regexes match a text: one RE2 set, and Python's ``re`` beside it.

    A regex RE2 rejects (a lookahead, say; pathspec's translations have none)
    is matched with Python's ``re`` on its own; one neither accepts (a
    reversed range such as ``[z-a]``) is refused, so the caller can say so. If
    the whole set cannot be compiled (RE2's memory budget), or a name is not
    UTF-8, every regex goes through Python's ``re``.
    """

    def __init__(self) -> None:
        import re2  # only trees with a .gitignore that needs it pay for it

        options = re2.Options()
        options.log_errors = False  # a rejected pattern is handled here, not printed by RE2
        self._re2_error: type[Exception] = re2.error
        self._re2_set: Any = re2.Set.MatchSet(options)
        self._in_set: list[int] = []  # the set's index -> the regex's position
        self._beside: list[tuple[int, re.Pattern[str]]] = []  # (position, regex RE2 rejected)
        self._sources: list[str] = []
        self._fallback: list[tuple[int, re.Pattern[str]]] | None = None

    def add(self, source: str) -> bool:
        """Add one regex at the next position; False (and not added) when no engine takes it."""
        position = len(self._sources)
        try:
            self._re2_set.Add(source)
        except (self._re2_error, UnicodeEncodeError):  # UTF-8 only, no lookaround
            try:
                self._beside.append((position, re.compile(source)))
            except re.error:
                return False
        else:
            self._in_set.append(position)
        self._sources.append(source)
        return True

    def compile(self) -> None:
        """Freeze the set; call once, after the last ``add``."""
        if self._in_set:
            try:
                self._re2_set.Compile()
                return
            except self._re2_error:  # e.g. the set outgrew RE2's memory budget
                pass
        self._re2_set = None

    def match(self, text: str) -> list[int]:
        """Positions of the regexes that match ``text``, in order."""
        if self._re2_set is not None:
            try:
                found = [self._in_set[i] for i in self._re2_set.Match(text) or ()]
            except UnicodeEncodeError:  # a file name that is not UTF-8 (surrogate escapes)
                pass
            else:
                found += (position for position, regex in self._beside if regex.match(text))
                return sorted(found)
        return [position for position, regex in self._in_python() if regex.match(text)]

    def _in_python(self) -> list[tuple[int, re.Pattern[str]]]:
        if self._fallback is None:
            self._fallback = []
            for position, source in enumerate(self._sources):
                try:
                    self._fallback.append((position, re.compile(source)))
                except re.error:  # RE2's syntax only: it cannot match a name RE2 cannot read
                    continue
        return self._fallback


class IgnoreLayer:
    """One ``.gitignore`` file."""

    def __init__(self, base: str, lines: list[str]) -> None:
        self.base = base  # relative dir of the .gitignore ("" for the root)
        self._lines: list[str] = []
        self._regexes: list[str] = []  # pathspec's translation of each of _lines
        self._numbers: list[int] = []  # the 1-based line number of each of _lines
        self._unusable: set[int] = set()  # _lines no regex engine can compile
        self._compiled: dict[int, GitWildMatchPattern] = {}
        literals: list[_LiteralLine] = []
        others: list[int] = []
        for number, line in enumerate(lines, 1):
            try:
                regex, include = GitWildMatchPattern.pattern_to_regex(line)
            except ValueError:  # e.g. a trailing backslash: git ignores the line too
                continue
            if include is None or regex is None:
                continue
            index = len(self._lines)
            self._lines.append(line)
            self._regexes.append(regex)
            self._numbers.append(number)
            literal = _as_literal(index, regex)
            if literal is not None:
                literals.append(literal)
            else:
                others.append(index)
        self._literals = _LiteralIndex(literals)
        self._other_regexes = self._regex_set(others) if others else None
        # Every line's regex, built on first need: for the rare paths on which
        # the literal tests would not be exact.
        self._all_regexes: tuple[MatchSet, list[int]] | None = None

    @property
    def unusable_lines(self) -> list[int]:
        """Line numbers of lines that match nothing because their pattern does not compile."""
        return sorted(self._numbers[index] for index in self._unusable)

    def _regex_set(self, indices: list[int]) -> tuple[MatchSet, list[int]]:
        """A set of these lines' regexes, and the line index of each of its positions.

        A line neither RE2 nor Python's ``re`` compiles (pathspec cannot either)
        is left out: it ignores nothing, and ``unusable_lines`` names it.
        """
        matches = MatchSet()
        kept: list[int] = []
        for index in indices:
            if matches.add(self._regexes[index]):
                kept.append(index)
            else:
                self._unusable.add(index)
        matches.compile()
        return matches, kept

    def matching_lines(self, candidate: str) -> list[int]:
        """Indices of the lines whose pattern matches ``candidate``."""
        if candidate.startswith("/") or "\n" in candidate:
            # The component tests assume what pathspec's ".+/" and "." take
            # for granted: a non-empty first component and no line breaks.
            if self._all_regexes is None:
                self._all_regexes = self._regex_set(list(range(len(self._lines))))
            matches, indices = self._all_regexes
            return [indices[i] for i in matches.match(candidate)]
        found = self._literals.matching(candidate)
        if self._other_regexes is not None:
            matches, indices = self._other_regexes
            found += (indices[i] for i in matches.match(candidate))
        return found

    def verdict(self, candidate: str) -> bool | None:
        """True: ignored; False: re-included by a negation; None: no line matches."""
        matching = self.matching_lines(candidate)
        if not matching:
            return None
        patterns = [self._pattern(index) for index in sorted(set(matching))]
        usable = [pattern for pattern in patterns if pattern is not None]
        return pathspec.GitIgnoreSpec(usable).check_file(candidate).include if usable else None

    def _pattern(self, index: int) -> GitWildMatchPattern | None:
        if index in self._unusable:
            return None
        pattern = self._compiled.get(index)
        if pattern is None:
            try:
                pattern = self._compiled[index] = GitWildMatchPattern(self._lines[index])
            except re.error:  # RE2 took the regex, Python's re (pathspec's) does not
                self._unusable.add(index)
                return None
        return pattern


def load_gitignore(abs_dir: str, rel_dir: str) -> IgnoreLayer | None:
    """The layer of ``abs_dir/.gitignore``, or None when there is none to read."""
    path = os.path.join(abs_dir, ".gitignore")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(_MAX_GITIGNORE_BYTES)
    except OSError:
        return None
    lines = raw.decode("utf-8", errors="replace").splitlines()
    return IgnoreLayer(rel_dir, lines)


def ignored(rel_path: str, is_dir: bool, layers: Iterable[IgnoreLayer]) -> bool:
    """Whether the layers in force (outermost first) ignore ``rel_path``."""
    # Deeper .gitignore files are consulted last so their negations win, as in git.
    verdict = False
    for layer in layers:
        sub = rel_path[len(layer.base) + 1 :] if layer.base else rel_path
        said = layer.verdict(sub + "/" if is_dir else sub)
        if said is not None:
            verdict = said
    return verdict
