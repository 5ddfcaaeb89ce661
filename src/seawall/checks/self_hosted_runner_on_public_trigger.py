"""SC2-005: self-hosted runners on triggers outsiders can fire."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._ci import workflow_outcome, workflow_yaml

META = CheckMeta(
    id="SC2-005",
    control="SC-2",
    severity=Severity.HIGH,
    title="Self-hosted runner on a public trigger",
    rationale="A fork's pull request (or an issue comment) that runs on a self-hosted runner executes outsider code on your infrastructure, often with network reach into prod and persistence between jobs.",
    remediation="Run pull_request / issue_comment jobs on GitHub-hosted runners, or on ephemeral, isolated self-hosted runners restricted to private repositories.",
    needs=(EvidenceKind.GITHUB_WORKFLOWS,),
    verify_clause="No direct commits to prod.",
    references=(
        "https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#self-hosted-runner-security",
    ),
    example_fail=(
        (
            ".github/workflows/pr.yml",
            workflow_yaml(
                "  test:\n    runs-on: [self-hosted, linux]\n    steps:\n      - run: make test\n",
                on="pull_request",
            ),
        ),
    ),
    example_pass=(
        (
            ".github/workflows/pr.yml",
            workflow_yaml(
                "  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n",
                on="pull_request",
            ),
        ),
    ),
)

_PUBLIC = {
    "pull_request",
    "pull_request_target",
    "issue_comment",
    "issues",
    "discussion_comment",
    "fork",
}


def run(evidence: Evidence) -> CheckOutcome:
    """runs-on self-hosted in workflows with public triggers."""
    workflows = [w for w in evidence[EvidenceKind.GITHUB_WORKFLOWS] if not w.is_action]
    violations = []
    for workflow in workflows:
        public = workflow.triggers & _PUBLIC
        if not public:
            continue
        for job_id, job in workflow.jobs.items():
            runs_on = job.get("runs-on")
            labels = [str(x) for x in runs_on] if isinstance(runs_on, list) else [str(runs_on)]
            if isinstance(runs_on, dict):
                labels = [
                    str(runs_on.get("group", "")),
                    *[str(x) for x in runs_on.get("labels") or []],
                ]
            if any("self-hosted" in label for label in labels):
                violations.append(
                    Violation(
                        message=f"job '{job_id}' runs on a self-hosted runner for {', '.join(sorted(public))}",
                        key=f"self-hosted:{job_id}",
                        path=workflow.path,
                        line=job.line_of("runs-on"),
                    )
                )
    return workflow_outcome(violations, workflows)
