"""Collect secret hits from the working tree, the whole Git history, or the index.

Every unit of work is a blob identified by its Git object id (working-tree
files are hashed the way Git hashes them), so a file unchanged since the last
commit, or since the last scan, is looked up in the cache instead of scanned.
Large scans run over a process pool; each history worker streams its own share
of blobs through its own ``git cat-file --batch``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec
import re2

from seawall._cache import ResultCache
from seawall.collectors import CollectContext, Collected, CollectorIssue
from seawall.collectors import _git as git
from seawall.collectors._archives import ARCHIVE_SUFFIXES, ArchiveError, archive_members
from seawall.collectors._blob_delta import PathVersions
from seawall.collectors._files import looks_binary
from seawall.collectors._options import SecretsOptions
from seawall.detectors._rules import rule_pack_hash
from seawall.detectors.secrets import (
    CODE_SUFFIXES,
    SecretDetector,
    SecretHit,
    default_detector,
    path_suffix,
)

__all__ = ["SecretOccurrence", "SecretsEvidence", "collect"]

# Contents Git users commit but no secret scanner can read as text.
_BINARY_SUFFIXES = frozenset(
    [
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".bmp",
        ".ico",
        ".icns",
        ".tif",
        ".tiff",
        ".webp",
        ".psd",
        ".svgz",
        ".mp3",
        ".mp4",
        ".m4a",
        ".mov",
        ".avi",
        ".wav",
        ".ogg",
        ".flac",
        ".webm",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".eot",
        ".zip",
        ".gz",
        ".tgz",
        ".bz2",
        ".xz",
        ".zst",
        ".7z",
        ".rar",
        ".jar",
        ".war",
        ".ear",
        ".whl",
        ".egg",
        ".so",
        ".dylib",
        ".dll",
        ".exe",
        ".bin",
        ".o",
        ".a",
        ".lib",
        ".class",
        ".pyc",
        ".pyo",
        ".pdf",
        ".parquet",
        ".avro",
        ".orc",
        ".sqlite",
        ".db",
        ".npy",
        ".npz",
        ".pkl",
        ".pt",
        ".onnx",
        ".h5",
    ]
)
# The key suffix of a history blob matched only where it differs from earlier versions
# of its path: its rows hold the secrets new in it, so they are never taken for the
# blob's complete rows (the per-blob cache, the working tree, "present at HEAD").
_DELTA = ":delta"
# Below this much text, forking workers (and loading the matcher in each) costs
# more than scanning inline.
_PARALLEL_BYTES = 24 * 1024 * 1024


@dataclass(frozen=True)
class SecretOccurrence:
    """One secret at one path in one blob, with where it came from."""

    path: str
    source: str  # "working-tree", "history" or "staged"
    hit: SecretHit
    blob: str
    commit: str | None = None
    author: str | None = None
    date: str | None = None
    present_at_head: bool | None = None


@dataclass(frozen=True)
class SecretsEvidence:
    """All secret occurrences plus what was scanned, for stats and coverage."""

    occurrences: tuple[SecretOccurrence, ...]
    history_scanned: bool
    blobs_total: int
    blobs_scanned: int
    blobs_cached: int
    bytes_scanned: int
    detector: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    def stats(self) -> dict[str, object]:
        """Figures for the report's stats (how much was scanned, how much came from cache)."""
        return {
            "history_scanned": self.history_scanned,
            "blobs": self.blobs_total,
            "blobs_scanned": self.blobs_scanned,
            "blobs_cached": self.blobs_cached,
            "bytes_scanned": self.bytes_scanned,
            "prefilter": self.detector,
        }


def _git_blob_id(data: bytes) -> str:
    digest = hashlib.sha1(b"blob %d\x00" % len(data), usedforsecurity=False)
    digest.update(data)
    return digest.hexdigest()


def _path_class(path: str) -> str:
    return "code" if path_suffix(path) in CODE_SUFFIXES else "text"


class _Filters:
    """Config allowlists applied to hits (after the cache, so they can change freely)."""

    def __init__(self, options: SecretsOptions) -> None:
        self._paths = pathspec.GitIgnoreSpec.from_lines(list(options.allow_paths))
        self._disabled = frozenset(options.disable_rules)
        self.allow_values = tuple(options.allow_values)

    def path_allowed(self, path: str) -> bool:
        # Asked once per history blob: an empty allowlist answers without pathspec.
        return bool(self._paths.patterns) and self._paths.match_file(path)

    def keep(self, hit: SecretHit) -> bool:
        return hit.rule_id not in self._disabled


