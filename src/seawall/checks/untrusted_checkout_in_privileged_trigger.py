"""SC2-003: pull_request_target / workflow_run jobs that run untrusted code, or expose prod secrets to PRs."""

from __future__ import annotations

import re

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._ci import workflow_outcome, workflow_yaml

META = CheckMeta(
    id="SC2-003",
    control="SC-2",
    severity=Severity.CRITICAL,
    title="Untrusted code runs with secrets",
    rationale="pull_request_target and workflow_run run with the base repository's token and secrets; checking out the pull request's head there runs an outsider's code with them ('pwn request'). Prod secrets referenced in pull-request-triggered workflows are reachable from any fork.",
    remediation="Use pull_request for untrusted code; in pull_request_target jobs never check out github.event.pull_request.head.*; keep prod secrets in protected environments that PR workflows cannot use.",
    needs=(EvidenceKind.GITHUB_WORKFLOWS,),
    verify_clause="No direct commits to prod.",
    references=(
        "https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/",
    ),
    example_fail=(
        (
            ".github/workflows/pr.yml",
            workflow_yaml(
                "  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: make test\n",
                on="pull_request_target",
            ),
        ),
    ),
    example_pass=(
        (
            ".github/workflows/pr.yml",
            workflow_yaml(
                "  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n      - run: make test\n",
                on="pull_request",
            ),
        ),
    ),
)

_HEAD_REF = re.compile(
    r"github\.event\.(?:pull_request\.head\.(?:sha|ref)|workflow_run\.head_(?:sha|branch))|github\.head_ref|refs/pull/",
    re.IGNORECASE,
)
_PROD_SECRET = re.compile(r"secrets\.[A-Z0-9_]*(?:PROD|PRODUCTION)[A-Z0-9_]*", re.IGNORECASE)


def run(evidence: Evidence) -> CheckOutcome:
    """Head checkouts in privileged triggers; prod secrets in PR triggers."""
    workflows = [w for w in evidence[EvidenceKind.GITHUB_WORKFLOWS] if not w.is_action]
    violations = []
    for workflow in workflows:
        triggers = workflow.triggers
        privileged = triggers & {"pull_request_target", "workflow_run"}
        for job_id, step in workflow.steps():
            uses = str(step.get("uses", ""))
            ref = (
                str((step.get("with") or {}).get("ref", ""))
                if isinstance(step.get("with"), dict)
                else ""
            )
            if privileged and uses.startswith("actions/checkout") and _HEAD_REF.search(ref):
                violations.append(
                    Violation(
                        message=f"job '{job_id}' checks out the untrusted head ({ref}) in a {', '.join(sorted(privileged))} workflow",
                        key=f"pwn:{job_id}",
                        path=workflow.path,
                        line=step.line,
                    )
                )
        if triggers & {"pull_request", "pull_request_target", "issue_comment"}:
            text = str(workflow.data)
            for secret in sorted(set(_PROD_SECRET.findall(text))):
                violations.append(
                    Violation(
                        message=f"{secret} is referenced in a workflow pull requests trigger",
                        key=f"prod-secret:{secret}",
                        path=workflow.path,
                        line=1,
                        severity=Severity.HIGH,
                    )
                )
    return workflow_outcome(violations, workflows)
