"""Core types shared by every layer: controls, checks, findings and reports.

Everything here is immutable (frozen dataclasses, str-Enums) so results can be
passed between processes, hashed and compared in tests without surprises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How urgent a finding is; ordered from most to least severe."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more severe (critical = 4, info = 0)."""
        return _SEVERITY_RANK[self]

    def at_least(self, other: Severity) -> bool:
        """True when this severity is ``other`` or worse."""
        return self.rank >= other.rank


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


class ControlStatus(StrEnum):
    """A control's verdict in a report (BASELINE.md defines each)."""

    PASS = "pass"  # noqa: S105 - a verdict, not a password
    FAIL = "fail"
    PARTIAL = "partial"
    NOT_EVIDENCED = "not-evidenced"
    ERROR = "error"


class FindingStatus(StrEnum):
    """Whether a finding counts against the baseline."""

    FAIL = "fail"
    SUPPRESSED = "suppressed"


class EvidenceKind(StrEnum):
    """The kinds of evidence collectors produce and checks consume."""

    FILE_TREE = "file-tree"
    DOCKERFILES = "dockerfiles"
    GITHUB_WORKFLOWS = "github-workflows"
    PRECOMMIT = "precommit"
    ENV_FILES = "env-files"
    KEY_FILES = "key-files"
    SECRETS = "secrets"
    POSTGRES = "postgres"
    TLS = "tls"
    KUBERNETES = "kubernetes"
    GITLAB_CI = "gitlab-ci"
    PII = "pii"
    LOGS = "logs"
    KEY_ROTATION = "key-rotation"
    TERRAFORM = "terraform"


@dataclass(frozen=True)
class Control:
    """One control of the baseline, loaded from the catalog data file."""

    id: str
    domain: str
    title: str
    practice: str
    verify: tuple[str, ...]
    evidence: str
    remediation: str
    references: tuple[str, ...]


@dataclass(frozen=True)
class CheckMeta:
    """What a check is, kept beside the check's code."""

    id: str
    control: str
    severity: Severity
    title: str
    rationale: str
    remediation: str
    needs: tuple[EvidenceKind, ...]
    verify_clause: str
    references: tuple[str, ...] = ()
    # False for a check of settings that back the clause without verifying it (log
    # retention backs "a log sample contains zero secrets"): its failures fail the
    # control, but its passing alone does not count the clause as evidenced.
    evidences_clause: bool = True
    example_fail: tuple[tuple[str, str], ...] = ()
    example_pass: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Location:
    """Where a finding is: a path relative to the scanned root, or a live resource."""

    path: str | None = None
    line: int | None = None
    end_line: int | None = None
    commit: str | None = None
    resource: str | None = None


@dataclass(frozen=True)
class Finding:
    """One violation of a check.

    ``fingerprint`` is derived from the check id, the path and a hash of the
    normalized offending content: never a line number, never a secret value.
    """

    check_id: str
    control_id: str
    severity: Severity
    status: FindingStatus
    message: str
    location: Location
    remediation: str
    fingerprint: str
    suppression_reason: str | None = None
    suppression_kind: str | None = None  # "inline" or "config"
    details: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class ScanError:
    """A collector or check that broke on some input; never a silent pass."""

    control_id: str | None
    check_id: str | None
    message: str
    path: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Notice:
    """Something the user should know that is not a finding (stale suppression, skipped file)."""

    kind: str
    message: str
    path: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class ControlResult:
    """A control's status with the findings and errors behind it."""

    control_id: str
    title: str
    status: ControlStatus
    summary: str
    findings: tuple[Finding, ...]
    errors: tuple[ScanError, ...]
    evidenced_clauses: tuple[str, ...]
    missing_evidence: tuple[str, ...]
    unevidenced_checks: tuple[str, ...] = ()  # checks that ran but had nothing to look at

    def counts_by_severity(self) -> Mapping[Severity, int]:
        """Unsuppressed finding counts per severity (all severities present)."""
        counts = dict.fromkeys(Severity, 0)
        for finding in self.findings:
            if finding.status is FindingStatus.FAIL:
                counts[finding.severity] += 1
        return counts


@dataclass(frozen=True)
class Report:
    """The result of one scan."""

    tool_version: str
    root: str
    checks_run: tuple[str, ...]
    controls: tuple[ControlResult, ...]
    findings: tuple[Finding, ...]
    errors: tuple[ScanError, ...]
    notices: tuple[Notice, ...]
    stats: Mapping[str, Any] = field(default_factory=dict)

    def active_findings(self) -> tuple[Finding, ...]:
        """Findings that are not suppressed."""
        return tuple(f for f in self.findings if f.status is FindingStatus.FAIL)

    def worst_severity(self) -> Severity | None:
        """The most severe unsuppressed finding's severity, if any."""
        active = self.active_findings()
        if not active:
            return None
        return max((f.severity for f in active), key=lambda s: s.rank)
