"""SC2-008: writes to GITHUB_ENV or GITHUB_PATH in workflows outsiders can trigger with secrets (zizmor's github-env)."""

from __future__ import annotations

import re

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._ci import run_text, workflow_outcome, workflow_yaml

META = CheckMeta(
    id="SC2-008",
    control="SC-2",
    severity=Severity.HIGH,
    title="GITHUB_ENV written in a privileged trigger",
    rationale="Lines appended to $GITHUB_ENV or $GITHUB_PATH become environment variables and PATH entries of every later step. In pull_request_target, workflow_run and issue_comment workflows, which run with secrets, a value an outsider controls (an artifact, a branch name, a comment) can set LD_PRELOAD, NODE_OPTIONS or BASH_ENV, or put their binary first on PATH, and run code with the secrets.",
    remediation="Do not write to GITHUB_ENV/GITHUB_PATH in privileged workflows; pass values through step outputs (`$GITHUB_OUTPUT`) and quote them where used, or move the work to an unprivileged pull_request workflow.",
    needs=(EvidenceKind.GITHUB_WORKFLOWS,),
    verify_clause="No direct commits to prod.",
    references=("https://docs.zizmor.sh/audits/#github-env",),
    example_fail=(
        (
            ".github/workflows/report.yml",
            workflow_yaml(
                '  report:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "PR_TITLE=$(cat title.txt)" >> "$GITHUB_ENV"\n',
                on="workflow_run",
            ),
        ),
    ),
    example_pass=(
        (
            ".github/workflows/report.yml",
            workflow_yaml(
                '  report:\n    runs-on: ubuntu-latest\n    steps:\n      - id: title\n        run: echo "title=$(cat title.txt)" >> "$GITHUB_OUTPUT"\n',
                on="workflow_run",
            ),
        ),
    ),
)

_PRIVILEGED = {"pull_request_target", "workflow_run", "issue_comment"}
_ENV_WRITE = re.compile(
    r">>?\s*[\"']?\$\{?(GITHUB_ENV|GITHUB_PATH)\b|Out-File[^\n]*\$env:(GITHUB_ENV|GITHUB_PATH)",
    re.IGNORECASE,
)


def run(evidence: Evidence) -> CheckOutcome:
    """Every run step appending to GITHUB_ENV/GITHUB_PATH in a privileged workflow."""
    workflows = evidence[EvidenceKind.GITHUB_WORKFLOWS]
    violations = []
    for workflow in workflows:
        privileged = workflow.triggers & _PRIVILEGED
        if not privileged or workflow.is_action:
            continue
        for job_id, step in workflow.steps():
            found = _ENV_WRITE.search(run_text(step))
            if found:
                target = found.group(1) or found.group(2)
                violations.append(
                    Violation(
                        message=f"job '{job_id}' writes to {target.upper()} in a workflow triggered by {', '.join(sorted(privileged))}",
                        key=f"github-env:{job_id}:{target.upper()}",
                        path=workflow.path,
                        line=getattr(step, "line", None),
                    )
                )
    return workflow_outcome(violations, workflows)
