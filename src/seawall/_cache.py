"""The local cache: secret-scan results per (blob id, rule pack, options) in SQLite.

It holds no secret values (hits carry a stretched hash, a 4-character preview
and a length). A cache that cannot be opened or written is switched off for
the run and reported; it never fails a scan.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["ResultCache"]


class ResultCache:
    """Key -> JSON rows; ``problem`` says why the cache is off, if it is."""

    def __init__(self, directory: Path | None) -> None:
        self.problem: str | None = None
        self._connection: sqlite3.Connection | None = None
        if directory is None:
            return
        try:
            directory.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(directory / "results-v1.sqlite", timeout=10)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, rows TEXT NOT NULL)"
            )
            self._connection = connection
        except (OSError, sqlite3.Error) as exc:
            self.problem = f"cache disabled: {exc}"

    @property
    def enabled(self) -> bool:
        """True when reads and writes go to disk."""
        return self._connection is not None

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """Cached rows for the keys that have them."""
        if self._connection is None:
            return {}
        found: dict[str, Any] = {}
        key_list = list(keys)
        try:
            for start in range(0, len(key_list), 500):
                chunk = key_list[start : start + 500]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT key, rows FROM results WHERE key IN ({marks})"  # noqa: S608 - placeholders only
                for key, rows in self._connection.execute(query, chunk):
                    found[key] = json.loads(rows)
        except (sqlite3.Error, json.JSONDecodeError) as exc:
            self.problem = f"cache read failed, scanning without it: {exc}"
            self._connection = None
            return {}
        return found

    def put_many(self, items: Mapping[str, Any], delete: Iterable[str] = ()) -> None:
        """Store rows and drop the ``delete`` keys, in one transaction; failures switch
        the cache off."""
        if self._connection is None or not items:
            return
        try:
            with self._connection:
                self._connection.executemany(
                    "INSERT OR REPLACE INTO results (key, rows) VALUES (?, ?)",
                    ((key, json.dumps(rows)) for key, rows in items.items()),
                )
                self._connection.executemany(
                    "DELETE FROM results WHERE key = ?", ((key,) for key in delete)
                )
        except sqlite3.Error as exc:
            self.problem = f"cache write failed: {exc}"
            self._connection = None

    def close(self) -> None:
        """Close the database."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
