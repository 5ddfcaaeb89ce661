"""Which parts of a history blob are new against the versions of its path read before it.

A file's history is mostly the same text again: each of requests' 865 versions
of ``models.py`` differs from the one before it in a few lines. Matching every
version whole costs the secret scan most of its time; matching only what is
new costs a few percent of it and finds the same secrets, because every
unchanged piece of text was matched in an earlier version of the same path.

The unit of "unchanged" is the paragraph (text between blank lines): a blob's
paragraphs that an earlier version of its path already held are skipped, the
rest are matched with two lines of context on each side, and a private-key
block that a new paragraph touches is matched whole (an encrypted PEM key has
a blank line inside, and a commit may change one line of a key). A secret is
attributed to the first version that holds it, so versions must come oldest
first; the first version of a path seen here is matched whole.

Finding the paragraphs to look at is cheap: the common prefix and suffix with
the previous version are compared in C (bytes equality), and only the
paragraphs between them are split and looked up.

A generated file rewritten in every commit (a data dump, a build output) gains
nothing from the paragraph sets: all of its text is new each time, and
splitting and hashing it would cost more than matching it. A path whose
changed region was nearly all new text in several versions running is
therefore matched by region from then on: the span between the common prefix
and suffix (whole paragraphs, with the same context and key blocks), which
holds everything that differs from the version before.
"""

from __future__ import annotations

import re
from itertools import accumulate

__all__ = ["PathVersions"]

_SEPARATOR = b"\n\n"
_CRLF_SEPARATOR = b"\n\r\n"  # a blank line in a file with Windows line ends
_STEP = 4096  # bytes compared at a time while looking for the common prefix and suffix
# How far short of the longest the common prefix and suffix may fall: the changed
# region only grows by as much, and a few bisection steps fewer cost less.
_SLACK = 64
# Windows closer than this are matched as one: a call to the matcher costs about as
# much as matching this many more bytes.
_GAP = 1024
# A path is matched by region once this many versions running changed at least
# _CHURN_BYTES, nine tenths or more of it text no earlier version held.
_CHURN_VERSIONS = 2
_CHURN_BYTES = 64 * 1024
# Where a multi-line key block starts and ends (PEM, OpenSSH, PGP, SSH2, PuTTY).
_KEY_BLOCK_MARKERS = (b"-----BEGIN", b"---- BEGIN", b"PuTTY-User-Key-File")
_KEY_BLOCK_START = re.compile(b"|".join(re.escape(m) + rb"[^\n]*" for m in _KEY_BLOCK_MARKERS))
_KEY_BLOCK_END = re.compile(rb"-----END[^\n]*|---- END[^\n]*|Private-MAC:[^\n]*")


