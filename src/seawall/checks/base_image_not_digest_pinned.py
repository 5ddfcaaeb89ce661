"""SC1-001: a Dockerfile FROM line without an @sha256 digest."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.collectors._dockerfile import Dockerfile, has_digest

META = CheckMeta(
    id="SC1-001",
    control="SC-1",
    severity=Severity.MEDIUM,
    title="Base image not pinned to a digest",
    rationale=(
        "A tag such as python:3.12 or :latest is mutable: the registry (or whoever compromises "
        "it) can change what it points to, so builds are neither reproducible nor verifiable. "
        "Only an @sha256 digest names exactly one image. Every stage counts: a compromised "
        "build stage poisons what it copies into the final one."
    ),
    remediation=(
        "Pin each FROM to a digest, e.g. `FROM python:3.12-slim@sha256:<digest>` (find it with "
        "`docker buildx imagetools inspect python:3.12-slim`), and let a bot such as Renovate "
        "or Dependabot update the digests."
    ),
    needs=(EvidenceKind.DOCKERFILES,),
    verify_clause="Zero unsigned images in prod.",
    references=(
        "https://docs.docker.com/reference/dockerfile/#from",
        "https://slsa.dev/spec/v1.0/requirements",
    ),
    example_fail=(
        (
            "Dockerfile",
            (
                "ARG PY=3.12\nFROM python:${PY}-slim AS build\n"
                "FROM gcr.io/distroless/python3-debian12:nonroot\nCOPY --from=build /app /app\n"
            ),
        ),
    ),
    example_pass=(
        (
            "Dockerfile",
            "FROM python:3.12-slim@sha256:" + "b" * 64 + " AS build\nFROM build\nUSER 10001\n",
        ),
    ),
)


def _violations(dockerfile: Dockerfile) -> list[Violation]:
    result = []
    for stage in dockerfile.stages:
        if stage.parent_stage is not None:
            continue  # FROM an earlier stage: pinned by that stage
        image = stage.base_resolved
        if image is None:
            result.append(
                Violation(
                    message=(
                        f"FROM {stage.base} depends on a build argument with no "
                        f"default, so the image cannot be pinned"
                    ),
                    key=f"unresolved:{stage.base}",
                    path=dockerfile.path,
                    line=stage.from_line,
                )
            )
        elif image.lower() != "scratch" and not has_digest(image):
            shown = image if image == stage.base else f"{stage.base} (= {image})"
            result.append(
                Violation(
                    message=f"FROM {shown} is not pinned to an @sha256 digest",
                    key=f"unpinned:{image}",
                    path=dockerfile.path,
                    line=stage.from_line,
                )
            )
    return result


def run(evidence: Evidence) -> CheckOutcome:
    """Flag every stage whose base image is not digest-pinned (ARG defaults substituted)."""
    dockerfiles: tuple[Dockerfile, ...] = evidence[EvidenceKind.DOCKERFILES]
    violations = tuple(v for d in dockerfiles for v in _violations(d))
    return CheckOutcome(
        violations,
        evidenced=bool(dockerfiles),
        missing=None if dockerfiles else "no Dockerfile found",
    )
