"""``seawall explain``: document a control or a check in plain text."""

from __future__ import annotations

import textwrap

from seawall.catalog import load_catalog
from seawall.checks import REGISTRY, all_checks, load_check

__all__ = ["explain_text"]


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, width=88, initial_indent=indent, subsequent_indent=indent)


def _example(files: tuple[tuple[str, str], ...]) -> str:
    lines = []
    for path, content in files:
        lines.append(f"  --- {path}")
        lines.extend(f"  | {line}" for line in content.rstrip("\n").splitlines())
    return "\n".join(lines)


def _control(control_id: str) -> str | None:
    for control in load_catalog():
        if control.id != control_id:
            continue
        checks = [c.meta for c in all_checks() if c.meta.control == control.id]
        parts = [
            f"{control.id} {control.title} ({control.domain})",
            "",
            "Practice:",
            _wrap(control.practice),
            "",
            "Verify:",
            *(_wrap(f"- {clause}") for clause in control.verify),
            "",
            "Evidence Seawall reads:",
            _wrap(control.evidence),
            "",
            "Checks:",
            *(
                [f"  {m.id}  {m.title} [{m.severity.value}]" for m in checks]
                or ["  none yet: this control reports not-evidenced"]
            ),
            "",
            "How to fix:",
            _wrap(control.remediation),
            "",
            "References:",
            *(f"  {ref}" for ref in control.references),
        ]
        return "\n".join(parts)
    return None


def _check(check_id: str) -> str:
    meta = load_check(check_id).meta
    parts = [
        f"{meta.id} {meta.title} (control {meta.control}, severity {meta.severity.value})",
        "",
        "What it checks and why it matters:",
        _wrap(meta.rationale),
        "",
        "Verify clause it automates:"
        if meta.evidences_clause
        else "Verify clause it backs (settings only; passing alone does not evidence it):",
        _wrap(meta.verify_clause),
        "",
        "Failing example:",
        _example(meta.example_fail),
        "",
        "Passing example:",
        _example(meta.example_pass),
        "",
        "How to fix:",
        _wrap(meta.remediation),
        "",
        f"Suppress one finding with a comment:  seawall: ignore[{meta.id}] <reason>",
    ]
    if meta.references:
        parts += ["", "References:", *(f"  {ref}" for ref in meta.references)]
    return "\n".join(parts)


def explain_text(identifier: str) -> str | None:
    """Documentation for a control or check id (case-insensitive); None if unknown."""
    wanted = identifier.strip().upper()
    if wanted in REGISTRY:
        return _check(wanted)
    return _control(wanted)
