"""SC2-009: release and publish workflows that restore caches (zizmor's cache-poisoning)."""

from __future__ import annotations

import re

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._ci import run_text, workflow_outcome, workflow_yaml
from seawall.collectors._yaml import LineDict

_CACHE = "actions/cache@5a3ec84eff668545956fd18022155c47e93e2684"
_PUBLISH_ACTION = "pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc"

META = CheckMeta(
    id="SC2-009",
    control="SC-2",
    severity=Severity.MEDIUM,
    title="Release workflow restores a cache",
    rationale="GitHub Actions caches are shared across workflows and branches of a repository: a pull request or a compromised test job can save a poisoned cache entry that a release workflow then restores, and the poisoned dependency ends up in the published artifact.",
    remediation="Do not restore caches in workflows that publish (releases, tags, package uploads, image pushes): set the setup action's `cache:` off or drop actions/cache there, and build releases from a clean, lock-file-pinned install.",
    needs=(EvidenceKind.GITHUB_WORKFLOWS,),
    verify_clause="No direct commits to prod.",
    references=("https://docs.zizmor.sh/audits/#cache-poisoning",),
    example_fail=(
        (
            ".github/workflows/release.yml",
            workflow_yaml(
                f"  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: {_CACHE}\n        with:\n          path: ~/.cache/pip\n          key: pip\n      - uses: {_PUBLISH_ACTION}\n",
                on="release",
            ),
        ),
    ),
    example_pass=(
        (
            ".github/workflows/release.yml",
            workflow_yaml(
                f"  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pip install --require-hashes -r requirements.lock\n      - uses: {_PUBLISH_ACTION}\n",
                on="release",
            ),
        ),
    ),
)

_PUBLISH_USES = re.compile(
    r"^(?:pypa/gh-action-pypi-publish|docker/build-push-action|softprops/action-gh-release|goreleaser/goreleaser-action|JS-DevTools/npm-publish)",
    re.IGNORECASE,
)
_PUBLISH_RUN = re.compile(
    r"\b(?:npm publish|twine upload|cargo publish|gem push|docker push|goreleaser release|poetry publish|uv publish)\b"
)
_CACHING_SETUP = re.compile(r"^actions/setup-(?:python|node|go|java|dotnet)", re.IGNORECASE)


def _is_release(triggers: set[str], data: object) -> bool:
    if "release" in triggers:
        return True
    push = data.get("on", data.get(True)) if isinstance(data, dict) else None
    return isinstance(push, dict) and isinstance(push.get("push"), dict) and "tags" in push["push"]


def run(evidence: Evidence) -> CheckOutcome:
    """Jobs that publish and restore a cache in the same workflow run."""
    workflows = evidence[EvidenceKind.GITHUB_WORKFLOWS]
    violations = []
    for workflow in workflows:
        if workflow.is_action:
            continue
        by_job: dict[str, list[LineDict]] = {}
        for job_id, step in workflow.steps():
            by_job.setdefault(job_id, []).append(step)
        release = _is_release(workflow.triggers, workflow.data)
        for job_id, steps in by_job.items():
            publishes = release or any(
                _PUBLISH_USES.match(str(s.get("uses", ""))) or _PUBLISH_RUN.search(run_text(s))
                for s in steps
            )
            if not publishes:
                continue
            for step in steps:
                uses = str(step.get("uses", ""))
                inputs = step.get("with") if isinstance(step.get("with"), dict) else {}
                cache_input = str((inputs or {}).get("cache", "")).strip().lower()
                # setup-go caches unless told not to; the other setup actions only when asked.
                default_on = uses.startswith("actions/setup-go") and cache_input != "false"
                cached = (
                    uses.startswith("actions/cache")
                    or default_on
                    or (bool(_CACHING_SETUP.match(uses)) and cache_input not in ("", "false"))
                )
                if cached:
                    violations.append(
                        Violation(
                            message=f"job '{job_id}' restores a cache ({uses.split('@')[0]}) in a workflow that publishes",
                            key=f"cache-poisoning:{job_id}:{uses.split('@')[0]}",
                            path=workflow.path,
                            line=getattr(step, "line", None),
                        )
                    )
    return workflow_outcome(violations, workflows)
