"""Deterministic keyed tokens (HMAC-SHA256) and reversible tokens (AES-SIV).

Tokens are deterministic so joins and group-bys keep working on tokenized
columns, and carry their key version so a rotated key never breaks lookups:
:meth:`Tokenizer.tokens_for` gives a value's token under every active
version. Shapes:

- ``tok_<version>_<22 base64url chars>``: the default, 128 bits of HMAC.
- card (``shape="card"``): the same number of digits, the last four kept,
  starting with 9 (no card brand) and failing Luhn, so no scanner takes it for
  a card: ``9`` + two version digits + keyed digits + last four.
- email (``shape="email"``): ``tok_<version>_<hmac>@<domain>`` keeps the domain.
- reversible (``reversible=True``): ``tok_<version>r_<AES-SIV ciphertext>``,
  deterministic authenticated encryption; :meth:`Tokenizer.reveal` needs the
  tokenizer to be built with ``allow_reveal=True``.

Per-version keys are derived from the keyring material with HKDF, one for
HMAC and one for AES-SIV, so the two modes never share a key.
"""

from __future__ import annotations

import base64
import hmac
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from seawall.protect.errors import (
    DecryptionError,
    KeyUnavailableError,
    ProtectError,
    RevealNotPermittedError,
)

__all__ = ["Tokenizer"]

_TOKEN = re.compile(r"^tok_(\d{1,6})(r?)_([A-Za-z0-9_\-]+)(?:@(.+))?$")
_NON_DIGITS = re.compile(r"\D")
_SHAPES = ("text", "email", "card", "digits")


class _Material(Protocol):
    def material(self, key_id: str, version: int) -> bytes: ...
    def versions(self, key_id: str) -> list[int]: ...
    def primary_version(self, key_id: str) -> int: ...


def _derive(material: bytes, purpose: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=purpose).derive(material)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def normalise(value: str, shape: str) -> str:
    """The canonical form tokens are computed over (so formatting never splits a join)."""
    value = unicodedata.normalize("NFC", value.strip())
    if shape == "email":
        return value.lower()
    if shape in ("card", "digits"):
        return _NON_DIGITS.sub("", value)
    return value


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


class Tokenizer:
    """Keyed tokens for one key (all active versions; the primary tokenizes)."""

    def __init__(
        self, keys: Mapping[int, bytes], primary: int, *, allow_reveal: bool = False
    ) -> None:
        if primary not in keys:
            raise KeyUnavailableError(f"the primary token key version {primary} is not available")
        self.primary = primary
        self._hmac = {v: _derive(m, b"seawall/token-hmac/1", 32) for v, m in keys.items()}
        self._siv = {v: AESSIV(_derive(m, b"seawall/token-siv/1", 64)) for v, m in keys.items()}
        self._allow_reveal = allow_reveal

    def __repr__(self) -> str:
        return f"Tokenizer(primary={self.primary}, versions={sorted(self._hmac)})"

    @classmethod
    def from_keyring(
        cls, keyring: _Material, key_id: str, *, allow_reveal: bool = False
    ) -> Tokenizer:
        """A tokenizer over every active version of ``key_id``."""
        keys = {v: keyring.material(key_id, v) for v in keyring.versions(key_id)}
        return cls(keys, keyring.primary_version(key_id), allow_reveal=allow_reveal)

    # -- tokens ----------------------------------------------------------------------

    def token(self, value: str, shape: str = "text", *, reversible: bool = False) -> str:
        """The token of ``value`` under the primary version."""
        return self._token(value, shape, self.primary, reversible)

    def tokenize_many(self, values: Iterable[str | None], shape: str = "text") -> list[str | None]:
        """Deterministic tokens for a column (None stays None)."""
        key = self._hmac[self.primary]
        if shape == "text":  # the hot path, kept free of per-value dispatch
            prefix = f"tok_{self.primary}_"
            digest = hmac.digest
            return [
                None
                if v is None
                else prefix
                + _b64(digest(key, b"text\0" + normalise(v, "text").encode(), "sha256")[:16])
                for v in values
            ]
        return [None if v is None else self._token(v, shape, self.primary, False) for v in values]

    def tokens_for(self, value: str, shape: str = "text") -> list[str]:
        """``value``'s token under every active version (lookups across a rotation)."""
        return [self._token(value, shape, v, False) for v in sorted(self._hmac)]

    def matches(self, token: str, value: str, shape: str = "text") -> bool:
        """True when ``token`` is ``value``'s token under the version it names."""
        version = self.version_of(token)
        reversible = token.startswith(f"tok_{version}r_")
        expected = self._token(value, shape, version, reversible)
        return hmac.compare_digest(expected.encode(), token.encode())

    def version_of(self, token: str) -> int:
        """The key version a token was made with."""
        found = _TOKEN.match(token)
        if found:
            return int(found.group(1))
        digits = _NON_DIGITS.sub("", token)
        if len(digits) >= 12 and digits[0] == "9":
            return int(digits[1:3])
        raise ProtectError("not a Seawall token")

    def reveal(self, token: str, shape: str = "text") -> str:
        """The value behind a reversible token (needs ``allow_reveal=True``)."""
        if not self._allow_reveal:
            raise RevealNotPermittedError(
                "this tokenizer may not reveal values; build it with allow_reveal=True"
            )
        found = _TOKEN.match(token)
        if not found or found.group(2) != "r":
            raise ProtectError("only reversible tokens (tok_<version>r_...) can be revealed")
        version = int(found.group(1))
        siv = self._siv.get(version)
        if siv is None:
            raise KeyUnavailableError(f"token key version {version} is retired or unknown")
        body = found.group(3)
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            return siv.decrypt(raw, [shape.encode()]).decode("utf-8")
        except (InvalidTag, ValueError):
            raise DecryptionError(
                "the token does not authenticate (altered or another key)"
            ) from None

    def _token(self, value: str, shape: str, version: int, reversible: bool) -> str:
        if shape not in _SHAPES:
            raise ProtectError(f"unknown token shape {shape!r} (one of {', '.join(_SHAPES)})")
        key = self._hmac.get(version)
        if key is None:
            raise KeyUnavailableError(f"token key version {version} is retired or unknown")
        canonical = normalise(value, shape)
        if reversible:
            sealed = self._siv[version].encrypt(canonical.encode(), [shape.encode()])
            return f"tok_{version}r_{_b64(sealed)}"
        digest = hmac.digest(key, shape.encode() + b"\0" + canonical.encode(), "sha256")
        if shape == "email" and "@" in canonical:
            _local, _, domain = canonical.rpartition("@")
            return f"tok_{version}_{_b64(digest[:12])}@{domain}"
        if shape == "card" and 12 <= len(canonical) <= 19:
            return _card_token(canonical, digest, version)
        return f"tok_{version}_{_b64(digest[:16])}"


def _card_token(digits: str, digest: bytes, version: int) -> str:
    if version > 99:
        raise ProtectError("card-shaped tokens encode the key version in two digits (max 99)")
    middle_length = len(digits) - 7  # 9, two version digits, keyed digits, last four
    keyed = "".join(str(b % 10) for b in digest[:middle_length])
    token = f"9{version:02d}{keyed}{digits[-4:]}"
    if _luhn_valid(token):  # never a valid card number: bump one keyed digit
        position = 3
        bumped = str((int(token[position]) + 1) % 10)
        token = token[:position] + bumped + token[position + 1 :]
    return token
