"""SC2-001: a GitHub Actions workflow whose token is not read-only by default."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._ci import workflow_outcome
from seawall.collectors.workflows import Workflow

META = CheckMeta(
    id="SC2-001",
    control="SC-2",
    severity=Severity.MEDIUM,
    title="Workflow token not read-only by default",
    rationale=(
        "Without a top-level `permissions` block a workflow's GITHUB_TOKEN gets the repository "
        "default, read-write on many organisations: any compromised step or action can push "
        "code, tag releases or approve deployments. `write-all` grants every scope explicitly."
    ),
    remediation=(
        "Add `permissions: contents: read` (or `permissions: {}`) at the top of the workflow "
        "and grant write scopes only on the jobs that need them."
    ),
    needs=(EvidenceKind.GITHUB_WORKFLOWS,),
    verify_clause="No direct commits to prod.",
    references=(
        "https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token",
    ),
    example_fail=(
        (
            ".github/workflows/ci.yml",
            (
                "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - run: make test\n"
            ),
        ),
    ),
    example_pass=(
        (
            ".github/workflows/ci.yml",
            (
                "on: push\npermissions:\n  contents: read\njobs:\n  test:\n"
                "    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n"
            ),
        ),
    ),
)


def _write_scopes(permissions: object) -> list[str]:
    if isinstance(permissions, dict):
        return sorted(f"{k}: write" for k, v in permissions.items() if str(v).lower() == "write")
    return []


def _violations(workflow: Workflow) -> list[Violation]:
    data = workflow.data
    result: list[Violation] = []
    if "permissions" not in data:
        unscoped = [job for job, spec in workflow.jobs.items() if "permissions" not in spec]
        if unscoped:
            names = ", ".join(unscoped[:5]) + (" ..." if len(unscoped) > 5 else "")
            result.append(
                Violation(
                    message=(
                        f"No top-level permissions block: job(s) {names} get "
                        f"the repository's default token scopes"
                    ),
                    key="no-permissions",
                    path=workflow.path,
                    line=1,
                )
            )
    else:
        top = data["permissions"]
        line = data.line_of("permissions")
        if isinstance(top, str) and top.lower() == "write-all":
            result.append(
                Violation(
                    message="Top-level `permissions: write-all` gives every job every write scope",
                    key="write-all",
                    path=workflow.path,
                    line=line,
                    severity=Severity.HIGH,
                )
            )
        elif writes := _write_scopes(top):
            result.append(
                Violation(
                    message=(
                        f"Top-level permissions grant {', '.join(writes)} to "
                        f"every job; grant writes per job"
                    ),
                    key="top-level-write:" + ",".join(writes),
                    path=workflow.path,
                    line=line,
                )
            )
    for job_id, spec in workflow.jobs.items():
        permissions = spec.get("permissions")
        if isinstance(permissions, str) and permissions.lower() == "write-all":
            result.append(
                Violation(
                    message=f"Job '{job_id}' sets `permissions: write-all`",
                    key=f"job-write-all:{job_id}",
                    path=workflow.path,
                    line=spec.line_of("permissions"),
                    severity=Severity.HIGH,
                )
            )
    return result


def run(evidence: Evidence) -> CheckOutcome:
    """Flag missing, write-all and write-granting top-level permissions, and write-all jobs."""
    workflows = tuple(w for w in evidence[EvidenceKind.GITHUB_WORKFLOWS] if not w.is_action)
    violations = tuple(v for w in workflows for v in _violations(w))
    return workflow_outcome(violations, workflows)
