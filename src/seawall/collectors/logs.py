"""Log samples for MI-2: secrets left in logs, and how much of their PII was redacted.

Each line goes through the same redactor teams run in production
(seawall.protect): whatever it would still replace is a leak. Secrets and
credentials are counted per type; PII is counted against the redaction
markers already in the log (``[REDACTED:email]``, ``[REDACTED]``,
``<redacted>``, ``****1234``) to give a redaction rate. Only types, counts and
line numbers are kept, never a value.
"""

from __future__ import annotations

import glob
import gzip
import os
import re
from collections import Counter
from dataclasses import dataclass
from typing import BinaryIO

from seawall.collectors import CollectContext, Collected, CollectorIssue
from seawall.collectors._files import FileKind

__all__ = ["PII_KINDS", "LogEvidence", "LogFileResult", "scan_log"]

#: Replacement types that are personal data (everything else a redactor finds is a secret).
PII_KINDS = frozenset(
    {"email", "card", "ssn", "iban", "phone", "date-of-birth", "passport", "national-id"}
)
_MARKERS = re.compile(
    r"\[REDACTED(?::(?P<kind>[a-z\-]+))?[^\]]*\]|<redacted>|\*{4,}\d{0,4}", re.IGNORECASE
)
_EXAMPLE_LINES = 5
MAX_LOG_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class LogFileResult:
    """What one log file holds: counts per type and example line numbers (no values)."""

    path: str
    lines: int
    secrets: tuple[tuple[str, int, tuple[int, ...]], ...]  # (type, count, example lines)
    pii: tuple[tuple[str, int, tuple[int, ...]], ...]  # unredacted PII
    redacted_pii: int  # PII markers already in the log
    truncated: bool = False

    @property
    def unredacted_pii(self) -> int:
        """Occurrences of PII the log still shows."""
        return sum(count for _, count, _ in self.pii)

    @property
    def redaction_rate(self) -> float | None:
        """Redacted share of the PII occurrences (None when the file shows none either way)."""
        total = self.redacted_pii + self.unredacted_pii
        return None if total == 0 else self.redacted_pii / total


@dataclass(frozen=True)
class LogEvidence:
    """Every log file scanned."""

    files: tuple[LogFileResult, ...]


def scan_log(path: str, display: str, max_bytes: int = MAX_LOG_BYTES) -> LogFileResult:
    """Scan one log file line by line (OSError when it cannot be read)."""
    from seawall.protect.redaction import default_redactor

    redactor = default_redactor()
    secrets: Counter[str] = Counter()
    pii: Counter[str] = Counter()
    examples: dict[str, list[int]] = {}
    redacted = 0
    lines = 0
    consumed = 0
    truncated = False
    with _open_log(path) as handle:
        for number, raw in enumerate(handle, 1):
            consumed += len(raw)
            if consumed > max_bytes:
                truncated = True
                break
            lines = number
            text = raw.decode("utf-8", "replace")
            for marker in _MARKERS.finditer(text):
                kind = (marker.group("kind") or "").lower()
                if not kind or kind in PII_KINDS:
                    redacted += 1
            for kind, _start, _end in redactor.contains_sensitive(text):
                (pii if kind in PII_KINDS else secrets)[kind] += 1
                seen = examples.setdefault(kind, [])
                if len(seen) < _EXAMPLE_LINES and (not seen or seen[-1] != number):
                    seen.append(number)
    return LogFileResult(
        display,
        lines,
        tuple((k, n, tuple(examples[k])) for k, n in sorted(secrets.items())),
        tuple((k, n, tuple(examples[k])) for k, n in sorted(pii.items())),
        redacted,
        truncated,
    )


def _open_log(path: str) -> BinaryIO:
    """The log's bytes; rotated logs compressed with gzip are read through it."""
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _targets(context: CollectContext) -> list[tuple[str, str]]:
    if context.options.log_files:
        return [(path, os.path.relpath(path)) for path in context.options.log_files]
    found = [
        (os.path.join(context.tree.root, f.path), f.path)
        for f in context.tree.of_kind(FileKind.LOG)
    ]
    seen = {path for path, _ in found}
    for pattern in context.options.log_globs:
        absolute = pattern if os.path.isabs(pattern) else os.path.join(context.tree.root, pattern)
        for match in sorted(glob.glob(absolute, recursive=True)):
            if os.path.isfile(match) and match not in seen:
                seen.add(match)
                found.append((match, os.path.relpath(match, context.tree.root)))
    return found


def collect(context: CollectContext) -> Collected:
    """Log files in the tree (``*.log``, ``*.log.N``), configured globs, or `seawall logs` paths."""
    files: list[LogFileResult] = []
    issues: list[CollectorIssue] = []
    for path, display in _targets(context):
        try:
            result = scan_log(path, display)
        except (OSError, EOFError) as exc:  # gzip raises these for a corrupt archive too
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            issues.append(CollectorIssue(display, f"cannot read log file: {reason}"))
            continue
        if result.truncated:
            issues.append(
                CollectorIssue(
                    display,
                    f"log file larger than {MAX_LOG_BYTES // 2**20} MiB: only the first "
                    f"{result.lines} lines were checked",
                )
            )
        files.append(result)
    return Collected(LogEvidence(tuple(files)), tuple(issues))
