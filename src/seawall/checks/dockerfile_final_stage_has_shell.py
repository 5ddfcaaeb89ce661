"""CR1-009: the shipped image (final stage) still has a shell."""

from __future__ import annotations

import re

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.collectors._dockerfile import Dockerfile

META = CheckMeta(
    id="CR1-009",
    control="CR-1",
    severity=Severity.LOW,
    title="Shell in the production image",
    rationale=(
        "The baseline asks for no shell in prod images: without /bin/sh an attacker who gets code "
        "execution cannot pipe commands, and most exploit payloads fail. Heuristic: the final "
        "stage passes when its base is scratch, distroless, Chainguard/Wolfi static or another "
        "known shell-less image (inherited through earlier stages), or when a RUN removes /bin/sh "
        "and /bin/bash; everything else is taken to have a shell."
    ),
    remediation="Build the final stage FROM scratch or a distroless image and COPY the application in from a build stage.",
    needs=(EvidenceKind.DOCKERFILES,),
    verify_clause="An image scan shows no root processes.",
    references=("https://github.com/GoogleContainerTools/distroless",),
    example_fail=(("Dockerfile", "FROM python:3.12-slim@sha256:" + "a" * 64 + "\nUSER 10001\n"),),
    example_pass=(
        (
            "Dockerfile",
            "FROM golang:1.22@sha256:"
            + "b" * 64
            + " AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static-debian12:nonroot@sha256:"
            + "c" * 64
            + "\nCOPY --from=build /app /app\nUSER 65532\n",
        ),
    ),
)

_SHELL_LESS = re.compile(
    r"^(?:scratch$|(?:[\w.\-]+/)*distroless/|cgr\.dev/chainguard/(?:static|go|rust)\b|"
    r"(?:[\w.\-]+/)?(?:chainguard|wolfi)/static\b|gcr\.io/distroless/|mcr\.microsoft\.com/.*distroless)",
    re.IGNORECASE,
)
_REMOVES_SHELL = re.compile(r"\brm\b[^\n]*(?:/bin/sh|/bin/\*)", re.IGNORECASE)


def _shell_less(dockerfile: Dockerfile) -> bool:
    stage = dockerfile.final_stage
    while True:
        if any(i.keyword == "RUN" and _REMOVES_SHELL.search(i.value) for i in stage.instructions):
            return True
        if stage.parent_stage is None:
            return bool(stage.base_resolved and _SHELL_LESS.search(stage.base_resolved))
        stage = dockerfile.stages[stage.parent_stage]


def run(evidence: Evidence) -> CheckOutcome:
    """Final stage base (followed through earlier stages) or an explicit shell removal."""
    dockerfiles: tuple[Dockerfile, ...] = evidence[EvidenceKind.DOCKERFILES]
    violations = tuple(
        Violation(
            message=f"final stage (FROM {d.final_stage.base}) keeps a shell; use scratch or a distroless base",
            key="shell",
            path=d.path,
            line=d.final_stage.from_line,
        )
        for d in dockerfiles
        if not _shell_less(d)
    )
    return CheckOutcome(
        violations,
        evidenced=bool(dockerfiles),
        missing=None if dockerfiles else "no Dockerfile found",
    )
