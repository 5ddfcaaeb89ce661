"""The file-tree collector: walk a platform repository and classify its files.

It never judges. It honours ``.gitignore`` files (at every level) and the
configured exclude list, never follows a symlink (a link out of the root or a
broken/looping link is reported as skipped; a link inside the root is skipped
silently because its target is scanned directly), caps file size, and reads
text tolerantly (invalid UTF-8 is replaced, NUL bytes mark a binary).

Why not ``git ls-files``: running git inside an untrusted repository honours
that repository's own config (``core.fsmonitor`` runs a command), and the
tree may not be a Git work tree at all.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import pathspec

from seawall.collectors._gitignore import IgnoreLayer, ignored, load_gitignore

__all__ = [
    "FileKind",
    "FileTree",
    "SkippedFile",
    "SourceFile",
    "TextFile",
    "classify",
    "looks_binary",
    "read_text",
    "walk_tree",
]

_BINARY_SNIFF_BYTES = 8192
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
_ALWAYS_PRUNED_DIRS = frozenset({".git", ".hg", ".svn"})


class FileKind(StrEnum):
    """What a file is, decided from its name and place (never its content)."""

    TERRAFORM = "terraform"
    TERRAFORM_VARS = "terraform-vars"
    YAML = "yaml"
    DOCKERFILE = "dockerfile"
    GITHUB_WORKFLOW = "github-workflow"
    GITLAB_CI = "gitlab-ci"
    PRECOMMIT_CONFIG = "precommit-config"
    ENV_FILE = "env-file"
    KEY_FILE = "key-file"
    KEYSTORE = "keystore"
    LOG = "log"
    DATA = "data"
    JSON = "json"
    OTHER = "other"


class Environment(StrEnum):
    """Environment label of a path (configured, or inferred from folder names)."""

    PROD = "prod"
    NON_PROD = "non-prod"


@dataclass(frozen=True)
class SourceFile:
    """A regular file under the root, by its relative POSIX path."""

    path: str
    kind: FileKind
    size: int
    environment: Environment | None


@dataclass(frozen=True)
class SkippedFile:
    """A file the walk did not take, and why (reported to the user)."""

    path: str
    reason: str


@dataclass(frozen=True)
class FileTree:
    """The classified files of one scan root."""

    root: str
    files: tuple[SourceFile, ...]
    skipped: tuple[SkippedFile, ...]
    symlinks_inside_root: int
    #: (path of a .gitignore, line number) of lines no regex engine compiles: they ignore nothing.
    unusable_ignore_lines: tuple[tuple[str, int], ...] = ()

    def of_kind(self, *kinds: FileKind) -> tuple[SourceFile, ...]:
        """Files of any of the given kinds, in path order."""
        wanted = set(kinds)
        return tuple(f for f in self.files if f.kind in wanted)


@dataclass(frozen=True)
class TextFile:
    """A file's text, or the reason it has none."""

    path: str
    text: str | None
    problem: str | None = None
    invalid_utf8: bool = False


