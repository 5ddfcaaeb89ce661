"""Key rotation: a new primary version, stored data keys rewrapped in batches, old versions retired.

Crash-safe and resumable by construction:

1. The new version and a "pending rotation" marker are written to the
   keyring in one atomic replace. A rerun finds the marker and continues
   with the same target version instead of making another.
2. Data keys are rewrapped in batches; each batch is one SQLite transaction,
   so every stored key is wrapped under its old or its new version, never
   neither. Old versions keep unwrapping until step 4, so a crash at any point
   leaves every record decryptable.
3. The rotation is appended to the rotation log (JSON lines, fsynced).
4. Versions no data key references are retired (their material erased) and
   the marker cleared, again in one atomic keyring write.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from seawall.protect.envelope import DataKeyStore, StoredDataKey
from seawall.protect.keys import KeyProvider

__all__ = ["RotationResult", "read_rotation_log", "rotate"]


@dataclass(frozen=True)
class RotationResult:
    """What one run of :func:`rotate` did."""

    key_id: str
    target_version: int
    rewrapped: int
    retired: tuple[int, ...]
    resumed: bool


def rotate(
    provider: KeyProvider,
    store: DataKeyStore,
    key_id: str,
    *,
    log_path: Path | None = None,
    actor: str | None = None,
    batch_size: int = 500,
    on_batch: Callable[[int], None] | None = None,
) -> RotationResult:
    """Rotate ``key_id``: see the module docstring for the crash-safety argument."""
    resumed = provider.pending_rotation(key_id) is not None
    previous = [v for v in provider.versions(key_id)]
    pending = provider.begin_rotation(key_id)
    target = pending.target
    rewrapped = 0
    while batch := store.not_on_version(key_id, target, batch_size):
        fresh = []
        for stored in batch:
            data_key = provider.unwrap(key_id, stored.version, stored.wrapped, stored.dek_id)
            version, wrapped = provider.wrap(key_id, data_key, stored.dek_id)
            if version != target:  # someone rotated again meanwhile: stop, rerun continues
                raise RuntimeError(f"primary version of {key_id!r} changed during rotation")
            fresh.append(StoredDataKey(stored.dek_id, key_id, version, wrapped))
        rewrapped += store.replace_many(fresh)
        if on_batch is not None:
            on_batch(rewrapped)
    in_use = store.count_by_version(key_id)
    retire = [v for v in provider.versions(key_id) if v != target and not in_use.get(v)]
    if log_path is not None:
        _append_log(
            log_path,
            {
                "time": datetime.now(UTC).isoformat(timespec="seconds"),
                "event": "rotate",
                "key_id": key_id,
                "from_versions": [v for v in previous if v != target],
                "to_version": target,
                "rewrapped": rewrapped,
                "retired": retire,
                "resumed": resumed,
                "started": pending.started,
                "actor": actor or _actor(),
            },
        )
    provider.finish_rotation(key_id, retire)
    return RotationResult(key_id, target, rewrapped, tuple(retire), resumed)


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def _append_log(path: Path, entry: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(entry, sort_keys=True) + "\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, line.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_rotation_log(path: Path) -> list[dict[str, object]]:
    """Every rotation entry in a log (lines that are not JSON objects raise ValueError)."""
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            raise ValueError(f"line {number} is not JSON") from None
        if not isinstance(entry, dict):
            raise ValueError(f"line {number} is not a JSON object")
        entries.append(entry)
    return entries
