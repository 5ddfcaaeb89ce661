"""Helpers for checks over CI workflows."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from seawall.checks._api import CheckOutcome, Violation

__all__ = ["PROD", "run_text", "workflow_outcome", "workflow_yaml"]

PROD = re.compile(r"\b(?:prod|production|prd|live)\b", re.IGNORECASE)


def run_text(step: dict[str, object]) -> str:
    """A step's shell script, or ''."""
    value = step.get("run")
    return value if isinstance(value, str) else ""


def workflow_yaml(
    body: str, on: str = "push", permissions: str = "permissions:\n  contents: read\n"
) -> str:
    """A workflow file for check examples."""
    return f"name: example\non: {on}\n{permissions}jobs:\n{body}"


def workflow_outcome(violations: Iterable[Violation], workflows: Sequence[object]) -> CheckOutcome:
    """A workflow check's outcome: not evidenced when the tree has no GitHub Actions workflow."""
    return CheckOutcome(
        tuple(violations),
        evidenced=bool(workflows),
        missing=None if workflows else "no GitHub Actions workflow found",
    )
