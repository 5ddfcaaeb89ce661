"""Text members of archives and compressed files, read in memory with hard limits (never extracted).

Secrets ship inside archives too: a zipped config export, a jar with an
``application.properties``, a tarball of a home directory, a rotated
``app.log.gz``. Members are read one at a time, each at most ``max_member``
bytes (decompression stops there, so a bomb costs a bounded amount), at most
``MAX_MEMBERS`` of them and ``MAX_TOTAL`` uncompressed bytes per archive.
Zip (jar, war, ear, wheel), tar (plain, gzip, bzip2, xz, zstd) and single
compressed files (``.gz``, ``.bz2``, ``.xz``, ``.zst``: one member named by the
file without its suffix). Nested archives and 7z are not opened.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
from collections.abc import Iterator
from typing import IO, Any

import zstandard

from seawall.collectors._files import looks_binary

__all__ = ["ARCHIVE_SUFFIXES", "ArchiveError", "archive_members"]

_ZIP = (".zip", ".jar", ".war", ".ear", ".whl")
_TAR = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
_TAR_ZSTD = (".tar.zst", ".tzst")
_STREAMS = (".gz", ".bz2", ".xz", ".zst")
ARCHIVE_SUFFIXES = (*_ZIP, *_TAR, *_TAR_ZSTD, *_STREAMS)
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
    source: str | IO[bytes] = io.BytesIO(data) if data is not None else path
    try:
        if lowered.endswith(_ZIP):
            yield from _zip_members(source, max_member)
        elif lowered.endswith(_TAR):
            with tarfile.open(
                None if data is not None else path, mode="r:*", fileobj=_file(source)
            ) as tarred:
                yield from _tar_members(tarred, max_member)
        elif lowered.endswith(_TAR_ZSTD):
            with _zstd(source) as stream, tarfile.open(fileobj=stream, mode="r|") as tarred:
                yield from _tar_members(tarred, max_member)
        elif lowered.endswith(_STREAMS):
            name = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            with _stream(lowered, source) as stream:
                content = stream.read(max_member + 1)
            if len(content) <= max_member and not looks_binary(content):
                yield name, content
    except (
        zipfile.BadZipFile,
        tarfile.TarError,
        EOFError,
        OSError,
        RuntimeError,  # encrypted zip members need a password
        lzma.LZMAError,
        zstandard.ZstdError,
    ) as exc:
        raise ArchiveError(f"cannot read archive ({type(exc).__name__})") from None


def _file(source: str | IO[bytes]) -> IO[bytes] | None:
    return None if isinstance(source, str) else source


class _Limits:
    """Counts members and uncompressed bytes against the per-archive caps."""

    def __init__(self) -> None:
        self.count = 0
        self.total = 0

    def take(self, size: int) -> None:
        self.count += 1
        self.total += size
        if self.count > MAX_MEMBERS or self.total > MAX_TOTAL:
            raise ArchiveError("archive too large: the rest was not scanned")


def _zip_members(source: str | IO[bytes], max_member: int) -> Iterator[tuple[str, bytes]]:
    limits = _Limits()
    with zipfile.ZipFile(source) as zipped:
        for entry in zipped.infolist():
            if entry.is_dir() or entry.file_size > max_member:
                continue
            limits.take(entry.file_size)
            with zipped.open(entry) as member:
                data = member.read(max_member + 1)  # the header's size may lie
            if len(data) <= max_member and not looks_binary(data):
                yield entry.filename, data


def _tar_members(tarred: tarfile.TarFile, max_member: int) -> Iterator[tuple[str, bytes]]:
    limits = _Limits()
    for info in tarred:
        if not info.isfile() or info.size > max_member:
            continue
        limits.take(info.size)
        handle = tarred.extractfile(info)
        if handle is None:
            continue
        data = handle.read(max_member + 1)
        if len(data) <= max_member and not looks_binary(data):
            yield info.name, data


def _zstd(source: str | IO[bytes]) -> Any:
    raw = open(source, "rb") if isinstance(source, str) else source  # noqa: SIM115 - closed by the reader
    return zstandard.ZstdDecompressor().stream_reader(raw, closefd=True)


def _stream(lowered: str, source: str | IO[bytes]) -> Any:
    """A reader that decompresses one compressed file as it is read."""
    if lowered.endswith(".zst"):
        return _zstd(source)
    if lowered.endswith(".gz"):
        return gzip.open(source, "rb")
    if lowered.endswith(".bz2"):
        return bz2.open(source, "rb")
    return lzma.open(source, "rb")
