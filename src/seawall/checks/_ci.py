"""Helpers for checks over CI workflows."""

from __future__ import annotations

import re

__all__ = ["PROD", "run_text", "workflow_yaml"]

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
