"""Files the cache folder keeps to save work (compiled matchers, a parsed rule pack).

Each kind of file is a family named by a digest of what it was built from
(``hyperscan-<digest>.db``, ``redaction-<digest>.db``, ``secret-rules-<digest>.json``),
so every upgrade of the rule pack and every new set of redaction patterns writes
a new file, a megabyte or more, and nothing would ever remove the old ones.
Reading a file marks it as used (its modification time); writing one keeps its
family's most recently used files and removes the rest.

Failures never reach the caller: a file that cannot be read is rebuilt, and a
folder that cannot be written only costs the next process the same work again.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from seawall._atomic import atomic_write

__all__ = ["prune", "read_artefact", "write_artefact"]


def read_artefact(path: Path) -> bytes | None:
    """The file's bytes (marked as just used), or None when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    with contextlib.suppress(OSError):  # a read-only folder: the file is still good
        os.utime(path)
    return data


def write_artefact(path: Path, data: bytes, family: str, keep: int) -> None:
    """Write ``path`` atomically, then keep only the ``keep`` most recently used files
    of its ``family`` (the file name's prefix before the digest)."""
    with contextlib.suppress(OSError):
        atomic_write(path, data)
        prune(path.parent, family, keep)


def prune(folder: Path, family: str, keep: int) -> None:
    """Remove all but the ``keep`` most recently used ``<family>-*`` files in ``folder``."""
    dated: list[tuple[float, Path]] = []
    for path in folder.glob(f"{family}-*"):  # atomic_write's temporary files start with "."
        with contextlib.suppress(OSError):
            dated.append((path.stat().st_mtime, path))
    dated.sort(key=lambda item: item[0], reverse=True)
    for _, path in dated[keep:]:
        with contextlib.suppress(OSError):  # gone already, or in a read-only folder
            path.unlink()
