"""Git plumbing for history scanning: unique blobs, their contents, who introduced them.

Only plumbing commands run (rev-list, cat-file, log --raw, ls-tree, ls-files,
diff --cached --name-only), never porcelain that renders content, and with the
repository's command-running settings neutralised: ``core.fsmonitor`` is off,
no pager, no prompts. Nothing here reaches the network.
"""

from __future__ import annotations

import os
import select
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import re2

__all__ = [
    "GitError",
    "HistoryListing",
    "Introduction",
    "IntroductionLog",
    "head_blobs",
    "is_ancestor",
    "is_repository_root",
    "read_blobs",
    "ref_tips",
    "staged_blobs",
]


class GitError(RuntimeError):
    """A git command failed; the message is git's own first line of complaint."""


@dataclass(frozen=True)
class Introduction:
    """The first commit (oldest first) that added a blob at a path."""

    commit: str
    author: str
    date: str
    path: str


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_PAGER="cat",
        PAGER="cat",
        GIT_OPTIONAL_LOCKS="0",
        LC_ALL="C",
    )
    return env


def _command(root: str, *args: str) -> list[str]:
    return [
        "git",
        "-C",
        root,
        "-c",
        "core.fsmonitor=false",
        "-c",
        "core.untrackedCache=false",
        "-c",
        f"safe.directory={os.path.realpath(root)}",
        "-c",
        "core.quotePath=false",
        *args,
    ]


def _run(root: str, *args: str, check: bool = True) -> bytes:
    try:
        result = subprocess.run(
            _command(root, *args),
            capture_output=True,
            env=_environment(),
            timeout=3600,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} timed out") from None
    if check and result.returncode != 0:
        raise _failed(args[0], result.stderr, result.returncode)
    return result.stdout


def _start(root: str, *args: str, **streams: Any) -> subprocess.Popen[bytes]:
    """A git process in the background (``streams``: Popen's stdin, stdout, stderr)."""
    try:
        return subprocess.Popen(_command(root, *args), env=_environment(), **streams)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except OSError as exc:  # out of processes or file descriptors
        raise GitError(f"cannot start git {args[0]}: {exc.strerror}") from None


def _failed(command: str, stderr: bytes, returncode: int) -> GitError:
    """The error for a git command that failed: git's own last line of complaint."""
    message = stderr.decode("utf-8", "replace").strip().splitlines()
    return GitError(f"git {command} failed: {message[-1] if message else returncode}")


def _exited(process: subprocess.Popen[bytes], timeout: float) -> bool:
    """Block until ``process`` exits (True) or ``timeout`` passes (False).

    ``Popen.wait(timeout)`` polls with sleeps that grow to 50 ms, so it returns up
    to 50 ms after git is done; a pidfd (Linux 5.3+) wakes the moment it exits.
    """
    if process.poll() is not None:
        return True
    try:
        descriptor = os.pidfd_open(process.pid)
    except (AttributeError, OSError):  # not Linux, or an older kernel
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True
    try:
        poller = select.poll()  # not select(): a descriptor past 1023 is fine here
        poller.register(descriptor, select.POLLIN)
        return bool(poller.poll(int(timeout * 1000)))
    finally:
        os.close(descriptor)


def _wait(name: str, process: subprocess.Popen[bytes], errors: Any) -> None:
    """Wait for a background git (an hour at most); its complaint, if it failed."""
    if not _exited(process, 3600):
        process.kill()
        process.wait()
        raise GitError(f"git {name} timed out")
    returncode = process.wait()
    if returncode != 0:
        errors.seek(0)
        raise _failed(name, errors.read(), returncode)


def is_repository_root(root: str) -> bool:
    """True when ``root`` is the top of a Git work tree (its history belongs to it)."""
    if not os.path.exists(os.path.join(root, ".git")):
        return False
    try:
        top = _run(root, "rev-parse", "--show-toplevel").decode().strip()
    except GitError:
        return False
    return os.path.realpath(top) == os.path.realpath(root)


