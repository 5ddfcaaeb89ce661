"""Key-encryption keys: the provider interface and the local, passphrase-protected keyring.

A :class:`KeyProvider` holds versioned key-encryption keys (KEKs) and wraps
and unwraps data keys with them; the data never reaches it. Versions only
grow; the primary version wraps new data keys; older versions keep
unwrapping until nothing references them and they are retired.

:class:`LocalKeyring` is for development and tests: one file, encrypted with
AES-256-GCM under a key derived from a passphrase with scrypt, replaced
atomically on every change (write, fsync, rename), so a crash leaves either
the old or the new keyring, never half of one.
"""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from seawall.protect._versions import PendingRotation, VersionedKeys, atomic_write, now
from seawall.protect.errors import DecryptionError, ProtectError

__all__ = ["KeyProvider", "LocalKeyring", "PendingRotation", "wrap_label"]

_FORMAT = "seawall-keyring/1"
_WRAP_LABEL = b"seawall/wrapped-data-key/1"


class KeyProvider(Protocol):
    """Versioned key-encryption keys that wrap and unwrap data keys."""

    def primary_version(self, key_id: str) -> int:
        """The version new data keys are wrapped with."""
        ...

    def versions(self, key_id: str) -> list[int]:
        """Every version that can still unwrap, oldest first."""
        ...

    def wrap(self, key_id: str, data_key: bytes, context: bytes) -> tuple[int, bytes]:
        """``data_key`` wrapped under the primary version, bound to ``context``."""
        ...

    def unwrap(self, key_id: str, version: int, wrapped: bytes, context: bytes) -> bytes:
        """The data key; raises :class:`DecryptionError` on any mismatch."""
        ...

    def begin_rotation(self, key_id: str) -> PendingRotation:
        """A new primary version (or the pending rotation's, when one is unfinished)."""
        ...

    def finish_rotation(self, key_id: str, retire: list[int]) -> None:
        """Retire ``retire`` (no data key references them) and clear the pending state."""
        ...

    def pending_rotation(self, key_id: str) -> PendingRotation | None:
        """The unfinished rotation of ``key_id``, if any."""
        ...


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def wrap_label(key_id: str, version: int, context: bytes) -> bytes:
    """Associated data binding a wrapped data key to its KEK, version and context."""
    return b"|".join((_WRAP_LABEL, key_id.encode(), str(version).encode(), context))


