"""SI1-003: no secret scanner runs as a pre-commit hook."""

from __future__ import annotations

import re

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.collectors.precommit import PrecommitConfig, PrecommitHook

META = CheckMeta(
    id="SI1-003",
    control="SI-1",
    severity=Severity.MEDIUM,
    title="No pre-commit secret scanning",
    rationale=(
        "The baseline asks for secret scanning before a commit exists: a secret caught in CI "
        "is already in history and must be rotated. A hook that only runs at the manual or "
        "pre-push stage does not stop the commit."
    ),
    remediation=(
        "Add a secret-scanning hook (Seawall's own, gitleaks, detect-secrets, trufflehog, "
        "ggshield, ...) to .pre-commit-config.yaml at the pre-commit stage, and run "
        "`pre-commit install` in every clone."
    ),
    needs=(EvidenceKind.FILE_TREE, EvidenceKind.PRECOMMIT),
    verify_clause="No secrets anywhere in Git history.",
    references=("https://pre-commit.com/#adding-pre-commit-plugins-to-your-project",),
    example_fail=(
        (
            ".pre-commit-config.yaml",
            (
                "repos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n"
                "    rev: v4.6.0\n    hooks:\n      - id: detect-private-key\n"
            ),
        ),
    ),
    example_pass=(
        (
            ".pre-commit-config.yaml",
            (
                "repos:\n  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8.30.1\n"
                "    hooks:\n      - id: gitleaks\n"
            ),
        ),
    ),
)

# Tools that scan for secrets; matched in a hook's repo URL, id or local entry.
_SCANNERS = re.compile(
    r"gitleaks|betterleaks|trufflehog|detect-secrets|ggshield|talisman|git-secrets|secretlint"
    r"|ripsecrets|kingfisher|noseyparker|whispers|seawall",
    re.IGNORECASE,
)
_COMMIT_STAGES = frozenset({"pre-commit", "commit"})


def _is_scanner(hook: PrecommitHook) -> bool:
    return bool(_SCANNERS.search(hook.repo) or _SCANNERS.search(hook.hook_id)) or bool(
        hook.repo == "local" and _SCANNERS.search(hook.entry.split(" ", 1)[0])
    )


def _runs_at_commit(hook: PrecommitHook, config: PrecommitConfig) -> bool:
    stages = hook.stages if hook.stages is not None else config.default_stages
    return stages is None or bool(_COMMIT_STAGES & set(stages))


def run(evidence: Evidence) -> CheckOutcome:
    """Pass when a known secret scanner runs at the pre-commit stage."""
    config: PrecommitConfig = evidence[EvidenceKind.PRECOMMIT]
    if config.path is None:
        violation = Violation(
            message="No .pre-commit-config.yaml: nothing scans for secrets before a commit",
            key="no-config",
            path=".pre-commit-config.yaml",  # where the fix goes
        )
        return CheckOutcome((violation,), evidenced=True)
    scanners = [hook for hook in config.hooks if _is_scanner(hook)]
    if not scanners:
        only_keys = any(hook.hook_id == "detect-private-key" for hook in config.hooks)
        hint = (
            " (detect-private-key finds key blocks only, not tokens or passwords)"
            if only_keys
            else ""
        )
        violation = Violation(
            message=f"{config.path} runs no secret-scanning hook{hint}",
            key="no-scanner",
            path=config.path,
            line=1,
        )
        return CheckOutcome((violation,), evidenced=True)
    if any(_runs_at_commit(hook, config) for hook in scanners):
        return CheckOutcome((), evidenced=True)
    hook = scanners[0]
    stages = ", ".join(hook.stages or config.default_stages or ())
    violation = Violation(
        message=(
            f"Secret-scanning hook '{hook.hook_id}' runs only at "
            f"stage(s) {stages}, not at pre-commit"
        ),
        key=f"stage:{hook.hook_id}",
        path=config.path,
        line=hook.line,
    )
    return CheckOutcome((violation,), evidenced=True)