_ENV_EXAMPLE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".defaults", ".tmpl")
_KEY_NAMES = frozenset(
    {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"}
)
_KEY_SUFFIXES = frozenset({".pem", ".key", ".p8", ".ppk"})
_KEYSTORE_SUFFIXES = frozenset({".p12", ".pfx", ".jks", ".keystore", ".pkcs12", ".bks"})
_DATA_SUFFIXES = frozenset({".csv", ".tsv", ".jsonl", ".ndjson", ".parquet"})
_NON_PROD_DIRS = frozenset(
    {"dev", "development", "staging", "stage", "test", "tests", "sandbox", "qa"}
)
_PROD_DIRS = frozenset({"prod", "production", "prd"})


def is_env_file_name(name: str) -> bool:
    """``.env``, ``.env.<anything>`` and ``<anything>.env`` files."""
    lowered = name.lower()
    return lowered == ".env" or lowered.startswith(".env.") or lowered.endswith(".env")


def is_env_example_name(name: str) -> bool:
    """Env files meant to be committed as documentation (``.env.example`` …)."""
    return is_env_file_name(name) and name.lower().endswith(_ENV_EXAMPLE_SUFFIXES)


def classify(rel_path: str) -> FileKind:
    """Classify a relative POSIX path by name and location."""
    # Plain string work: PurePosixPath costs more than the rest of the walk.
    parts = rel_path.split("/")
    name = parts[-1]
    lowered = name.lower()
    dot = lowered.rfind(".")
    suffix = lowered[dot:] if dot > 0 else ""
    if lowered in ("dockerfile", "containerfile") or lowered.startswith(
        ("dockerfile.", "containerfile.")
    ):
        return FileKind.DOCKERFILE
    if suffix in (".dockerfile", ".containerfile"):
        return FileKind.DOCKERFILE
    if suffix in (".yml", ".yaml"):
        if len(parts) >= 3 and parts[-3] == ".github" and parts[-2] == "workflows":
            return FileKind.GITHUB_WORKFLOW
        if lowered in (".pre-commit-config.yaml", ".pre-commit-config.yml"):
            return FileKind.PRECOMMIT_CONFIG
        if lowered == ".gitlab-ci.yml":
            return FileKind.GITLAB_CI
        return FileKind.YAML
    if suffix == ".tf" or lowered.endswith(".tf.json"):
        return FileKind.TERRAFORM
    if suffix == ".tfvars" or lowered.endswith(".tfvars.json"):
        return FileKind.TERRAFORM_VARS
    if is_env_file_name(name):
        return FileKind.ENV_FILE
    if lowered in _KEY_NAMES or suffix in _KEY_SUFFIXES:
        return FileKind.KEY_FILE
    if suffix in _KEYSTORE_SUFFIXES:
        return FileKind.KEYSTORE
    if suffix == ".log" or ".log." in lowered:
        return FileKind.LOG
    if suffix in _DATA_SUFFIXES:
        return FileKind.DATA
    if suffix == ".json":
        return FileKind.JSON
    return FileKind.OTHER


def _infer_environment(
    rel_path: str, labels: Mapping[Environment, pathspec.GitIgnoreSpec]
) -> Environment | None:
    for environment, spec in labels.items():
        if spec.match_file(rel_path):
            return environment
    directories = {part.lower() for part in rel_path.split("/")[:-1]}
    if directories & _PROD_DIRS:
        return Environment.PROD
    if directories & _NON_PROD_DIRS:
        return Environment.NON_PROD
    return None


def walk_tree(
    root: str,
    *,
    exclude: Iterable[str] = (),
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    environments: Mapping[Environment, Iterable[str]] | None = None,
) -> FileTree:
    """Walk ``root`` and classify every regular file that is not ignored."""
    root_abs = os.path.realpath(root)
    exclude_spec = pathspec.GitIgnoreSpec.from_lines(list(exclude))
    labels = {
        env: pathspec.GitIgnoreSpec.from_lines(list(globs))
        for env, globs in (environments or {}).items()
    }
    files: list[SourceFile] = []
    skipped: list[SkippedFile] = []
    inside_links = 0
    loaded: list[tuple[str, IgnoreLayer]] = []  # every .gitignore read: (its path, its layer)
    # Stack of (absolute dir, relative dir, ignore layers in force there).
    stack: list[tuple[str, str, tuple[IgnoreLayer, ...]]] = [(root_abs, "", ())]
    while stack:
        abs_dir, rel_dir, layers = stack.pop()
        own = load_gitignore(abs_dir, rel_dir)
        if own is not None:
            layers = (*layers, own)
            loaded.append((f"{rel_dir}/.gitignore" if rel_dir else ".gitignore", own))
        try:
            entries = sorted(os.scandir(abs_dir), key=lambda e: e.name)
        except OSError as exc:
            skipped.append(SkippedFile(rel_dir or ".", f"unreadable directory: {exc.strerror}"))
            continue
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                skipped.append(SkippedFile(rel, f"cannot stat: {exc.strerror}"))
                continue
            is_dir = stat.S_ISDIR(st.st_mode)
            if is_dir and entry.name in _ALWAYS_PRUNED_DIRS:
                continue
            if exclude_spec.match_file(rel + "/" if is_dir else rel) or ignored(
                rel, is_dir, layers
            ):
                continue
            if stat.S_ISLNK(st.st_mode):
                reason = _symlink_problem(entry.path, root_abs)
                if reason is None:
                    inside_links += 1
                else:
                    skipped.append(SkippedFile(rel, reason))
                continue
            if is_dir:
                stack.append((entry.path, rel, layers))
                continue
            if not stat.S_ISREG(st.st_mode):
                continue  # sockets, fifos, devices: nothing to read
            if st.st_size > max_file_size:
                skipped.append(
                    SkippedFile(rel, f"larger than the {max_file_size}-byte limit ({st.st_size})")
                )
                continue
            files.append(
                SourceFile(rel, classify(rel), st.st_size, _infer_environment(rel, labels))
            )
    files.sort(key=lambda f: f.path)
    skipped.sort(key=lambda s: s.path)
    # Collected at the end: a line can turn out unusable when it first matches.
    unusable = tuple((path, number) for path, layer in loaded for number in layer.unusable_lines)
    return FileTree(root_abs, tuple(files), tuple(skipped), inside_links, unusable)


def _symlink_problem(link_path: str, root_abs: str) -> str | None:
    """None for a link that stays inside the root; otherwise why it was skipped."""
    try:
        target = os.path.realpath(link_path, strict=True)
    except OSError as exc:
        if "loop" in str(exc).lower() or getattr(exc, "errno", None) == 40:
            return "symlink loop"
        return "broken symlink"
    if target != root_abs and not target.startswith(root_abs + os.sep):
        return "symlink points outside the scanned root (not followed)"
    return None


def looks_binary(data: bytes) -> bool:
    """A NUL byte near the start: what git and grep take for a binary file."""
    return data.find(b"\x00", 0, _BINARY_SNIFF_BYTES) != -1  # no copy of the first bytes


def read_text(root: str, rel_path: str, max_bytes: int = DEFAULT_MAX_FILE_SIZE) -> TextFile:
    """Read a file as text; binaries and unreadable files get a ``problem``, not an exception."""
    full = os.path.join(root, rel_path)
    try:
        # O_NOFOLLOW: the file could have been swapped for a symlink since the walk.
        fd = os.open(full, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        return TextFile(rel_path, None, f"cannot read: {exc.strerror or exc}")
    if len(raw) > max_bytes:
        return TextFile(rel_path, None, f"larger than the {max_bytes}-byte limit")
    if looks_binary(raw):
        return TextFile(rel_path, None, "binary file")
    try:
        return TextFile(rel_path, raw.decode("utf-8"))
    except UnicodeDecodeError:
        return TextFile(rel_path, raw.decode("utf-8", errors="replace"), invalid_utf8=True)


def matches_any(rel_path: str, globs: Iterable[str]) -> bool:
    """fnmatch-style glob match on a relative POSIX path (``**`` crosses folders)."""
    return any(fnmatch.fnmatchcase(rel_path, glob) for glob in globs)
