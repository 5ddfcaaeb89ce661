"""Text members of zip and tar archives, read in memory with hard limits (never extracted).

Secrets ship inside archives too: a zipped config export, a jar with an
``application.properties``, a tarball of a home directory. Members are read
one at a time, each at most ``max_member`` bytes, at most ``MAX_MEMBERS`` of
them and ``MAX_TOTAL`` uncompressed bytes per archive, so a zip bomb costs a
bounded amount of memory and time. Nested archives are not opened.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Iterator

from seawall.collectors._files import looks_binary

__all__ = ["ARCHIVE_SUFFIXES", "ArchiveError", "archive_members"]

ARCHIVE_SUFFIXES = (
    ".zip",
    ".jar",
    ".war",
    ".ear",
    ".whl",
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tar.xz",
)
MAX_MEMBERS = 10_000
MAX_TOTAL = 256 * 1024 * 1024


class ArchiveError(Exception):
    """The archive cannot be read (the message says why, never a member's content)."""


def archive_members(
    path: str, max_member: int, data: bytes | None = None
) -> Iterator[tuple[str, bytes]]:
    """(member name, bytes) of each text member within the limits.

    ``data``: the archive's bytes already in memory (a history blob); ``path``
    then only names it (its suffix says which kind of archive it is).
    """
    lowered = path.lower()
    buffer = io.BytesIO(data) if data is not None else None
    total = 0
    count = 0
    try:
        if lowered.endswith((".zip", ".jar", ".war", ".ear", ".whl")):
            with zipfile.ZipFile(buffer or path) as zipped:
                for entry in zipped.infolist():
                    if entry.is_dir() or entry.file_size > max_member:
                        continue
                    count += 1
                    total += entry.file_size
                    if count > MAX_MEMBERS or total > MAX_TOTAL:
                        raise ArchiveError("archive too large: the rest was not scanned")
                    with zipped.open(entry) as member:
                        data = member.read(max_member + 1)  # the header's size may lie
                    if len(data) <= max_member and not looks_binary(data):
                        yield entry.filename, data
            return
        with tarfile.open(None if buffer else path, mode="r:*", fileobj=buffer) as tarred:
            for info in tarred:
                if not info.isfile() or info.size > max_member:
                    continue
                count += 1
                total += info.size
                if count > MAX_MEMBERS or total > MAX_TOTAL:
                    raise ArchiveError("archive too large: the rest was not scanned")
                handle = tarred.extractfile(info)
                if handle is None:
                    continue
                data = handle.read(max_member + 1)
                if len(data) <= max_member and not looks_binary(data):
                    yield info.name, data
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, RuntimeError) as exc:
        # RuntimeError: encrypted zip members need a password.
        raise ArchiveError(f"cannot read archive ({type(exc).__name__})") from None
