"""The local cache: secret-scan results per (blob id, rule pack, options) in SQLite.

It holds no secret values (hits carry a stretched hash, a 4-character preview
and a length). A cache that cannot be opened or written is switched off for
the run and reported; it never fails a scan.
"""

from __future__ import annotations

import json
import sqlite3
import time
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
            connection.execute(
                "CREATE TABLE IF NOT EXISTS generations (name TEXT PRIMARY KEY, used REAL NOT NULL)"
            )
            self._connection = connection
        except (OSError, sqlite3.Error) as exc:
            self.problem = f"cache disabled: {exc}"

    @property
    def enabled(self) -> bool:
        """True when reads and writes go to disk."""
        return self._connection is not None

    def use_generation(self, generation: str, keep: int = 2) -> None:
        """Note that rows keyed with ``:<generation>:`` (the secret scan's rule pack and
        detection code) are in use, and delete the rows of all but the ``keep`` most
        recently used generations: each upgrade would otherwise leave a copy of every
        result behind. Keys without a generation (introducing commits) stay.

        A cache from before generations were noted keeps only the current one's rows.
        """
        if self._connection is None:
            return
        now = time.time()
        try:
            with self._connection:
                known = dict(self._connection.execute("SELECT name, used FROM generations"))
                if generation in known and known[generation] > now - 86_400:
                    return  # noted within the day: no write on every run
                self._connection.execute(
                    "INSERT OR REPLACE INTO generations (name, used) VALUES (?, ?)",
                    (generation, now),
                )
                if not known:  # the first time: rows of earlier generations are unnamed
                    self._connection.execute(
                        "DELETE FROM results WHERE key NOT LIKE 'intro:%' AND instr(key, ?) = 0",
                        (f":{generation}:",),
                    )
                known[generation] = now
                retired = sorted(known, key=known.__getitem__, reverse=True)[keep:]
                for name in retired:
                    self._connection.execute(
                        "DELETE FROM results WHERE instr(key, ?) > 0", (f":{name}:",)
                    )
                    self._connection.execute("DELETE FROM generations WHERE name = ?", (name,))
        except sqlite3.Error:
            pass  # a read-only cache still serves reads; a failed write says so later

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
