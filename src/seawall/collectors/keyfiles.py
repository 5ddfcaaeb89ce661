"""Collect private-key and keystore files (evidence for SI-1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath

from seawall.collectors import CollectContext, Collected
from seawall.collectors._files import FileKind

__all__ = ["KeyFile", "KeyMaterial", "collect"]

_PRIVATE_BLOCK = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----|(PuTTY-User-Key-File-\d+):"
)
_SSH_KEY_NAMES = frozenset(
    {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"}
)


class KeyMaterial(StrEnum):
    """What kind of key material a file holds."""

    PRIVATE_KEY = "private-key"
    ENCRYPTED_PRIVATE_KEY = "encrypted-private-key"
    KEYSTORE = "keystore"


@dataclass(frozen=True)
class KeyFile:
    """A file holding key material, with the line of its first private block."""

    path: str
    material: KeyMaterial
    block: str  # e.g. "RSA PRIVATE KEY", "PKCS#12 keystore"
    line: int | None


def _scan_text(path: str, text: str) -> KeyFile | None:
    match = _PRIVATE_BLOCK.search(text)
    if match is None:
        return None
    block = match.group(1) or match.group(2)
    line = text.count("\n", 0, match.start()) + 1
    window = text[match.start() : match.start() + 400]
    encrypted = "ENCRYPTED" in block or "Proc-Type: 4,ENCRYPTED" in window
    if match.group(2):  # PuTTY: "Encryption: none" means the key is in the clear
        encrypted = "Encryption: none" not in window
    material = KeyMaterial.ENCRYPTED_PRIVATE_KEY if encrypted else KeyMaterial.PRIVATE_KEY
    return KeyFile(path, material, block, line)


def collect(context: CollectContext) -> Collected:
    """Key files by name (keystores, SSH keys) and by a private block in their text."""
    found: list[KeyFile] = []
    for source in context.tree.of_kind(FileKind.KEY_FILE, FileKind.KEYSTORE):
        name = PurePosixPath(source.path).name
        if source.kind is FileKind.KEYSTORE:
            suffix = PurePosixPath(name).suffix.lstrip(".").upper()
            found.append(KeyFile(source.path, KeyMaterial.KEYSTORE, f"{suffix} keystore", None))
            continue
        text = context.read(source.path)
        if text.text is None:
            if name in _SSH_KEY_NAMES and text.problem == "binary file":
                found.append(KeyFile(source.path, KeyMaterial.PRIVATE_KEY, "SSH private key", None))
            continue
        key = _scan_text(source.path, text.text)
        if key is not None:
            found.append(key)
    return Collected(tuple(found))