def _stash_commits(root: str) -> list[str]:
    # refs/stash names only the newest stash; older ones live in its reflog.
    output = _run(root, "log", "-g", "--format=%H", "refs/stash", "--", check=False)
    return [line for line in output.decode().split() if line]


def ref_tips(root: str) -> dict[str, str]:
    """Every ref's object (branches, tags, notes, stash), plus older stash entries and HEAD."""
    tips: dict[str, str] = {}
    output = _run(root, "for-each-ref", "--format=%(objectname) %(refname)")
    for line in output.decode("utf-8", "surrogateescape").splitlines():
        oid, _, name = line.partition(" ")
        tips[name] = oid
    if "refs/stash" in tips:  # a git process less when there is no stash
        for commit in _stash_commits(root):
            tips[f"stash-entry:{commit}"] = commit
    head = _run(root, "rev-parse", "--verify", "-q", "HEAD", check=False).decode().strip()
    if head:
        tips["HEAD"] = head
    return tips


def is_ancestor(root: str, old: str, new: str) -> bool:
    """True when ``old`` is reachable from ``new`` (a fast-forward)."""
    result = subprocess.run(
        _command(root, "merge-base", "--is-ancestor", old, new),
        capture_output=True,
        env=_environment(),
        timeout=600,
        check=False,
    )
    return result.returncode == 0


class HistoryListing:
    """Every unique blob reachable from some tips, listed by git in the background.

    ``git rev-list --objects`` is piped straight into ``cat-file --batch-check``,
    which echoes each path back after the size (one pass, no second round trip
    for the sizes); the listing goes to an unnamed temporary file, so the caller
    can do other work meanwhile and git never blocks on a full pipe.

    Without tips: from every ref (``--all`` covers branches, tags, notes and
    refs/stash) plus older stash entries (``refs``: :func:`ref_tips` when the
    caller has it already). ``exclude`` leaves out what those commits reach,
    for incremental and ``--since`` scans. Objects missing from a shallow or
    partial clone are skipped by git (``--missing=allow-any``).
    """

    def __init__(
        self,
        root: str,
        tips: Iterable[str] | None = None,
        exclude: Iterable[str] = (),
        refs: dict[str, str] | None = None,
    ) -> None:
        self._processes: list[tuple[str, subprocess.Popen[bytes], Any]] = []
        self._output = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        if tips is None:
            refs = refs if refs is not None else ref_tips(root)
            if not refs:
                return
            stashed = [oid for name, oid in refs.items() if name.startswith("stash-entry:")]
            starts = ["--all", *stashed]
        else:
            starts = list(tips)
        # --reverse: commits oldest first, so each blob is listed at the first commit
        # that holds it, in the order the blobs came into the history (with its path there).
        args = [
            "rev-list", "--objects", "--reverse", *starts, "--filter=object:type=blob",
            "--missing=allow-any",
        ]  # fmt: skip
        excluded = list(exclude)
        if excluded:
            args += ["--not", *excluded]
        check = "--batch-check=%(objectname) %(objecttype) %(objectsize) %(rest)"
        listing = self._spawn(root, "rev-list", args, subprocess.DEVNULL, subprocess.PIPE)
        assert listing.stdout is not None
        try:  # if cat-file cannot start, rev-list is killed: it would block on the pipe
            self._spawn(root, "cat-file", ["cat-file", check], listing.stdout, self._output)
        finally:
            listing.stdout.close()  # cat-file holds the read end now

    def _spawn(
        self, root: str, name: str, args: list[str], stdin: Any, stdout: Any
    ) -> subprocess.Popen[bytes]:
        errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        try:
            process = _start(root, *args, stdin=stdin, stdout=stdout, stderr=errors)
        except GitError:
            errors.close()
            self.close()
            raise
        self._processes.append((name, process, errors))
        return process

    def result(self) -> tuple[list[tuple[str, str, int]], set[str]]:
        """(blob id, a path it appears at, size) for every unique blob, oldest first,
        and the ids git listed but could not find."""
        try:
            for name, process, errors in self._processes:  # rev-list's complaint first
                _wait(name, process, errors)
            self._output.seek(0)
            output = self._output.read()
        finally:
            self.close()
        blobs: list[tuple[str, str, int]] = []
        missing: set[str] = set()
        for line in output.split(b"\n"):
            parts = line.split(b" ", 3)
            if len(parts) == 4 and parts[1] == b"blob":
                # Commits (and annotated tags) come with their own types and are left out.
                path = parts[3].decode("utf-8", "surrogateescape")
                blobs.append((parts[0].decode(), path, int(parts[2])))
            elif len(parts) == 2 and parts[1] == b"missing":
                missing.add(parts[0].decode())
        return blobs, missing

    def close(self) -> None:
        """Stop git if it still runs and drop the listing."""
        for _, process, errors in self._processes:
            if process.poll() is None:
                process.kill()
                process.wait()
            errors.close()
        self._processes = []
        self._output.close()


