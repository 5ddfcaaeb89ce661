"""CR1-001: a Dockerfile whose final stage runs as root."""

from __future__ import annotations

import re

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.collectors._dockerfile import (
    Dockerfile,
    effective_user,
    stage_variables,
    substitute,
)

META = CheckMeta(
    id="CR1-001",
    control="CR-1",
    severity=Severity.HIGH,
    title="Container runs as root",
    rationale=(
        "A process running as root inside a container is one kernel or runtime bug away from "
        "root on the node, and can rewrite anything in the image. The final stage is what ships: "
        "without a USER instruction it runs as the base image's user, root for most images."
    ),
    remediation=(
        "Create an unprivileged user and end the final stage with `USER <name or uid>` "
        "(e.g. `USER 10001:10001`), or build on a non-root base such as a distroless :nonroot "
        "image."
    ),
    needs=(EvidenceKind.DOCKERFILES,),
    verify_clause="An image scan shows no root processes.",
    references=("https://docs.docker.com/build/building/best-practices/#user",),
    example_fail=(
        (
            "Dockerfile",
            "FROM python:3.12-slim@sha256:"
            + "a" * 64
            + '\nCOPY app /app\nCMD ["python", "/app/main.py"]\n',
        ),
    ),
    example_pass=(
        (
            "Dockerfile",
            "FROM python:3.12-slim@sha256:"
            + "a" * 64
            + '\nRUN useradd -u 10001 app\nUSER 10001\nCMD ["python", "/app/main.py"]\n',
        ),
    ),
)

_ROOT_NAMES = frozenset({"root", "0"})
# Base images whose tag says they run as a non-root user by default.
_NONROOT_TAG = re.compile(r":[^/@]*nonroot[^/@]*(?:@|$)")


def _judge(dockerfile: Dockerfile) -> Violation | None:
    final = dockerfile.final_stage
    instruction, owner = effective_user(dockerfile, final)
    if instruction is None:
        base = dockerfile.stages[owner.index].base_resolved or ""
        if _NONROOT_TAG.search(base):
            return None
        return Violation(
            message=(
                "Final stage has no USER instruction, so the container runs as "
                "the base image's user (root for most images)"
            ),
            key="no-user",
            path=dockerfile.path,
            line=final.from_line,
        )
    resolved = substitute(instruction.value, stage_variables(dockerfile, owner))
    if resolved is None:
        return Violation(
            message=(
                f"USER {instruction.value} depends on a build argument with no "
                f"default; it cannot be shown to be non-root"
            ),
            key=f"unresolved-user:{instruction.value}",
            path=dockerfile.path,
            line=instruction.line,
            severity=Severity.MEDIUM,
        )
    user = resolved.split(":", 1)[0].strip()
    if user.lower() in _ROOT_NAMES:
        return Violation(
            message=f"Final stage runs as root (USER {instruction.value})",
            key=f"root-user:{user}",
            path=dockerfile.path,
            line=instruction.line,
        )
    return None


def run(evidence: Evidence) -> CheckOutcome:
    """Judge the user of each Dockerfile's final stage."""
    dockerfiles: tuple[Dockerfile, ...] = evidence[EvidenceKind.DOCKERFILES]
    violations = tuple(v for v in (_judge(d) for d in dockerfiles) if v is not None)
    return CheckOutcome(
        violations,
        evidenced=bool(dockerfiles),
        missing=None if dockerfiles else "no Dockerfile found",
    )
