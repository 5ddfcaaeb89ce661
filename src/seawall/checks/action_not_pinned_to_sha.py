"""SC1-003: a third-party GitHub Action not pinned to a full commit SHA."""

from __future__ import annotations

import re

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._ci import workflow_outcome, workflow_yaml
from seawall.collectors.workflows import Workflow

META = CheckMeta(
    id="SC1-003",
    control="SC-1",
    severity=Severity.MEDIUM,
    title="Action not pinned to a commit SHA",
    rationale="A tag or branch of a third-party action can be moved to new code (as happened with tj-actions/changed-files in 2025); the job then runs it with the workflow's token and secrets. Only a full 40-character commit SHA is immutable.",
    remediation="Pin uses: owner/repo@<40-hex commit sha> and keep the version in a comment (# v4.2.2); let Dependabot or Renovate update it.",
    needs=(EvidenceKind.GITHUB_WORKFLOWS,),
    verify_clause="Zero unsigned images in prod.",
    references=(
        "https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions",
    ),
    example_fail=(
        (
            ".github/workflows/ci.yml",
            workflow_yaml(
                "  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
            ),
        ),
    ),
    example_pass=(
        (
            ".github/workflows/ci.yml",
            workflow_yaml(
                "  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n"
            ),
        ),
    ),
)

_SHA = re.compile(r"@[0-9a-f]{40}$")


def _uses(workflow: Workflow) -> list[tuple[str, int]]:
    found = [(str(step["uses"]), step.line) for _, step in workflow.steps() if "uses" in step]
    for job in workflow.jobs.values():
        if "uses" in job:  # reusable workflow call
            found.append((str(job["uses"]), job.line))
    return found


def run(evidence: Evidence) -> CheckOutcome:
    """Every remote `uses:` pinned to a full SHA (local ./ and docker:// digests exempt)."""
    workflows: tuple[Workflow, ...] = evidence[EvidenceKind.GITHUB_WORKFLOWS]
    violations = []
    for workflow in workflows:
        for uses, line in _uses(workflow):
            if uses.startswith("./"):
                continue
            if uses.startswith("docker://"):
                if "@sha256:" in uses:
                    continue
            elif _SHA.search(uses):
                continue
            violations.append(
                Violation(
                    message=f"{uses} is not pinned to a full commit SHA",
                    key=f"unpinned:{uses}",
                    path=workflow.path,
                    line=line,
                )
            )
    return workflow_outcome(violations, workflows)
