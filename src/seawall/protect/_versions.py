"""Version bookkeeping every key provider shares: primary, pending rotation, retirement.

A provider keeps ``{"keys": {key_id: {"primary": n, "pending": {...} | None,
"versions": {"1": {...}, ...}}}}`` and saves it atomically; subclasses say
what a new version's entry holds and what retiring one does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from seawall._atomic import atomic_write
from seawall.protect.errors import KeyUnavailableError, ProtectError

__all__ = ["PendingRotation", "RemoteKeys", "VersionedKeys", "atomic_write", "now"]


@dataclass(frozen=True)
class PendingRotation:
    """A rotation that started and has not finished: rewrap to ``target``."""

    key_id: str
    target: int
    started: str


def now() -> str:
    """The current time, ISO 8601 in UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class VersionedKeys:
    """Primary version, pending rotation and retirement over ``self._payload``."""

    path: Path
    _payload: dict[str, Any]

    def _save(self) -> None:
        raise NotImplementedError

    def _new_entry(self, key_id: str, version: int) -> dict[str, Any]:
        """The stored entry of a new version (material, or a reference to it)."""
        raise NotImplementedError

    def _retire_entry(self, key_id: str, version: int, entry: dict[str, Any]) -> None:
        """Make a version unusable (erase material, disable a remote key)."""
        raise NotImplementedError

    def _key(self, key_id: str) -> dict[str, Any]:
        try:
            key: dict[str, Any] = self._payload["keys"][key_id]
        except KeyError:
            raise KeyUnavailableError(f"key {key_id!r} is not in {self.path}") from None
        return key

    def _entry(self, key_id: str, version: int) -> dict[str, Any]:
        entry: dict[str, Any] | None = self._key(key_id)["versions"].get(str(version))
        if entry is None or entry["state"] != "active":
            raise KeyUnavailableError(f"key {key_id!r} version {version} is retired or unknown")
        return entry

    def _add(self, key_id: str, first: dict[str, Any]) -> None:
        if key_id in self._payload["keys"]:
            raise ProtectError(f"key {key_id!r} already exists in {self.path}")
        self._payload["keys"][key_id] = {"primary": 1, "pending": None, "versions": {"1": first}}
        self._save()

    def key_ids(self) -> list[str]:
        """Every key id."""
        return sorted(self._payload["keys"])

    def created(self, key_id: str, version: int) -> str:
        """When a version was created (ISO 8601, UTC)."""
        return str(self._key(key_id)["versions"][str(version)]["created"])

    def state(self, key_id: str, version: int) -> str:
        """'active' or 'retired'."""
        return str(self._key(key_id)["versions"][str(version)]["state"])

    def primary_version(self, key_id: str) -> int:
        """The version new data keys are wrapped with."""
        return int(self._key(key_id)["primary"])

    def versions(self, key_id: str) -> list[int]:
        """Versions that can still unwrap (active), oldest first."""
        entries = self._key(key_id)["versions"]
        return sorted(int(v) for v, e in entries.items() if e["state"] == "active")

    def all_versions(self, key_id: str) -> list[int]:
        """Every version ever created, retired ones included."""
        return sorted(int(v) for v in self._key(key_id)["versions"])

    def pending_rotation(self, key_id: str) -> PendingRotation | None:
        """The unfinished rotation of ``key_id``, if any."""
        pending = self._key(key_id).get("pending")
        if not pending:
            return None
        return PendingRotation(key_id, int(pending["target"]), str(pending["started"]))

    def begin_rotation(self, key_id: str) -> PendingRotation:
        """A new primary version, recorded as a pending rotation in the same atomic write.

        A rerun after a crash finds the pending rotation and returns it, so an
        interrupted rotation resumes instead of making yet another version.
        """
        pending = self.pending_rotation(key_id)
        if pending is not None:
            return pending
        key = self._key(key_id)
        target = max(self.all_versions(key_id)) + 1
        key["versions"][str(target)] = self._new_entry(key_id, target)
        key["primary"] = target
        key["pending"] = {"target": target, "started": now()}
        self._save()
        return PendingRotation(key_id, target, key["pending"]["started"])

    def finish_rotation(self, key_id: str, retire: list[int]) -> None:
        """Retire versions nothing references and clear the pending state."""
        key = self._key(key_id)
        for version in retire:
            if version == key["primary"]:
                raise ProtectError(
                    f"refusing to retire the primary version {version} of {key_id!r}"
                )
            entry = key["versions"][str(version)]
            self._retire_entry(key_id, version, entry)
            entry.update(state="retired", retired=now())
        key["pending"] = None
        self._save()


class RemoteKeys(VersionedKeys):
    """Versions whose material lives in a remote service: the state file holds references only."""

    STATE_FORMAT = ""

    def _load_state(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            self._payload = {"format": self.STATE_FORMAT, "keys": {}}
            return
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ProtectError(f"{path}: unreadable key state ({type(exc).__name__})") from None
        if not isinstance(document, dict) or document.get("format") != self.STATE_FORMAT:
            raise ProtectError(f"{path}: not a {self.STATE_FORMAT} state file")
        self._payload = document

    def _save(self) -> None:
        atomic_write(self.path, json.dumps(self._payload, indent=1, sort_keys=True).encode())

    def __repr__(self) -> str:
        return f"{type(self).__name__}(state={str(self.path)!r}, keys={self.key_ids()!r})"
