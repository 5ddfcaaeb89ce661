"""Key rotation logs for SI-1: when each key was last rotated, from `seawall keys rotate`'s log."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from seawall.collectors import CollectContext, Collected, CollectorIssue

__all__ = ["KeyRotationEvidence", "KeyRotations"]


@dataclass(frozen=True)
class KeyRotations:
    """One key's rotation history in one log."""

    log: str
    key_id: str
    rotations: int
    last: dt.datetime


@dataclass(frozen=True)
class KeyRotationEvidence:
    """Every key seen in the rotation logs, the age limit, and when this was read."""

    keys: tuple[KeyRotations, ...]
    logs: tuple[str, ...]
    max_age_days: int
    now: dt.datetime


def _read(path: str, display: str) -> tuple[list[KeyRotations], list[CollectorIssue]]:
    from seawall.protect.rotation import read_rotation_log

    try:
        entries = read_rotation_log(Path(path))
    except (OSError, UnicodeDecodeError) as exc:
        return [], [CollectorIssue(display, f"cannot read rotation log: {exc}")]
    except ValueError as exc:
        return [], [CollectorIssue(display, f"malformed rotation log: {exc}")]
    latest: dict[str, tuple[int, dt.datetime]] = {}
    issues = []
    for number, entry in enumerate(entries, 1):
        key_id, when = entry.get("key_id"), entry.get("time")
        try:
            stamp = dt.datetime.fromisoformat(str(when))
        except ValueError:
            issues.append(CollectorIssue(display, f"entry {number} has no valid time", number))
            continue
        if not isinstance(key_id, str):
            issues.append(CollectorIssue(display, f"entry {number} has no key_id", number))
            continue
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=dt.UTC)
        count, last = latest.get(key_id, (0, stamp))
        latest[key_id] = (count + 1, max(last, stamp))
    keys = [KeyRotations(display, k, n, last) for k, (n, last) in sorted(latest.items())]
    return keys, issues


def collect(context: CollectContext) -> Collected:
    """Rotation logs named in [keys] rotation-logs (default .seawall/key-rotations.jsonl)."""
    keys: list[KeyRotations] = []
    issues: list[CollectorIssue] = []
    logs: list[str] = []
    for name in context.options.rotation_logs:
        path = name if os.path.isabs(name) else os.path.join(context.root, name)
        if not os.path.isfile(path):
            continue
        logs.append(name)
        found, problems = _read(path, name)
        keys.extend(found)
        issues.extend(problems)
    evidence = KeyRotationEvidence(
        tuple(keys), tuple(logs), context.options.max_rotation_age_days, dt.datetime.now(dt.UTC)
    )
    return Collected(evidence, tuple(issues))
