"""What a check returns. Checks are pure functions: evidence in, violations out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from seawall._model import EvidenceKind, Severity

__all__ = ["CheckOutcome", "Evidence", "Violation"]

#: Evidence by kind, as the engine hands it to a check.
Evidence = Mapping[EvidenceKind, Any]


@dataclass(frozen=True)
class Violation:
    """One thing a check flags.

    ``key`` is the normalized offending content the fingerprint is built from
    (never a line number, never a secret value).
    """

    message: str
    key: str
    path: str | None = None
    line: int | None = None
    end_line: int | None = None
    resource: str | None = None
    commit: str | None = None
    severity: Severity | None = None  # None: the check's default severity
    # Structured facts for JSON/SARIF consumers (never a secret value).
    details: tuple[tuple[str, Any], ...] = ()
    # An inline `seawall: ignore[IDS] reason` the collector saw next to the finding.
    inline_ignore: tuple[tuple[str, ...], str | None] | None = None


@dataclass(frozen=True)
class CheckOutcome:
    """Violations, and whether any evidence for the check existed at all."""

    violations: tuple[Violation, ...]
    evidenced: bool
    # Why the check had nothing to look at (shown for not-evidenced controls).
    missing: str | None = None
    # Figures worth reporting even when nothing fails (e.g. the admin query share).
    notes: tuple[str, ...] = ()
