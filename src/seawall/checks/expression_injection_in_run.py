"""SC2-004: attacker-controlled `${{ github.event.* }}` text expanded inside `run:`."""

from __future__ import annotations

import re

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._ci import run_text, workflow_outcome, workflow_yaml
from seawall.collectors.workflows import Workflow

META = CheckMeta(
    id="SC2-004",
    control="SC-2",
    severity=Severity.HIGH,
    title="Expression injection in a run step",
    rationale='${{ }} expressions are pasted into the script before the shell runs it, so an issue title, PR body, branch name or commit message containing `"; curl … | sh; "` becomes code running with the job\'s token.',
    remediation='Pass the value through an environment variable (env: TITLE: ${{ github.event.issue.title }}) and use "$TITLE" in the script.',
    needs=(EvidenceKind.GITHUB_WORKFLOWS,),
    verify_clause="No direct commits to prod.",
    references=(
        "https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections",
    ),
    example_fail=(
        (
            ".github/workflows/triage.yml",
            workflow_yaml(
                '  triage:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.issue.title }}"\n',
                on="issues",
            ),
        ),
    ),
    example_pass=(
        (
            ".github/workflows/triage.yml",
            workflow_yaml(
                '  triage:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          TITLE: ${{ github.event.issue.title }}\n        run: echo "$TITLE"\n',
                on="issues",
            ),
        ),
    ),
)

_UNTRUSTED = re.compile(
    r"\$\{\{\s*(github\.event\.(?:issue\.(?:title|body)|pull_request\.(?:title|body|head\.ref|head\.label|head\.repo\.default_branch)"
    r"|comment\.body|review\.body|review_comment\.body|pages\.[^}]*page_name|commits\.[^}]*\.(?:message|author\.(?:email|name))"
    r"|head_commit\.(?:message|author\.(?:email|name))|workflow_run\.(?:head_branch|head_commit\.message|display_title)|discussion\.(?:title|body))"
    r"|github\.head_ref|inputs\.[\w-]+)\s*\}\}"
)


def run(evidence: Evidence) -> CheckOutcome:
    """Untrusted expressions inside `run:` scripts (workflows and composite actions)."""
    workflows: tuple[Workflow, ...] = evidence[EvidenceKind.GITHUB_WORKFLOWS]
    violations = []
    for workflow in workflows:
        for job_id, step in workflow.steps():
            for expression in sorted(set(_UNTRUSTED.findall(run_text(step)))):
                if expression.startswith("inputs.") and not workflow.is_action:
                    continue  # workflow_dispatch inputs come from people with write access
                violations.append(
                    Violation(
                        message=f"{job_id}: `${{{{ {expression} }}}}` is expanded into a shell script",
                        key=f"inject:{job_id}:{expression}",
                        path=workflow.path,
                        line=step.line_of("run"),
                    )
                )
    return workflow_outcome(violations, workflows)
