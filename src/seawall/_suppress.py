"""Suppressions: inline ``seawall: ignore[ID] reason`` comments and config entries.

A suppressed finding stays in the report with status ``suppressed`` and its
reason. Directives without a reason are invalid and are not honoured; unused
and expired suppressions are reported as notices.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pathspec

from seawall._config import ConfigSuppression
from seawall._model import Finding, FindingStatus, Notice
from seawall.collectors._files import TextFile

__all__ = ["InlineDirective", "SuppressionResult", "apply_suppressions", "find_directives"]

_DIRECTIVE = re.compile(r"seawall:\s*ignore\[([^\]]*)\]([^\n]*)", re.IGNORECASE)
_COMMENT_TAIL = re.compile(r"\s*(?:-->|\*/|#\}|%\}|\*\))\s*$")


@dataclass(frozen=True)
class InlineDirective:
    """One ``seawall: ignore[...]`` comment."""

    path: str
    line: int
    ids: tuple[str, ...]
    reason: str


@dataclass
class SuppressionResult:
    """Findings after suppression, and notices about the suppressions themselves."""

    findings: list[Finding]
    notices: list[Notice] = field(default_factory=list)


def find_directives(texts: Mapping[str, TextFile]) -> list[InlineDirective]:
    """Every inline directive in the given files (files without 'seawall:' cost one search)."""
    directives: list[InlineDirective] = []
    for path, text in texts.items():
        if text.text is None or "seawall:" not in text.text.lower():
            continue
        for number, line in enumerate(text.text.splitlines(), start=1):
            match = _DIRECTIVE.search(line)
            if match is None:
                continue
            ids = tuple(i.strip() for i in match.group(1).split(",") if i.strip())
            reason = _COMMENT_TAIL.sub("", match.group(2)).strip(" :-—")
            directives.append(InlineDirective(path, number, ids, reason))
    return directives


def _suppressed(finding: Finding, kind: str, reason: str) -> Finding:
    return dataclasses.replace(
        finding,
        status=FindingStatus.SUPPRESSED,
        suppression_kind=kind,
        suppression_reason=reason,
    )


def apply_suppressions(
    findings: Iterable[Finding],
    directives: Iterable[InlineDirective],
    config_suppressions: Iterable[ConfigSuppression],
    checks_run: Mapping[str, str],
    today: dt.date,
) -> SuppressionResult:
    """Mark findings suppressed; ``checks_run`` maps each check id that ran to its control."""
    result = SuppressionResult([])
    valid: dict[tuple[str, int], InlineDirective] = {}
    for directive in directives:
        if not directive.ids or not directive.reason:
            result.notices.append(
                Notice(
                    "invalid-suppression",
                    "inline suppression needs an id and a reason: seawall: ignore[ID] reason",
                    directive.path,
                    directive.line,
                )
            )
        else:
            valid[(directive.path, directive.line)] = directive
    active_config = []
    for suppression in config_suppressions:
        if suppression.expired(today):
            result.notices.append(
                Notice(
                    "expired-suppression",
                    f"config suppression of {suppression.check} expired on "
                    f"{suppression.expires}; its findings are reported again",
                    suppression.path,
                )
            )
        else:
            active_config.append(suppression)
    used_inline: set[tuple[str, int]] = set()
    used_config: set[int] = set()
    for finding in findings:
        if finding.status is FindingStatus.SUPPRESSED:
            result.findings.append(finding)  # already suppressed where it was found
            continue
        names = {finding.check_id, finding.control_id}
        matched = _matching_directive(finding, names, valid)
        if matched is not None:
            used_inline.add((matched.path, matched.line))
            result.findings.append(_suppressed(finding, "inline", matched.reason))
            continue
        for index, suppression in enumerate(active_config):
            if suppression.check in names and _config_matches(suppression, finding):
                used_config.add(index)
                result.findings.append(_suppressed(finding, "config", suppression.reason))
                break
        else:
            result.findings.append(finding)
    ran = set(checks_run) | set(checks_run.values())
    for key, directive in valid.items():
        if key not in used_inline and set(directive.ids) & ran:
            result.notices.append(
                Notice(
                    "unused-suppression",
                    f"inline suppression of {', '.join(directive.ids)} matched no finding",
                    directive.path,
                    directive.line,
                )
            )
    for index, suppression in enumerate(active_config):
        if index not in used_config and suppression.check in ran:
            target = suppression.path or suppression.fingerprint
            result.notices.append(
                Notice(
                    "unused-suppression",
                    f"config suppression of {suppression.check} ({target}) matched no finding",
                )
            )
    return result


def _matching_directive(
    finding: Finding, names: set[str], valid: Mapping[tuple[str, int], InlineDirective]
) -> InlineDirective | None:
    path, line = finding.location.path, finding.location.line
    if path is None or line is None:
        return None
    for candidate in (line, line - 1):
        directive = valid.get((path, candidate))
        if directive is not None and names & set(directive.ids):
            return directive
    return None


def _config_matches(suppression: ConfigSuppression, finding: Finding) -> bool:
    if suppression.fingerprint is not None and suppression.fingerprint != finding.fingerprint:
        return False
    if suppression.path is not None:
        subject = finding.location.path or finding.location.resource or ""
        spec = pathspec.GitIgnoreSpec.from_lines([suppression.path])
        return spec.match_file(subject)
    return True
