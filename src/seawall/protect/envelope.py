"""Envelope encryption: AES-256-GCM under data keys that a KeyProvider wraps.

Ciphertext format, version 1 (all integers big-endian)::

    offset  size  field
    0       3     magic b"SWE"
    3       1     format version (1)
    4       1     algorithm (1 = AES-256-GCM)
    5       16    data key id (random)
    21      12    nonce (random)
    33      n+16  AES-GCM ciphertext and tag

The associated data is the 33-byte header followed by the canonical encoding
of the encryption context (table, column, row id, ...), so a ciphertext moved
to another row or column, or any changed byte, fails to decrypt.

Data keys live in a :class:`DataKeyStore` (SQLite), wrapped by the provider and
bound to their own id; key rotation rewraps these rows, never the data.
A bounded cache keeps a data key for encryption until it reaches its maximum
age or uses (per batch), or uses a fresh one for every record (per record).
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from seawall.protect.errors import DecryptionError, ProtectError
from seawall.protect.keys import KeyProvider

__all__ = ["HEADER_SIZE", "DataKeyStore", "EnvelopeCipher", "StoredDataKey", "encode_context"]

MAGIC = b"SWE"
FORMAT_VERSION = 1
ALGORITHM_AES_256_GCM = 1
HEADER_SIZE = 33
_DEK_ID_SIZE = 16


def encode_context(context: Mapping[str, object] | None) -> bytes:
    """Canonical, unambiguous bytes for an encryption context (length-prefixed, sorted)."""
    if not context:
        return b""
    parts = []
    for key in sorted(context):
        k = str(key).encode()
        v = str(context[key]).encode()
        parts.append(b"%d:%b%d:%b" % (len(k), k, len(v), v))
    return b"".join(parts)


@dataclass(frozen=True)
class StoredDataKey:
    """One wrapped data key as stored: which KEK and version wrapped it."""

    dek_id: bytes
    key_id: str
    version: int
    wrapped: bytes


class DataKeyStore:
    """Wrapped data keys in SQLite; every change is one transaction (crash-safe)."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._local = threading.local()
        with self._connection() as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS data_keys ("
                " dek_id BLOB PRIMARY KEY, key_id TEXT NOT NULL, version INTEGER NOT NULL,"
                " wrapped BLOB NOT NULL, created REAL NOT NULL)"
            )
            connection.execute(
                "CREATE INDEX IF NOT EXISTS data_keys_version ON data_keys (key_id, version)"
            )

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")  # a committed rewrap survives a crash
            self._local.connection = connection
        return connection

    def put(self, key: StoredDataKey) -> None:
        """Store a new wrapped data key."""
        with self._connection() as connection:
            connection.execute(
                "INSERT INTO data_keys VALUES (?, ?, ?, ?, ?)",
                (key.dek_id, key.key_id, key.version, key.wrapped, time.time()),
            )

    def get(self, dek_id: bytes) -> StoredDataKey:
        """The wrapped data key with this id."""
        row = (
            self._connection()
            .execute("SELECT key_id, version, wrapped FROM data_keys WHERE dek_id = ?", (dek_id,))
            .fetchone()
        )
        if row is None:
            raise DecryptionError(f"data key {dek_id.hex()} is not in {self.path}")
        return StoredDataKey(dek_id, row[0], int(row[1]), bytes(row[2]))

    def not_on_version(self, key_id: str, version: int, limit: int) -> list[StoredDataKey]:
        """Up to ``limit`` data keys of ``key_id`` wrapped under another version."""
        rows = (
            self._connection()
            .execute(
                "SELECT dek_id, version, wrapped FROM data_keys WHERE key_id = ? AND version != ?"
                " LIMIT ?",
                (key_id, version, limit),
            )
            .fetchall()
        )
        return [StoredDataKey(bytes(r[0]), key_id, int(r[1]), bytes(r[2])) for r in rows]

    def replace_many(self, keys: Iterable[StoredDataKey]) -> int:
        """Rewrapped keys, written in one transaction (all or none)."""
        rows = [(k.version, k.wrapped, k.dek_id, k.key_id) for k in keys]
        with self._connection() as connection:
            connection.executemany(
                "UPDATE data_keys SET version = ?, wrapped = ? WHERE dek_id = ? AND key_id = ?",
                rows,
            )
        return len(rows)

    def count_by_version(self, key_id: str) -> dict[int, int]:
        """How many data keys each version of ``key_id`` wraps."""
        rows = (
            self._connection()
            .execute(
                "SELECT version, count(*) FROM data_keys WHERE key_id = ? GROUP BY version",
                (key_id,),
            )
            .fetchall()
        )
        return {int(v): int(n) for v, n in rows}

    def close(self) -> None:
        """Close this thread's connection."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


@dataclass
class _ActiveKey:
    dek_id: bytes
    aead: AESGCM
    born: float
    uses: int = 0


class EnvelopeCipher:
    """Encrypts values under data keys wrapped by ``provider``'s key ``key_id``.

    ``per="batch"`` reuses a data key until it is ``max_age`` seconds old or
    has encrypted ``max_uses`` values; ``per="record"`` makes a fresh data
    key for every value (one stored row each). Decryption caches up to
    ``cache_size`` unwrapped data keys for at most ``max_age`` seconds.
    """

    def __init__(
        self,
        provider: KeyProvider,
        key_id: str,
        store: DataKeyStore,
        *,
        per: str = "batch",
        max_age: float = 300.0,
        max_uses: int = 1_000_000,
        cache_size: int = 1024,
    ) -> None:
        if per not in ("batch", "record"):
            raise ProtectError("per must be 'batch' or 'record'")
        # AES-GCM with random 96-bit nonces: NIST SP 800-38D caps one key at 2^32 messages.
        if not 1 <= max_uses <= 2**32:
            raise ProtectError("max_uses must be between 1 and 2**32 (the GCM random-nonce limit)")
        self._provider = provider
        self.key_id = key_id
        self._store = store
        self._per = per
        self._max_age = max_age
        self._max_uses = 1 if per == "record" else max_uses
        self._cache_size = cache_size
        self._active: _ActiveKey | None = None
        self._decrypt_keys: OrderedDict[bytes, tuple[AESGCM, float]] = OrderedDict()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"EnvelopeCipher(key_id={self.key_id!r}, per={self._per!r})"

    # -- encryption ------------------------------------------------------------------

    def _data_key(self) -> _ActiveKey:
        active = self._active
        now = time.monotonic()
        if active is None or active.uses >= self._max_uses or now - active.born > self._max_age:
            dek_id = secrets.token_bytes(_DEK_ID_SIZE)
            data_key = AESGCM.generate_key(bit_length=256)
            version, wrapped = self._provider.wrap(self.key_id, data_key, dek_id)
            self._store.put(StoredDataKey(dek_id, self.key_id, version, wrapped))
            active = self._active = _ActiveKey(dek_id, AESGCM(data_key), now)
            self._remember(dek_id, active.aead)
        active.uses += 1
        return active

    def encrypt(self, plaintext: bytes, context: Mapping[str, object] | None = None) -> bytes:
        """A self-describing ciphertext of ``plaintext`` bound to ``context``."""
        with self._lock:
            active = self._data_key()
        header = b"SWE\x01\x01" + active.dek_id + secrets.token_bytes(12)
        aad = header + encode_context(context)
        return header + active.aead.encrypt(header[21:33], plaintext, aad)

    def encrypt_payload(
        self, plaintext: bytes, context: Mapping[str, object] | None = None
    ) -> bytearray:
        """:meth:`encrypt` for large objects: sealed in place, no extra copy of the payload.

        Returns a bytearray holding the same format as :meth:`encrypt`.
        """
        with self._lock:
            active = self._data_key()
        header = b"SWE\x01\x01" + active.dek_id + secrets.token_bytes(12)
        aad = header + encode_context(context)
        if not hasattr(active.aead, "encrypt_into"):  # cryptography < 45
            return bytearray(header + active.aead.encrypt(header[21:33], plaintext, aad))
        sealed = bytearray(HEADER_SIZE + len(plaintext) + 16)
        sealed[:HEADER_SIZE] = header
        active.aead.encrypt_into(header[21:33], plaintext, aad, memoryview(sealed)[HEADER_SIZE:])
        return sealed

    # -- decryption ------------------------------------------------------------------

    def _remember(self, dek_id: bytes, aead: AESGCM) -> None:
        self._decrypt_keys[dek_id] = (aead, time.monotonic())
        self._decrypt_keys.move_to_end(dek_id)
        while len(self._decrypt_keys) > self._cache_size:
            self._decrypt_keys.popitem(last=False)

    def _aead_for(self, dek_id: bytes) -> AESGCM:
        with self._lock:
            cached = self._decrypt_keys.get(dek_id)
            if cached is not None and time.monotonic() - cached[1] <= self._max_age:
                self._decrypt_keys.move_to_end(dek_id)
                return cached[0]
        stored = self._store.get(dek_id)
        if stored.key_id != self.key_id:
            raise DecryptionError(
                f"the data key belongs to key {stored.key_id!r}, not {self.key_id!r}"
            )
        aead = AESGCM(self._provider.unwrap(stored.key_id, stored.version, stored.wrapped, dek_id))
        with self._lock:
            self._remember(dek_id, aead)
        return aead

    def decrypt(
        self, ciphertext: bytes | bytearray, context: Mapping[str, object] | None = None
    ) -> bytes:
        """The plaintext; fails closed on a changed byte, another context or key."""
        if len(ciphertext) < HEADER_SIZE + 16 or ciphertext[:3] != MAGIC:
            raise DecryptionError("not a Seawall ciphertext (bad magic or too short)")
        if ciphertext[3] != FORMAT_VERSION or ciphertext[4] != ALGORITHM_AES_256_GCM:
            raise DecryptionError(
                f"unsupported ciphertext format {ciphertext[3]} / algorithm {ciphertext[4]}"
            )
        header = bytes(ciphertext[:HEADER_SIZE])
        aead = self._aead_for(header[5:21])
        body = memoryview(ciphertext)[HEADER_SIZE:]  # no copy of a large payload
        try:
            return aead.decrypt(header[21:33], body, header + encode_context(context))
        except InvalidTag:
            raise DecryptionError(
                "ciphertext does not authenticate: it was altered, or the context "
                "(table, column, row) differs from the one it was encrypted with"
            ) from None


def describe(ciphertext: bytes) -> dict[str, object]:
    """The public header fields of a ciphertext (format, algorithm, data key id, sizes)."""
    if len(ciphertext) < HEADER_SIZE or ciphertext[:3] != MAGIC:
        raise DecryptionError("not a Seawall ciphertext")
    return {
        "format": ciphertext[3],
        "algorithm": "AES-256-GCM" if ciphertext[4] == ALGORITHM_AES_256_GCM else ciphertext[4],
        "data_key_id": ciphertext[5:21].hex(),
        "plaintext_size": len(ciphertext) - HEADER_SIZE - 16,
    }
