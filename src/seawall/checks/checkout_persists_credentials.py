"""SC2-007: actions/checkout leaves the job token in .git/config (zizmor's artipacked)."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._ci import workflow_outcome, workflow_yaml
from seawall.collectors._yaml import LineDict

_CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"

META = CheckMeta(
    id="SC2-007",
    control="SC-2",
    severity=Severity.MEDIUM,
    title="Checkout persists the job token",
    rationale="actions/checkout writes the job's GITHUB_TOKEN into .git/config unless persist-credentials is false. Any later step that uploads the workspace (an artifact of '.', a cache, a container build context) publishes a token that can push to the repository; every later step and action can read it.",
    remediation="Set `with: persist-credentials: false` on every actions/checkout step, and pass a token explicitly to the one step that needs to push.",
    needs=(EvidenceKind.GITHUB_WORKFLOWS,),
    verify_clause="No direct commits to prod.",
    references=("https://docs.zizmor.sh/audits/#artipacked",),
    example_fail=(
        (
            ".github/workflows/ci.yml",
            workflow_yaml(
                f"  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: {_CHECKOUT}\n      - run: make\n"
            ),
        ),
    ),
    example_pass=(
        (
            ".github/workflows/ci.yml",
            workflow_yaml(
                f"  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: {_CHECKOUT}\n        with:\n          persist-credentials: false\n      - run: make\n"
            ),
        ),
    ),
)


def _uploads_workspace(steps: list[LineDict]) -> bool:
    for step in steps:
        uses = str(step.get("uses", ""))
        inputs = step.get("with") if isinstance(step.get("with"), dict) else {}
        path = str((inputs or {}).get("path", "")).strip()
        if uses.startswith("actions/upload-artifact") and path in (
            ".",
            "./",
            "${{ github.workspace }}",
            "*",
            "**",
        ):
            return True
    return False


def run(evidence: Evidence) -> CheckOutcome:
    """Every checkout step without persist-credentials: false."""
    workflows = evidence[EvidenceKind.GITHUB_WORKFLOWS]
    violations = []
    for workflow in workflows:
        by_job: dict[str, list[LineDict]] = {}
        for job_id, step in workflow.steps():
            by_job.setdefault(job_id, []).append(step)
        for job_id, steps in by_job.items():
            uploads = _uploads_workspace(steps)
            for step in steps:
                if not str(step.get("uses", "")).startswith("actions/checkout"):
                    continue
                inputs = step.get("with") if isinstance(step.get("with"), dict) else {}
                if str((inputs or {}).get("persist-credentials", "true")).lower() == "false":
                    continue
                worse = " and the job uploads the workspace as an artifact" if uploads else ""
                violations.append(
                    Violation(
                        message=f"job '{job_id}': actions/checkout keeps the token in .git/config (no persist-credentials: false){worse}",
                        key=f"artipacked:{job_id}",
                        path=workflow.path,
                        line=getattr(step, "line", None),
                        severity=Severity.HIGH if uploads else None,
                    )
                )
    return workflow_outcome(violations, workflows)
