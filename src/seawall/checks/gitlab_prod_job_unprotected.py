"""SC2-006: a GitLab job that deploys to prod without an environment and a manual gate."""

from __future__ import annotations

import re

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._ci import PROD
from seawall.collectors.gitlab import GitlabJob, GitlabPipeline

META = CheckMeta(
    id="SC2-006",
    control="SC-2",
    severity=Severity.HIGH,
    title="GitLab prod job without environment and approval",
    rationale="Prod deploys need review and an approver on record. In GitLab that is an `environment` (protected environments add approvals and deployer lists) and a manual gate (`when: manual`), not a job that runs on every pipeline.",
    remediation="Give the job `environment: {name: production}`, protect that environment, and gate it with `when: manual` (or rules with when: manual).",
    needs=(EvidenceKind.GITLAB_CI,),
    verify_clause="Deployment logs show approver identity.",
    references=("https://docs.gitlab.com/ee/ci/environments/protected_environments.html",),
    example_fail=(
        (
            ".gitlab-ci.yml",
            "stages: [deploy]\ndeploy-prod:\n  stage: deploy\n  script:\n    - helm upgrade etl ./chart --kube-context prod\n",
        ),
    ),
    example_pass=(
        (
            ".gitlab-ci.yml",
            "stages: [deploy]\ndeploy-prod:\n  stage: deploy\n  environment: {name: production}\n  when: manual\n  script:\n    - helm upgrade etl ./chart --kube-context prod\n",
        ),
    ),
)

_DEPLOY = re.compile(
    r"kubectl\s+(?:apply|rollout|set)|helm\s+(?:upgrade|install)|terraform\s+apply|deploy",
    re.IGNORECASE,
)


def _prod(job: GitlabJob) -> bool:
    body = job.body
    environment = body.get("environment")
    env_name = environment.get("name") if isinstance(environment, dict) else environment
    script = "\n".join(
        str(line) for line in (body.get("script") or []) if isinstance(body.get("script"), list)
    ) or str(body.get("script", ""))
    named = (
        PROD.search(job.name)
        or PROD.search(str(body.get("stage", "")))
        or PROD.search(str(env_name or ""))
    )
    return bool(named and (_DEPLOY.search(script) or env_name))


def _manual(job: GitlabJob) -> bool:
    if job.body.get("when") == "manual":
        return True
    return any(
        isinstance(rule, dict) and rule.get("when") == "manual"
        for rule in job.body.get("rules") or []
    )


def run(evidence: Evidence) -> CheckOutcome:
    """Prod jobs need an environment and a manual gate."""
    pipeline: GitlabPipeline = evidence[EvidenceKind.GITLAB_CI]
    if pipeline.path is None:
        return CheckOutcome((), evidenced=False, missing="no .gitlab-ci.yml found")
    violations = []
    for job in pipeline.jobs:
        if not _prod(job):
            continue
        missing = [
            what
            for what, ok in (
                ("an environment", bool(job.body.get("environment"))),
                ("a manual gate", _manual(job)),
            )
            if not ok
        ]
        if missing:
            violations.append(
                Violation(
                    message=f"job '{job.name}' deploys to prod without {' and '.join(missing)}",
                    key=f"gitlab:{job.name}",
                    path=job.path,
                    line=job.body.line,
                )
            )
    return CheckOutcome(tuple(violations), evidenced=True)
