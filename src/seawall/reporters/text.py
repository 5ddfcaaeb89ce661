"""Human output: the control matrix, then findings grouped by control.

The report is built as lines of styled spans. Every piece of scanned text (file
names, messages, resource names) is made printable first (``reporters._common``): control
characters and bidirectional overrides are shown escaped, so a hostile file name
can neither move the cursor, hide a line, restyle the terminal nor reorder what
is shown. There is no markup language, so ``[red]x`` is printed as it is.

Spans are coloured with ``click.style`` (the CLI has click loaded already); rich
lays out the control matrix only, so the quiet report, the findings and the
summary line that pre-commit hooks and rescans print, never imports it.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping
from typing import Any

import click

from seawall._model import ControlStatus, FindingStatus, Report, Severity
from seawall.reporters._common import (
    STATUS_LABEL,
    location_text,
    one_line,
    printable,
    severity_order,
)

__all__ = ["render"]

#: click.style keywords of a span; empty for plain text.
Style = Mapping[str, Any]
Line = list[tuple[str, Style]]

_PLAIN: Style = {}
_BOLD: Style = {"bold": True}
_DIM: Style = {"dim": True}
_HEADING: Style = {"bold": True, "underline": True}
_ERROR: Style = {"fg": "magenta", "bold": True}
_SEVERITY_STYLE: dict[Severity, Style] = {
    Severity.CRITICAL: {"fg": "white", "bg": "red", "bold": True},
    Severity.HIGH: {"fg": "red", "bold": True},
    Severity.MEDIUM: {"fg": "yellow"},
    Severity.LOW: {"fg": "cyan"},
    Severity.INFO: _DIM,
}
# The matrix is drawn by rich, so its styles are rich's style strings.
_STATUS_STYLE = {
    ControlStatus.PASS: "bold green",
    ControlStatus.FAIL: "bold red",
    ControlStatus.PARTIAL: "yellow",
    ControlStatus.NOT_EVIDENCED: "dim",
    ControlStatus.ERROR: "bold magenta",
}
_SHORT = {
    Severity.CRITICAL: "Crit",
    Severity.HIGH: "High",
    Severity.MEDIUM: "Med",
    Severity.LOW: "Low",
    Severity.INFO: "Info",
}


def _wrapped(
    text: str, width: int, indent: int, hanging: int = 0, style: Style = _PLAIN
) -> list[Line]:
    """Wrapped lines of one style, with an indent (and a further one after the first)."""
    return [
        [(line, style)]
        for line in textwrap.wrap(
            one_line(text),
            width=max(width - 1, 40),
            initial_indent=" " * indent,
            subsequent_indent=" " * (indent + hanging),
            break_on_hyphens=False,
        )
    ]


def _findings(report: Report, width: int) -> list[Line]:
    lines: list[Line] = []
    for control in report.controls:
        if not control.findings and not control.errors:
            continue
        lines.append([(f"{control.control_id} {control.title}", _HEADING)])
        for finding in control.findings:
            # The heading line is never wrapped: a path split across lines cannot be copied.
            line: Line = [
                ("  ", _PLAIN),
                (f"{finding.severity.value.upper():<8}", _SEVERITY_STYLE[finding.severity]),
                (f" {finding.check_id} ", _PLAIN),
                (printable(location_text(finding)), _BOLD),
            ]
            if finding.status is FindingStatus.SUPPRESSED:
                reason = printable(finding.suppression_reason or "")
                line.append((f"  [suppressed {finding.suppression_kind}: {reason}]", _DIM))
            lines.append(line)
            lines += _wrapped(finding.message, width, 6)
            lines += _wrapped(f"Fix: {finding.remediation}", width, 6, style=_DIM)
        for error in control.errors:
            where = f"{error.path}:{error.line}" if error.path and error.line else error.path or "-"
            lines.append(
                [
                    ("  ", _PLAIN),
                    ("ERROR   ", _ERROR),
                    (f" {error.check_id or '-'} ", _PLAIN),
                    (printable(where), _BOLD),
                ]
            )
            lines += _wrapped(error.message, width, 6)
        lines.append([])
    return lines


def _not_evidenced(report: Report, width: int) -> list[Line]:
    missing = [
        c
        for c in report.controls
        if c.status in (ControlStatus.NOT_EVIDENCED, ControlStatus.PARTIAL)
    ]
    if not missing:
        return []
    lines: list[Line] = [[("Not evidenced: the input that would cover each control", _HEADING)]]
    for control in missing:
        reason = "; ".join(control.missing_evidence) or control.summary
        lines += _wrapped(f"{control.control_id:<5} {reason}", width, 2, hanging=6)
    lines.append([])
    return lines


def _notices(report: Report, width: int) -> list[Line]:
    if not report.notices:
        return []
    lines: list[Line] = [[("Notices", _HEADING)]]
    for notice in report.notices[:50]:
        where = f"{notice.path}:{notice.line}" if notice.path and notice.line else notice.path or ""
        text = f"{notice.kind}: {where + ' ' if where else ''}{notice.message}"
        lines += _wrapped(text, width, 2, hanging=2)
    if len(report.notices) > 50:
        lines.append([(f"  ... {len(report.notices) - 50} more (see --format json)", _PLAIN)])
    lines.append([])
    return lines


def _header(report: Report, width: int, color: bool) -> list[Line]:
    stats = report.stats
    title = (
        f"Seawall {report.tool_version}: {printable(report.root)} "
        f"({stats.get('files_scanned', 0)} files, {stats.get('checks_run', 0)} checks)"
    )
    # The matrix's rows end in a newline; it is one span that carries its own styles.
    return [[(title, _BOLD)], [(_matrix(report, width, color).removesuffix("\n"), _PLAIN)]]


def _matrix(report: Report, width: int, color: bool) -> str:
    """The control matrix, laid out by rich (imported here: quiet reports skip it)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(
        box=box.SIMPLE_HEAD, pad_edge=False, expand=True, padding=(0, 1, 0, 0), show_edge=False
    )
    table.add_column("Control", no_wrap=True, width=7)
    table.add_column("Title", no_wrap=True, width=32)
    table.add_column("Status", no_wrap=True, width=13)
    for severity in severity_order():
        table.add_column(_SHORT[severity], justify="right", no_wrap=True, width=4)
    table.add_column("Summary", no_wrap=True, overflow="ellipsis", ratio=1)
    for control in report.controls:
        counts = control.counts_by_severity()
        summary = "see below" if control.status is ControlStatus.NOT_EVIDENCED else control.summary
        table.add_row(
            Text(control.control_id),
            Text(control.title),
            Text(STATUS_LABEL[control.status], style=_STATUS_STYLE[control.status]),
            *(
                Text(str(counts[s]) if counts[s] else "·", style="" if counts[s] else "dim")
                for s in severity_order()
            ),
            Text(printable(summary)),
        )
    buffer = io.StringIO()
    Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
    ).print(table)
    return buffer.getvalue()


