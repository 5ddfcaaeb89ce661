"""Errors from the protection library: value-free messages, never key material."""

from __future__ import annotations

from seawall._errors import SeawallError

__all__ = ["DecryptionError", "KeyUnavailableError", "ProtectError", "RevealNotPermittedError"]


class ProtectError(SeawallError):
    """A protection operation could not be carried out (the message says why)."""


class DecryptionError(ProtectError):
    """A ciphertext or wrapped key did not authenticate: tampered, wrong key or wrong context."""


class KeyUnavailableError(ProtectError):
    """The key or key version is unknown or retired."""


class RevealNotPermittedError(ProtectError):
    """Reversing a token needs the explicit ``allow_reveal`` permission."""