# -- worker side ----------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _worker_init(serialized: bytes | None, allow_values: tuple[str, ...]) -> None:
    _WORKER["detector"] = default_detector(serialized=serialized)
    _WORKER["allow"] = [re2.compile(v) for v in allow_values]


def _scan_items(items: Sequence[tuple[str, str, bytes]]) -> dict[str, list[list[object]]]:
    """Scan (key, path, data) items in this process."""
    detector, allow = _WORKER["detector"], _WORKER["allow"]
    return {
        key: [hit.to_row() for hit in detector.scan(data, path, allow)] for key, path, data in items
    }


@dataclass
class _ChunkResult:
    """What a worker sends back for a chunk of history blobs."""

    rows: dict[str, list[list[object]]] = field(default_factory=dict)
    scanned: int = 0  # text bytes scanned
    problems: dict[str, str] = field(default_factory=dict)  # key -> why part of it was not read


def _scan_history_chunk(root: str, items: Sequence[tuple[str, str, str]]) -> _ChunkResult:
    """Stream (key, oid, path) blobs with one cat-file and scan them.

    A blob whose key ends in ``_DELTA`` is matched only where it differs from the
    versions of its path before it in ``items`` (which come oldest first).
    """
    detector, allow = _WORKER["detector"], _WORKER["allow"]
    by_oid: dict[str, list[tuple[str, str]]] = {}
    for key, oid, path in items:
        by_oid.setdefault(oid, []).append((key, path))
    delta_paths = {path for key, _, path in items if key.endswith(_DELTA)}
    versions = PathVersions()
    result = _ChunkResult()
    for oid, data in git.read_blobs(root, list(by_oid)):
        binary = looks_binary(data)
        result.scanned += 0 if binary else len(data)
        for key, path in by_oid[oid]:
            if path.lower().endswith(ARCHIVE_SUFFIXES):
                rows, problem = _archive_rows(detector, data, path, allow)
                result.rows[key] = rows
                if problem:
                    result.problems[key] = f"history blob {oid[:12]} ({path}): {problem}"
                continue
            if binary:
                result.rows[key] = []
                continue
            windows = None
            if key.endswith(_DELTA):
                windows = versions.new_windows(path, data)
            elif path in delta_paths:
                versions.record(path, data)
            hits = detector.scan(data, path, allow, windows) if windows != [] else []
            result.rows[key] = [h.to_row() for h in hits]
    return result


# Members of history archives up to the default blob limit (workers have no options).
_ARCHIVE_MEMBER_LIMIT = 10 * 1024 * 1024


def _archive_rows(
    detector: Any, data: bytes, path: str, allow: Any
) -> tuple[list[list[object]], str | None]:
    """Hits in the text members of an archive blob, each naming its member, and why
    the rest was not read (corrupt, encrypted, over the limits), if it was not."""
    found: list[list[object]] = []
    try:
        for name, content in archive_members(path, _ARCHIVE_MEMBER_LIMIT, data):
            for hit in detector.scan(content, f"{path}!{name}", allow):
                found.append(dataclasses.replace(hit, member=name).to_row())
    except ArchiveError as exc:
        return found, f"{exc}; members before it were scanned"
    return found, None


