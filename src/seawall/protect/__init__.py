"""Enforcement that lives in a team's own code and operations (never imports the scanner).

Public names are imported lazily, so ``from seawall.protect import redact``
does not load the cryptography stack and the key modules do not load the
secret rule pack.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "DataKeyStore",
    "DecryptionError",
    "EnvelopeCipher",
    "KeyProvider",
    "KeyUnavailableError",
    "LocalKeyring",
    "ProtectError",
    "RedactingFilter",
    "Redactor",
    "RevealNotPermittedError",
    "Tokenizer",
    "redact",
    "redact_mapping",
    "redact_processor",
    "rotate",
]

_HOMES = {
    "DataKeyStore": "seawall.protect.envelope",
    "EnvelopeCipher": "seawall.protect.envelope",
    "KeyProvider": "seawall.protect.keys",
    "LocalKeyring": "seawall.protect.keys",
    "DecryptionError": "seawall.protect.errors",
    "KeyUnavailableError": "seawall.protect.errors",
    "ProtectError": "seawall.protect.errors",
    "RevealNotPermittedError": "seawall.protect.errors",
    "RedactingFilter": "seawall.protect.logging_filter",
    "redact_processor": "seawall.protect.logging_filter",
    "Redactor": "seawall.protect.redaction",
    "redact": "seawall.protect.redaction",
    "redact_mapping": "seawall.protect.redaction",
    "Tokenizer": "seawall.protect.tokenize",
    "rotate": "seawall.protect.rotation",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'seawall.protect' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