def _summary(report: Report, width: int) -> list[Line]:
    stats = report.stats
    by_status = {s: sum(1 for c in report.controls if c.status is s) for s in ControlStatus}
    text = (
        f"{by_status[ControlStatus.FAIL]} fail, {by_status[ControlStatus.ERROR]} error, "
        f"{by_status[ControlStatus.PARTIAL]} partial, {by_status[ControlStatus.PASS]} pass, "
        f"{by_status[ControlStatus.NOT_EVIDENCED]} not evidenced; "
        f"{stats.get('findings', 0)} finding(s), {stats.get('suppressed', 0)} suppressed, "
        f"{stats.get('baselined', 0)} baselined"
    )
    return _wrapped(text, width, 0, style=_BOLD)


def render(report: Report, *, color: bool = False, width: int = 110, quiet: bool = False) -> str:
    """The text report; ``quiet`` keeps only the findings and the summary line."""
    lines: list[Line] = [] if quiet else _header(report, width, color)
    lines += _findings(report, width)
    if not quiet:
        lines += _not_evidenced(report, width)
        lines += _notices(report, width)
    lines += _summary(report, width)
    if color:
        return "".join(
            "".join(click.style(text, **style) if style else text for text, style in line) + "\n"
            for line in lines
        )
    return "".join("".join(text for text, _ in line) + "\n" for line in lines)