def _chunks(items: Sequence[Any], count: int) -> list[Sequence[Any]]:
    size = max(1, -(-len(items) // count))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _chunks_by_path(
    items: Sequence[tuple[str, str, str]], sizes: Mapping[str, int], count: int
) -> list[Sequence[tuple[str, str, str]]]:
    """``items`` cut into about ``count`` chunks of about equal bytes, in the items'
    order within a chunk (history order keeps cat-file's reads near each other in
    the pack).

    A chunk holds whole paths, as a blob matched as a delta needs the versions
    before it; a path heavier than a chunk's share is cut into runs of versions
    (each run's first version is then matched whole), so that one file rewritten
    in every commit still spreads over the workers. The heaviest groups are
    placed first, each in the chunk with the fewest bytes so far.
    """
    by_path: dict[str, list[int]] = {}
    for index, (_, _, path) in enumerate(items):
        by_path.setdefault(path, []).append(index)
    share = max(1, sum(sizes.get(oid, 0) for _, oid, _ in items) // count)
    groups: list[tuple[int, list[int]]] = []
    for indexes in by_path.values():
        run: list[int] = []
        weight = 0
        for index in indexes:
            run.append(index)
            weight += sizes.get(items[index][1], 0)
            if weight >= share:
                groups.append((weight, run))
                run, weight = [], 0
        if run:
            groups.append((weight, run))
    totals = [0] * count
    members: list[list[int]] = [[] for _ in range(count)]
    for weight, run in sorted(groups, key=lambda group: -group[0]):
        lightest = totals.index(min(totals))
        totals[lightest] += weight
        members[lightest] += run
    return [[items[i] for i in sorted(chunk)] for chunk in members if chunk]


def _plan_deltas(
    work: Sequence[tuple[str, str, str]], whole: set[str]
) -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    """History ``work`` (key, oid, path), oldest first as the listing gives it, with
    the key of every blob to match as a delta renamed: all but the first version of
    each path, archives and the blobs in ``whole`` (HEAD's, which the working tree
    and "present at HEAD" read complete). A secret is then matched in the first
    version that holds it. Returns the new work and the renamed keys (old -> new).
    """
    first_seen: set[str] = set()
    planned: list[tuple[str, str, str]] = []
    renamed: dict[str, str] = {}
    for key, oid, path in work:
        if path in first_seen and oid not in whole and not path.lower().endswith(ARCHIVE_SUFFIXES):
            renamed[key] = key + _DELTA
            key = renamed[key]
        first_seen.add(path)
        planned.append((key, oid, path))
    return planned, renamed


# -- orchestration --------------------------------------------------------------------


# A rescan after new commits adds a segment to the history snapshot instead of
# writing its whole blob list again (1.2 MB of JSON for requests); past this many
# segments the list is written as one.
_MAX_SEGMENTS = 16


@dataclass(frozen=True)
class _Snapshot:
    """A history snapshot: the ref tips it was made from, the cached rows of its blobs
    with hits, its blob list (path, oid, key) and the cache keys of the list's parts."""

    tips: dict[str, str]
    rows: dict[str, Any]
    entries: list[tuple[str, str, str]]
    segments: list[str]


class _Run:
    def __init__(self, context: CollectContext, options: SecretsOptions) -> None:
        self.root = context.tree.root
        self.context = context
        self.options = options
        self.cache = ResultCache(Path(options.cache_dir) if options.cache_dir else None)
        # Results are keyed by the rule pack (and detection code): an upgrade's older
        # ones are dropped, past the previous version (another install may still use it).
        self.cache.use_generation(rule_pack_hash())
        self._detector: SecretDetector | None = None
        self.filters = _Filters(options)
        allow_key = hashlib.sha256("\x1f".join(options.allow_values).encode()).hexdigest()[:8]
        self.key_suffix = f"{rule_pack_hash()}:{allow_key}"
        self.issues: list[CollectorIssue] = []
        self.notes: list[str] = []
        self.rows: dict[str, list[list[object]]] = {}
        self.fresh: set[str] = set()  # keys scanned in this run (the rest came from the cache)
        self.blobs_total = self.blobs_scanned = self.blobs_cached = self.bytes_scanned = 0
        # Started next to a long history scan, so attribution does not wait for it.
        self.introduction_log: git.IntroductionLog | None = None
        self._head: dict[str, str] | None = None
        self._tips: dict[str, str] | None = None  # every ref's tip, once history() asked

    @property
    def detector(self) -> SecretDetector:
        """The compiled matcher, built only when something is left to scan."""
        if self._detector is None:
            matcher_dir = self.options.matcher_dir or self.options.cache_dir
            self._detector = default_detector(cache_dir=Path(matcher_dir) if matcher_dir else None)
        return self._detector

    @property
    def backend(self) -> str:
        if self._detector is None or not self.blobs_scanned:
            return "not needed (all cached)"
        return self._detector.backend

    def key(self, oid: str, path: str) -> str:
        return f"{oid}:{self.key_suffix}:{_path_class(path)}"

    def _pool(self) -> Any:
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(
            max_workers=self.options.jobs,
            initializer=_worker_init,
            initargs=(self.detector.serialized, self.options.allow_values),
        )

    def _ensure_local_worker(self) -> None:
        _WORKER["detector"] = self.detector
        _WORKER["allow"] = [re2.compile(v) for v in self.options.allow_values]

    def scan_data(self, items: list[tuple[str, str, bytes]]) -> None:
        """Scan in-memory items whose keys are not cached."""
        if not items:
            return
        total = sum(len(data) for _, _, data in items)
        self.bytes_scanned += total
        self.blobs_scanned += len(items)
        if self.options.jobs > 1 and total >= _PARALLEL_BYTES and len(items) > 1:
            with self._pool() as pool:
                for rows in pool.map(_scan_items, _chunks(items, self.options.jobs * 4)):
                    self.rows.update(rows)
                    self.fresh.update(rows)
        else:
            self._ensure_local_worker()
            rows = _scan_items(items)
            self.rows.update(rows)
            self.fresh.update(rows)

    def scan_history(self, items: list[tuple[str, str, str]], sizes: Mapping[str, int]) -> None:
        """Scan (key, oid, path) blobs from the object store."""
        if not items:
            return
        self.blobs_scanned += len(items)
        total_bytes = sum(sizes.get(oid, 0) for _, oid, _ in items)
        if self.options.jobs > 1 and total_bytes >= _PARALLEL_BYTES and len(items) > 1:
            # Four chunks a worker, handed out as workers free up: a costly stretch
            # of history (big files, many encoded runs) does not hold up the rest.
            chunks = _chunks_by_path(items, sizes, self.options.jobs * 4)
            if self.introduction_log is None:
                self.introduction_log = git.IntroductionLog(self.root)
            with self._pool() as pool:
                futures = [pool.submit(_scan_history_chunk, self.root, c) for c in chunks]
                for future in futures:
                    self._take(future.result())
        else:
            self._ensure_local_worker()
            self._take(_scan_history_chunk(self.root, items))

    def _take(self, result: _ChunkResult) -> None:
        self.rows.update(result.rows)
        # A blob read only in part is not cached, so the next run says so again; a
        # delta's rows are not the blob's and live only in the history snapshot.
        self.fresh.update(
            key for key in result.rows if key not in result.problems and not key.endswith(_DELTA)
        )
        self.bytes_scanned += result.scanned
        self.notes.extend(result.problems.values())

    def lookup(self, keys: Iterable[str]) -> list[str]:
        """Load cached rows; return the keys still to scan."""
        keys = [k for k in dict.fromkeys(keys) if k not in self.rows]  # scanned earlier this run
        cached = self.cache.get_many(keys)
        self.rows.update(cached)
        self.blobs_cached += len(cached)
        return [k for k in keys if k not in cached]

    def hits(self, key: str) -> list[SecretHit]:
        rows = self.rows.get(key)
        if not rows:  # most blobs: called for each of a history's blobs
            return []
        return [h for h in map(SecretHit.from_row, rows) if self.filters.keep(h)]

    # -- sources ------------------------------------------------------------------

    def working_tree(self) -> list[tuple[str, str, str]]:
        """(path, oid, key) of every text file in the tree; scans what is not cached."""
        entries: list[tuple[str, str, str]] = []
        pending: dict[str, tuple[str, str, bytes]] = {}
        for source in self.context.tree.files:
            path = source.path
            if self.filters.path_allowed(path):
                continue
            if path.lower().endswith(ARCHIVE_SUFFIXES):
                for member, content in self._archive(path):
                    oid = _git_blob_id(content)
                    key = self.key(oid, member)
                    entries.append((member, oid, key))
                    pending.setdefault(key, (key, member, content))
                continue
            if path_suffix(path) in _BINARY_SUFFIXES:
                continue
            if source.size > self.options.max_blob_size:
                continue  # the tree walk already capped sizes; this is the secrets cap
            data = self._read(path)
            if data is None or looks_binary(data):
                continue
            oid = _git_blob_id(data)
            key = self.key(oid, path)
            entries.append((path, oid, key))
            pending.setdefault(key, (key, path, data))
        self.blobs_total += len(entries)
        missing = set(self.lookup(pending))
        self.scan_data([item for key, item in pending.items() if key in missing])
        return entries

    def _archive(self, path: str) -> list[tuple[str, bytes]]:
        """Text members of an archive in the tree, named ``archive!member``."""
        members: list[tuple[str, bytes]] = []
        try:
            for name, data in archive_members(
                os.path.join(self.root, path), self.options.max_blob_size
            ):
                display = f"{path}!{name}"
                if not self.filters.path_allowed(display):
                    members.append((display, data))
        except ArchiveError as exc:
            self.issues.append(CollectorIssue(path, f"{exc}; members before it were scanned"))
        return members

    def _read(self, path: str) -> bytes | None:
        full = os.path.join(self.root, path)
        try:
            fd = os.open(full, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                return handle.read(self.options.max_blob_size + 1)
        except OSError as exc:
            self.issues.append(
                CollectorIssue(path, f"cannot read for secret scanning: {exc.strerror}")
            )
            return None

    def history(self) -> list[tuple[str, str, str]]:
        """(path, oid, key) of every unique history blob; scans what is not cached.

        The blob list is kept in the cache with the ref tips it was made from: if no
        ref moved, it is reused as is; if refs only moved forward, only the commits
        since are listed (``rev-list new --not old``); otherwise it is made anew.
        """
        tips = self._tips = git.ref_tips(self.root)
        allowed = hashlib.sha256("\x1f".join(self.options.allow_paths).encode()).hexdigest()[:8]
        # "history3": the blob list in segments (history2 held it in one row).
        snapshot_key = f"history3:{os.path.realpath(self.root)}:{self.key_suffix}:{allowed}"
        snapshot = None if self.options.since else self._load_snapshot(snapshot_key)
        old_entries: list[tuple[str, str, str]] = []
        extended = False  # this run adds new commits to the snapshot it read
        if snapshot is not None and snapshot.tips == tips:
            self.blobs_total += len(snapshot.entries)
            self.blobs_cached += len(snapshot.entries)
            self.rows.update(snapshot.rows)
            return snapshot.entries
        if snapshot is not None and self._moved_forward(snapshot.tips, tips):
            extended = True
            old_entries = snapshot.entries
            self.rows.update(snapshot.rows)
            listing = git.HistoryListing(self.root, tips.values(), exclude=snapshot.tips.values())
        elif self.options.since:
            listing = git.HistoryListing(self.root, exclude=[self.options.since], refs=tips)
        else:
            # A whole history to list and scan: git walks the commits' diffs for the
            # introductions next to the listing.
            self.introduction_log = git.IntroductionLog(self.root)
            listing = git.HistoryListing(self.root, refs=tips)
        try:
            self.detector.backend  # noqa: B018 - loaded while git lists what is new
            blobs, missing = listing.result()
        finally:
            listing.close()
        if missing:
            self.notes.append(
                f"{len(missing)} history blob(s) missing from the object store "
                "(shallow or partial clone)"
            )
        known = {oid for _, oid, _ in old_entries}
        sizes: dict[str, int] = {}
        entries: list[tuple[str, str, str]] = []
        for oid, path, size in blobs:
            if (
                oid in known
                or (
                    path_suffix(path) in _BINARY_SUFFIXES
                    and not path.lower().endswith(ARCHIVE_SUFFIXES)
                )
                or self.filters.path_allowed(path)
            ):
                continue
            sizes[oid] = size
            if size > self.options.max_blob_size:
                self.notes.append(
                    f"history blob {oid[:12]} ({path}, {size} bytes) over the size limit"
                )
                continue
            entries.append((path, oid, self.key(oid, path)))
        self.blobs_total += len(entries) + len(old_entries)
        self.blobs_cached += len(old_entries)
        head = self.head_blobs()
        # HEAD's blobs are read complete (the working tree and "present at HEAD" use
        # their rows): one an earlier run matched as a delta is matched whole now.
        deltas = {oid for _, oid, key in old_entries if key.endswith(_DELTA)}
        complete = [(path, oid, self.key(oid, path)) for path, oid in head.items() if oid in deltas]
        to_scan = set(self.lookup(key for _, _, key in entries + complete))
        work = [(key, oid, path) for path, oid, key in entries if key in to_scan]
        work, renamed = _plan_deltas(work, set(head.values()))
        entries = [(path, oid, renamed.get(key, key)) for path, oid, key in entries]
        work += [(key, oid, path) for path, oid, key in complete if key in to_scan]
        self.scan_history(work, sizes)
        all_entries = old_entries + entries
        if not self.options.since:
            kept = [key for _, _, key in all_entries + complete]
            with_hits = {key: self.rows[key] for key in kept if self.rows.get(key)}
            self._store_snapshot(
                snapshot_key, tips, with_hits, all_entries, entries, snapshot, extended
            )
        return all_entries

    def _load_snapshot(self, key: str) -> _Snapshot | None:
        """The history snapshot kept under ``key``; None if there is none or a part
        of it is gone (the history is then listed anew)."""
        head = self.cache.get_many([key]).get(key)
        if head is None:
            return None
        try:
            segments = self.cache.get_many(head["segments"])
            entries = [tuple(e) for name in head["segments"] for e in segments[name]]
            return _Snapshot(head["tips"], head["rows"], entries, head["segments"])
        except (KeyError, TypeError, ValueError):  # a part is gone, or not in this shape
            return None

    def _store_snapshot(
        self,
        key: str,
        tips: dict[str, str],
        rows: dict[str, Any],
        all_entries: list[tuple[str, str, str]],
        new_entries: list[tuple[str, str, str]],
        previous: _Snapshot | None,
        extended: bool,
    ) -> None:
        """Keep the snapshot. When this run ``extended`` the ``previous`` one, only a
        segment with the new blobs and the small head row are written; otherwise (or
        past _MAX_SEGMENTS) the whole list, as one segment, and the previous segments go."""
        parts: dict[str, Any] = {}
        if previous is not None and extended and not new_entries:
            segments = previous.segments  # new commits, no new blobs: the head row only
        elif previous is not None and extended and len(previous.segments) < _MAX_SEGMENTS:
            segments = [*previous.segments, f"{key}:{len(previous.segments)}"]
            parts[segments[-1]] = new_entries
        else:
            segments = [f"{key}:0"]
            parts[segments[-1]] = all_entries
        stale = [name for name in (previous.segments if previous else []) if name not in segments]
        head = {"tips": tips, "rows": rows, "segments": segments}
        self.cache.put_many({**parts, key: head}, delete=stale)

    def head_blobs(self) -> dict[str, str]:
        """Path -> blob id at HEAD (asked of git once a run)."""
        if self._head is None:
            # ref_tips resolved HEAD already when the history was listed.
            head = None if self._tips is None else self._tips.get("HEAD", "")
            self._head = git.head_blobs(self.root, head)
        return self._head

    def _moved_forward(self, old: dict[str, str], new: dict[str, str]) -> bool:
        """Every old ref still exists and each moved one was fast-forwarded."""
        checked: set[tuple[str, str]] = set()
        for name, oid in old.items():
            if name not in new:
                return False
            pair = (oid, new[name])
            if pair[0] != pair[1] and pair not in checked:
                if not git.is_ancestor(self.root, *pair):
                    return False
                checked.add(pair)
        return True

    def store(self) -> None:
        self.cache.put_many({key: rows for key, rows in self.rows.items() if key in self.fresh})
        if self.cache.problem:
            self.notes.append(self.cache.problem)
        self.cache.close()


def _occurrences(
    run: _Run,
    entries: Iterable[tuple[str, str, str]],
    source: str,
) -> list[SecretOccurrence]:
    result = []
    for path, oid, key in entries:
        for hit in run.hits(key):
            result.append(
                SecretOccurrence(path=_shown(path, hit), source=source, hit=hit, blob=oid)
            )
    return result


def _shown(path: str, hit: SecretHit) -> str:
    """Where a hit is: the file, or ``archive!member`` for a member of an archive blob."""
    return f"{path}!{hit.member}" if hit.member else path


def _introductions(run: _Run, wanted: set[str]) -> dict[str, git.Introduction]:
    """Introducing commits, from the cache where known (a blob's first commit does not
    change as history grows), from one ``git log --raw`` pass otherwise."""
    keys = {f"intro:{oid}": oid for oid in wanted}
    cached = run.cache.get_many(keys)
    found = {keys[key]: git.Introduction(*row) for key, row in cached.items()}
    missing = wanted - set(found)
    if missing:
        if run.introduction_log is None:  # not started next to a long scan: now
            run.introduction_log = git.IntroductionLog(run.root)
        fresh = run.introduction_log.introductions(missing)
        found.update(fresh)
        run.cache.put_many(
            {f"intro:{oid}": [i.commit, i.author, i.date, i.path] for oid, i in fresh.items()}
        )
    return found


def _attribute(run: _Run, occurrences: list[SecretOccurrence]) -> list[SecretOccurrence]:
    """Add the introducing commit and whether the secret is still at HEAD."""
    if not occurrences:
        return occurrences
    head = run.head_blobs()
    intros = _introductions(run, {o.blob for o in occurrences})
    head_secrets: dict[str, set[str]] = {}
    for path, oid in head.items():
        rows = run.rows.get(run.key(oid, path))
        if rows is not None:
            head_secrets[path] = {SecretHit.from_row(r).secret_hash for r in rows}
    attributed = []
    for occurrence in occurrences:
        intro = intros.get(occurrence.blob)
        # The file that holds it: for an archive member, the archive (still at HEAD or not).
        holder = occurrence.path.removesuffix(_shown("", occurrence.hit))
        if intro is not None and occurrence.source == "history":
            holder = intro.path
        path = _shown(holder, occurrence.hit)
        attributed.append(
            SecretOccurrence(
                path=path,
                source=occurrence.source,
                hit=occurrence.hit,
                blob=occurrence.blob,
                commit=intro.commit if intro else None,
                author=intro.author if intro else None,
                date=intro.date if intro else None,
                present_at_head=occurrence.hit.secret_hash in head_secrets.get(holder, set()),
            )
        )
    return attributed


def _staged(run: _Run) -> list[SecretOccurrence]:
    """Secrets the index adds: in a staged blob and not in the HEAD version of the file."""
    staged = git.staged_blobs(run.root)
    head = git.head_blobs(run.root)
    items = [(run.key(oid, path), oid, path) for path, oid in staged]
    items += [(run.key(head[path], path), head[path], path) for path, _ in staged if path in head]
    run.blobs_total += len(items)
    to_scan = set(run.lookup(key for key, _, _ in items))
    run.scan_history([item for item in items if item[0] in to_scan], {})  # inline: a few blobs
    result = []
    for path, oid in staged:
        before = (
            {h.secret_hash for h in run.hits(run.key(head[path], path))} if path in head else set()
        )
        for hit in run.hits(run.key(oid, path)):
            if hit.secret_hash not in before:
                result.append(
                    SecretOccurrence(path=_shown(path, hit), source="staged", hit=hit, blob=oid)
                )
    return result


def collect(context: CollectContext) -> Collected:
    """Scan the working tree, plus history (or only the index) as the options say."""
    options: SecretsOptions = context.options.secrets
    run = _Run(context, options)
    is_repo = git.is_repository_root(run.root)
    occurrences: list[SecretOccurrence] = []
    history_scanned = False
    try:
        if options.staged:
            if not is_repo:
                return Collected(
                    None, (CollectorIssue(None, "--staged needs the root of a Git repository"),)
                )
            occurrences = _staged(run)
        else:
            want_history = options.history if options.history is not None else is_repo
            if want_history and not is_repo:
                run.notes.append("history not scanned: the path is not the top of a Git repository")
            # History first: the working tree's files are mostly blobs of HEAD, so they
            # are scanned in the history's worker pool, and the tree pass finds them done.
            history = None
            if want_history and is_repo:
                try:
                    history = run.history()
                except git.GitError as exc:  # the working tree is still scanned
                    run.issues.append(CollectorIssue(None, f"Git history could not be read: {exc}"))
            occurrences = _occurrences(run, run.working_tree(), "working-tree")
            if history is not None:
                occurrences += _occurrences(run, history, "history")
                history_scanned = True
                occurrences = _attribute(run, occurrences)
    except git.GitError as exc:
        run.issues.append(CollectorIssue(None, f"Git history could not be read: {exc}"))
    finally:
        run.store()
        if run.introduction_log is not None:
            run.introduction_log.close()
    evidence = SecretsEvidence(
        occurrences=tuple(occurrences),
        history_scanned=history_scanned,
        blobs_total=run.blobs_total,
        blobs_scanned=run.blobs_scanned,
        blobs_cached=run.blobs_cached,
        bytes_scanned=run.bytes_scanned,
        detector=run.backend,
        notes=tuple(run.notes),
    )
    return Collected(evidence, tuple(run.issues))