def _common_prefix(a: bytes, b: bytes) -> int:
    """Length of a common prefix of ``a`` and ``b``: the longest, less up to ``_SLACK``."""
    limit = min(len(a), len(b))
    done = 0
    while done + _STEP <= limit and a[done : done + _STEP] == b[done : done + _STEP]:
        done += _STEP
    low, high = done, min(done + _STEP, limit)
    while high - low > _SLACK:  # invariant: a[:low] == b[:low]
        middle = (low + high + 1) // 2
        if a[done:middle] == b[done:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    """Length of a common suffix of ``a`` and ``b`` (at most ``limit``): the longest,
    less up to ``_SLACK``."""
    size_a, size_b = len(a), len(b)
    done = 0
    while (
        done + _STEP <= limit
        and a[size_a - done - _STEP : size_a - done] == b[size_b - done - _STEP : size_b - done]
    ):
        done += _STEP
    low, high = done, min(done + _STEP, limit)
    while high - low > _SLACK:  # invariant: the last ``low`` bytes agree
        middle = (low + high + 1) // 2
        if a[size_a - middle : size_a - done] == b[size_b - middle : size_b - done]:
            low = middle
        else:
            high = middle - 1
    return low


def _end_of_line(data: bytes, offset: int) -> int:
    end = data.find(b"\n", offset)
    return len(data) if end == -1 else end


def _has_key_marker(data: bytes, start: int = 0, end: int | None = None) -> bool:
    return any(data.find(marker, start, end) != -1 for marker in _KEY_BLOCK_MARKERS)


def _key_blocks(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each key block; one without an end marker runs to the end."""
    blocks = []
    for start in _KEY_BLOCK_START.finditer(data):
        end = _KEY_BLOCK_END.search(data, start.end())
        blocks.append((start.start(), end.end() if end else len(data)))
    return blocks


def _separator(data: bytes) -> bytes:
    """What ends a paragraph in ``data``, by the line ends its start uses."""
    return _CRLF_SEPARATOR if data.find(b"\r\n", 0, 4096) != -1 else _SEPARATOR


def _merge(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Windows closer than ``_GAP`` joined, in order."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1] + _GAP:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


class PathVersions:
    """Per path: the last version read and every paragraph matched so far.

    One instance follows one sequence of blobs (a worker's share of the history,
    whole paths at a time). Memory: the last version of each path plus the
    distinct paragraphs of its history.
    """

    def __init__(self, memory: int = 64 << 20) -> None:
        self._last: dict[str, bytes] = {}
        self._seen: dict[str, set[bytes]] = {}
        # Bytes of paragraphs held in ``_seen``; past ``memory`` the sets are dropped
        # and rebuilt from each path's last version (a history of generated files,
        # new every commit, would otherwise keep all of it).
        self._held = 0
        self._memory = memory
        # Paths where some version held a key block marker. Every paragraph was
        # new (or whole) in some version, where it was looked at: a version with
        # a marker has one only if its path is here.
        self._key_paths: set[str] = set()
        # Versions running whose change was large and nearly all new, per path; the
        # paths that reached _CHURN_VERSIONS are matched by region (no paragraph sets).
        self._churn: dict[str, int] = {}
        self._by_region: set[str] = set()

    def record(self, path: str, data: bytes) -> None:
        """``data`` was matched whole: every paragraph in it counts as seen."""
        self._last[path] = data
        if path not in self._by_region:
            self._remember(path, set(data.split(_separator(data))), len(data))
        if _has_key_marker(data):
            self._key_paths.add(path)

    def _remember(self, path: str, paragraphs: set[bytes], size: int) -> None:
        if self._held + size > self._memory:
            self._seen.clear()
            self._held = 0
        self._seen.setdefault(path, set()).update(paragraphs)
        self._held += size

    def new_windows(self, path: str, data: bytes) -> list[tuple[int, int]] | None:
        """Byte ranges of ``data`` to match: none when nothing is new, None for all of it
        (the first version of ``path`` seen here, which is recorded as matched whole, or
        a version new from end to end)."""
        previous = self._last.get(path)
        if previous is None:
            self.record(path, data)
            return None
        self._last[path] = data
        prefix = _common_prefix(previous, data)
        suffix = _common_suffix(previous, data, min(len(previous), len(data)) - prefix)
        # The changed region, widened to whole paragraphs.
        separator = _separator(data)
        cut = data.rfind(separator, 0, prefix)
        start = 0 if cut == -1 else cut + len(separator)
        stop = data.find(separator, len(data) - suffix)
        stop = len(data) if stop == -1 else stop
        if start >= stop:
            return []  # only whole paragraphs were taken out
        if path in self._by_region:
            windows = [(start, stop)]
        else:
            windows = self._new_paragraphs(path, data, previous, start, stop, separator)
            if not windows:
                return []
        gap = len(separator)
        # Between the first and the last window all text was new here or in an earlier
        # version, where it was looked at: one look at the whole span is enough.
        if path not in self._key_paths and _has_key_marker(data, windows[0][0], windows[-1][1]):
            self._key_paths.add(path)
        # Context: the blank line and the neighbouring paragraph's nearest line on each
        # side, for a match that spans a paragraph break (a name, a blank line, a value).
        windows = [
            (
                data.rfind(b"\n", 0, begin - gap) + 1 if begin else 0,
                _end_of_line(data, end + gap),
            )
            for begin, end in windows
        ]
        if path in self._key_paths:
            windows += [
                block
                for block in _key_blocks(data)
                if any(begin < block[1] and block[0] < end for begin, end in windows)
            ]
        merged = _merge(windows)
        return None if merged == [(0, len(data))] else merged

    def _new_paragraphs(
        self, path: str, data: bytes, previous: bytes, start: int, stop: int, separator: bytes
    ) -> list[tuple[int, int]]:
        """Spans of the runs of paragraphs in ``data[start:stop]`` that no earlier
        version held (they count as seen from now on)."""
        seen = self._seen.get(path)
        if seen is None:  # dropped for memory: the last version was matched (or skipped)
            self._remember(path, set(previous.split(_separator(previous))), len(previous))
            seen = self._seen[path]
        paragraphs = data[start:stop].split(separator)
        new = set(paragraphs).difference(seen)
        new_bytes = sum(map(len, new))
        if not new:
            self._note_churn(path, stop - start, 0)
            return []
        self._remember(path, new, new_bytes)
        self._note_churn(path, stop - start, new_bytes)  # after: it may drop the set
        # One span per run of new paragraphs, found in C (a byte per paragraph, 1 when
        # new): a rewritten file is one run, not a Python step per paragraph. A
        # paragraph's offset is the lengths before it plus one separator each.
        ends = list(accumulate(map(len, paragraphs)))
        flags = bytes(map(new.__contains__, paragraphs))
        gap = len(separator)
        spans: list[tuple[int, int]] = []
        first = flags.find(1)
        while first != -1:
            after = flags.find(0, first)
            after = len(flags) if after == -1 else after
            begin = start + (ends[first - 1] if first else 0) + first * gap
            spans.append((begin, start + ends[after - 1] + (after - 1) * gap))
            first = flags.find(1, after)
        return spans

    def _note_churn(self, path: str, changed: int, new: int) -> None:
        """Count versions running with a large, nearly all new change; past
        _CHURN_VERSIONS the path is matched by region and its paragraph set goes."""
        if changed < _CHURN_BYTES or new * 10 < changed * 9:
            self._churn.pop(path, None)
            return
        self._churn[path] = self._churn.get(path, 0) + 1
        if self._churn[path] >= _CHURN_VERSIONS:
            self._by_region.add(path)
            self._seen.pop(path, None)
