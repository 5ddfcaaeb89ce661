"""Stable finding fingerprints: check id + subject + a hash of the normalized content.

No line numbers (so baselines survive edits above a finding) and no raw
content (so a secret value never appears, even inside a baseline file).
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["fingerprint"]

_SPACE = re.compile(r"\s+")


def fingerprint(check_id: str, subject: str, key: str, occurrence: int = 0) -> str:
    """32 hex characters; ``occurrence`` separates identical findings in one subject."""
    content = hashlib.sha256(_SPACE.sub(" ", key.strip()).encode("utf-8")).hexdigest()
    material = f"{check_id}\x1f{subject}\x1f{content}\x1f{occurrence}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]