def read_blobs(root: str, oids: list[str]) -> Iterator[tuple[str, bytes]]:
    """Stream blob contents with one ``git cat-file --batch`` process."""
    if not oids:
        return
    # Nothing reads its complaints (a missing object shows in the output): a pipe
    # could fill up and stall git.
    process = _start(
        root, "cat-file", "--batch", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None

    def feed() -> None:
        assert process.stdin is not None
        try:
            for oid in oids:
                process.stdin.write(f"{oid}\n".encode())
            process.stdin.close()
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    stdout = process.stdout
    try:
        for _ in oids:
            header = stdout.readline()
            if not header:
                raise GitError("git cat-file ended early (corrupt or missing objects?)")
            parts = header.split()
            if len(parts) < 3:  # "<oid> missing"
                continue
            size = int(parts[2])
            data = stdout.read(size)
            stdout.read(1)  # the newline after each object
            if len(data) != size:
                raise GitError("git cat-file returned a truncated object")
            yield parts[0].decode(), data
    finally:
        # Killed first: a consumer that stopped early leaves git blocked on a full
        # pipe and the writer blocked on git; the kill releases both.
        if process.poll() is None:
            process.kill()
        writer.join(timeout=5)
        process.wait()
        stdout.close()


# Every commit's added and changed blobs, oldest first (what IntroductionLog reads).
_INTRODUCTIONS_LOG = (
    "log",
    "--all",
    "--reverse",
    "--raw",
    "--no-abbrev",
    "--no-renames",
    "--no-color",
    # Merges (stash entries are merges too) against their first parent, so a
    # blob a merge brings in by itself is attributed to it.
    "--diff-merges=first-parent",
    "--format=%x00%H%x00%an%x00%aI",
)


class IntroductionLog:
    """For each wanted blob, the oldest commit that added it: from a git log run in the background.

    Walking every commit's diff takes git a few tenths of a second on a large
    history. Started before the blob listing, it runs on the core that listing
    leaves idle and is ready when the scan has said which blobs hold secrets.
    Its output goes to an unnamed temporary file, not a pipe: no reader thread
    is needed (so worker processes can be forked meanwhile) and git never
    blocks on a full pipe.
    """

    def __init__(self, root: str) -> None:
        self._output = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self._process: subprocess.Popen[bytes] | None = None
        self._failure: GitError | None = None
        try:
            self._process = _start(
                root, *_INTRODUCTIONS_LOG, stdin=subprocess.DEVNULL, stdout=self._output,
                stderr=self._errors,
            )  # fmt: skip
        except GitError as exc:  # said when the introductions are asked for
            self._failure = exc

    def introductions(self, wanted: set[str]) -> dict[str, Introduction]:
        """The oldest commit (with author and date) that added each wanted blob."""
        if not wanted:
            return {}
        return _parse_introductions(self._read(), wanted)

    def _read(self) -> bytes:
        if self._failure is not None:
            raise self._failure
        assert self._process is not None
        try:
            _wait("log", self._process, self._errors)
        except GitError as exc:
            self._failure = exc
            raise
        self._output.seek(0)
        return self._output.read()

    def close(self) -> None:
        """Stop git if it still runs and drop its output."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._output.close()
        self._errors.close()


# Up to this many wanted blobs are looked up with one RE2 pass over the log (a few
# ms on a 6,700-commit history); more are found by reading the log line by line.
_FEW_WANTED = 32


def _parse_introductions(output: bytes, wanted: set[str]) -> dict[str, Introduction]:
    if len(wanted) <= _FEW_WANTED:
        return _introductions_by_search(output, wanted)
    return _introductions_by_lines(output, wanted)


def _introduction(header: bytes, path: bytes) -> Introduction:
    """From a ``\\x00<commit>\\x00<author>\\x00<date>`` header and a raw line's path."""
    parts = header.split(b"\x00", 3)
    _, commit, author, date = parts if len(parts) == 4 else (b"", b"", b"", b"")
    return Introduction(
        commit.decode(),
        author.decode("utf-8", "replace"),
        date.decode(),
        path.decode("utf-8", "surrogateescape"),
    )


def _introductions_by_search(output: bytes, wanted: set[str]) -> dict[str, Introduction]:
    """The first raw line that adds each wanted blob, found by searching for the ids.

    The log runs oldest first, so a blob's first mention as a line's new id is its
    introduction; a mention as an old id, or anywhere else, is passed over.
    """
    found: dict[str, Introduction] = {}
    ids = re2.compile(b"|".join(oid.encode() for oid in sorted(wanted)))
    for match in ids.finditer(output):
        oid = match.group().decode()
        if oid in found:
            continue
        start = output.rfind(b"\n", 0, match.start()) + 1
        end = output.find(b"\n", match.end())
        meta, _, path = output[start : end if end != -1 else len(output)].partition(b"\t")
        fields = meta.split()
        if not meta.startswith(b":") or len(fields) < 5 or fields[3] != match.group():
            continue
        header = output.rfind(b"\n\x00", 0, start) + 1  # the log starts with a header
        found[oid] = _introduction(output[header : output.find(b"\n", header)], path)
        if len(found) == len(wanted):
            break
    return found


def _introductions_by_lines(output: bytes, wanted: set[str]) -> dict[str, Introduction]:
    found: dict[str, Introduction] = {}
    header = b""
    for line in output.split(b"\n"):
        if line.startswith(b"\x00"):
            header = line
            continue
        if not line.startswith(b":"):
            continue
        meta, _, path = line.partition(b"\t")
        fields = meta.split()
        if len(fields) < 5:
            continue
        new_oid = fields[3].decode()
        if new_oid in wanted and new_oid not in found:
            found[new_oid] = _introduction(header, path)
            if len(found) == len(wanted):
                break
    return found


def head_blobs(root: str, head: str | None = None) -> dict[str, str]:
    """Path -> blob id for every file in HEAD (empty for a repository without commits);
    ``head``: HEAD's commit when the caller has it (:func:`ref_tips`), "" for none."""
    if head is None:
        head = _run(root, "rev-parse", "--verify", "-q", "HEAD", check=False).decode().strip()
    if not head:
        return {}
    output = _run(root, "ls-tree", "-r", "-z", "--full-tree", head)
    result = {}
    for entry in output.split(b"\x00"):
        meta, _, path = entry.partition(b"\t")
        fields = meta.split()
        if len(fields) == 3 and fields[1] == b"blob":
            result[path.decode("utf-8", "surrogateescape")] = fields[2].decode()
    return result


def staged_blobs(root: str) -> list[tuple[str, str]]:
    """(path, index blob id) for files added or modified in the index."""
    names = _run(
        root, "diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR", "--no-renames"
    )
    paths = [p.decode("utf-8", "surrogateescape") for p in names.split(b"\x00") if p]
    if not paths:
        return []
    wanted = set(paths)
    listing = _run(root, "ls-files", "-s", "-z")  # the whole index: no argv limit to hit
    result = []
    for entry in listing.split(b"\x00"):
        meta, _, raw_path = entry.partition(b"\t")
        fields = meta.split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if len(fields) == 3 and path in wanted:
            result.append((path, fields[1].decode()))
    return result
