"""SC2-002: a job that deploys to prod without a protected environment."""

from __future__ import annotations

import re

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._ci import PROD, run_text, workflow_outcome, workflow_yaml

META = CheckMeta(
    id="SC2-002",
    control="SC-2",
    severity=Severity.HIGH,
    title="Prod deploy without a protected environment",
    rationale="Code review and approval for prod deploys, and approver identity in deployment logs, come from GitHub environments with required reviewers. A job that deploys to prod (by name, kubectl/helm/terraform apply against prod, or a deploy script) outside an environment skips both.",
    remediation="Add `environment: production` to the job and protect that environment with required reviewers and a branch rule.",
    needs=(EvidenceKind.GITHUB_WORKFLOWS,),
    verify_clause="Deployment logs show approver identity.",
    references=(
        "https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment",
    ),
    example_fail=(
        (
            ".github/workflows/deploy.yml",
            workflow_yaml(
                "  deploy-prod:\n    runs-on: ubuntu-latest\n    steps:\n      - run: helm upgrade etl ./chart --kube-context prod\n"
            ),
        ),
    ),
    example_pass=(
        (
            ".github/workflows/deploy.yml",
            workflow_yaml(
                "  deploy-prod:\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n      - run: helm upgrade etl ./chart --kube-context prod\n"
            ),
        ),
    ),
)

_DEPLOY = re.compile(
    r"kubectl\s+(?:apply|rollout|set|replace)|helm\s+(?:upgrade|install)|terraform\s+apply|deploy(?:\.sh|\s)|argocd\s+app\s+sync|aws\s+ecs\s+update-service|gcloud\s+run\s+deploy",
    re.IGNORECASE,
)


def _deploys_to_prod(job_id: str, job: dict[str, object], steps: list[dict[str, object]]) -> bool:
    scripts = "\n".join(run_text(s) for s in steps)
    named_prod = bool(PROD.search(job_id) or PROD.search(str(job.get("name", ""))))
    return bool(_DEPLOY.search(scripts)) and (named_prod or bool(PROD.search(scripts)))


def run(evidence: Evidence) -> CheckOutcome:
    """Jobs that deploy to prod must name an environment."""
    workflows = [w for w in evidence[EvidenceKind.GITHUB_WORKFLOWS] if not w.is_action]
    violations = []
    for workflow in workflows:
        for job_id, job in workflow.jobs.items():
            steps = [s for s in job.get("steps") or [] if isinstance(s, dict)]
            if _deploys_to_prod(job_id, job, steps) and not job.get("environment"):
                violations.append(
                    Violation(
                        message=f"job '{job_id}' deploys to prod without an `environment` (no required reviewers, no approver record)",
                        key=f"no-env:{job_id}",
                        path=workflow.path,
                        line=job.line,
                    )
                )
    return workflow_outcome(violations, workflows)