class LocalKeyring(VersionedKeys):
    """A keyring file encrypted with a passphrase (scrypt + AES-256-GCM).

    Opening derives the file key once (about 0.1 s with the default cost);
    every change rewrites the file atomically. Key material never appears in
    ``repr``, in exceptions or in logs.
    """

    def __init__(
        self, path: Path, passphrase: str, *, _payload: dict[str, Any], _kdf: dict[str, Any]
    ):
        self.path = path
        self._passphrase = passphrase
        self._payload = _payload
        self._kdf = _kdf
        self._file_key = _derive(passphrase, _kdf)

    def __repr__(self) -> str:
        return f"LocalKeyring(path={str(self.path)!r}, keys={sorted(self._payload['keys'])!r})"

    # -- opening and saving ----------------------------------------------------------

    @classmethod
    def create(cls, path: Path, passphrase: str, *, scrypt_n: int = 2**15) -> LocalKeyring:
        """A new, empty keyring file (refuses to overwrite one)."""
        if path.exists():
            raise ProtectError(f"{path}: a keyring already exists there")
        if len(passphrase) < 12:
            raise ProtectError("the keyring passphrase must have at least 12 characters")
        kdf = {
            "name": "scrypt",
            "salt": _b64(secrets.token_bytes(16)),
            "n": scrypt_n,
            "r": 8,
            "p": 1,
        }
        keyring = cls(path, passphrase, _payload={"keys": {}}, _kdf=kdf)
        keyring._save()
        return keyring

    @classmethod
    def open(cls, path: Path, passphrase: str) -> LocalKeyring:
        """Open and decrypt a keyring file; a wrong passphrase is a clear error."""
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ProtectError(
                f"{path}: no keyring there (create one with `seawall keys init`)"
            ) from None
        except (OSError, ValueError) as exc:
            raise ProtectError(f"{path}: not a readable keyring ({type(exc).__name__})") from None
        if not isinstance(document, dict) or document.get("format") != _FORMAT:
            raise ProtectError(f"{path}: not a Seawall keyring (format {_FORMAT} expected)")
        kdf = document["kdf"]
        file_key = _derive(passphrase, kdf)
        try:
            plain = AESGCM(file_key).decrypt(
                _unb64(document["nonce"]), _unb64(document["ciphertext"]), _FORMAT.encode()
            )
        except (InvalidTag, KeyError, ValueError):
            raise ProtectError(
                f"{path}: wrong passphrase, or the keyring file was altered"
            ) from None
        keyring = cls.__new__(cls)
        keyring.path = path
        keyring._passphrase = passphrase
        keyring._payload = json.loads(plain)
        keyring._kdf = kdf
        keyring._file_key = file_key
        return keyring

    def _save(self) -> None:
        nonce = secrets.token_bytes(12)
        plain = json.dumps(self._payload, sort_keys=True).encode()
        document = {
            "format": _FORMAT,
            "kdf": self._kdf,
            "nonce": _b64(nonce),
            "ciphertext": _b64(AESGCM(self._file_key).encrypt(nonce, plain, _FORMAT.encode())),
        }
        atomic_write(self.path, json.dumps(document, indent=1).encode())

    # -- keys ------------------------------------------------------------------------

    def add_key(self, key_id: str) -> int:
        """A new key with version 1 as primary."""
        self._add(key_id, self._new_entry(key_id, 1))
        return 1

    def _new_entry(self, key_id: str, version: int) -> dict[str, Any]:
        return {"material": _b64(secrets.token_bytes(32)), "created": now(), "state": "active"}

    def _retire_entry(self, key_id: str, version: int, entry: dict[str, Any]) -> None:
        entry["material"] = None  # erased: nothing it wrapped is left

    def material(self, key_id: str, version: int) -> bytes:
        """Raw key material of one version (tokenization keys are derived from it)."""
        return _unb64(self._entry(key_id, version)["material"])

    # -- KeyProvider -----------------------------------------------------------------

    def wrap(self, key_id: str, data_key: bytes, context: bytes) -> tuple[int, bytes]:
        """``data_key`` wrapped under the primary version (AES-256-GCM, context as AAD)."""
        version = self.primary_version(key_id)
        return version, self.wrap_with(key_id, version, data_key, context)

    def wrap_with(self, key_id: str, version: int, data_key: bytes, context: bytes) -> bytes:
        """``data_key`` wrapped under a given version."""
        nonce = secrets.token_bytes(12)
        label = wrap_label(key_id, version, context)
        return nonce + AESGCM(self.material(key_id, version)).encrypt(nonce, data_key, label)

    def unwrap(self, key_id: str, version: int, wrapped: bytes, context: bytes) -> bytes:
        """The data key; a wrong version, context or a changed byte fails closed."""
        material = self.material(key_id, version)
        try:
            return AESGCM(material).decrypt(
                wrapped[:12], wrapped[12:], wrap_label(key_id, version, context)
            )
        except (InvalidTag, ValueError):
            raise DecryptionError(
                f"data key for {key_id!r} does not unwrap under version {version}: "
                "wrong key version or context, or the wrapped key was altered"
            ) from None


def _derive(passphrase: str, kdf: dict[str, Any]) -> bytes:
    if kdf.get("name") != "scrypt":
        raise ProtectError(f"unsupported keyring KDF {kdf.get('name')!r}")
    return Scrypt(
        salt=_unb64(kdf["salt"]), length=32, n=int(kdf["n"]), r=int(kdf["r"]), p=int(kdf["p"])
    ).derive(passphrase.encode("utf-8"))
