"""Human output: the control matrix, then findings grouped by control.

Built with rich; every piece of scanned text goes in as ``Text`` (never markup)
so a file name like ``[red]x`` cannot restyle or spoof the report.
"""

from __future__ import annotations

import io
import textwrap

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from seawall._model import ControlStatus, FindingStatus, Report, Severity
from seawall.reporters._common import STATUS_LABEL, location_text, severity_order

__all__ = ["render"]

_STATUS_STYLE = {
    ControlStatus.PASS: "bold green",
    ControlStatus.FAIL: "bold red",
    ControlStatus.PARTIAL: "yellow",
    ControlStatus.NOT_EVIDENCED: "dim",
    ControlStatus.ERROR: "bold magenta",
}
_SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
_SHORT = {
    Severity.CRITICAL: "Crit",
    Severity.HIGH: "High",
    Severity.MEDIUM: "Med",
    Severity.LOW: "Low",
    Severity.INFO: "Info",
}


def _indented(
    console: Console, text: str, indent: int, *, hanging: int = 0, style: str = ""
) -> None:
    """Print wrapped text with an indent and no trailing padding."""
    lines = textwrap.wrap(
        text,
        width=max(console.width - 1, 40),
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + hanging),
        break_on_hyphens=False,
    )
    for line in lines:
        console.print(Text(line, style=style))


def _matrix(report: Report) -> Table:
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
        table.add_row(
            Text(control.control_id),
            Text(control.title),
            Text(STATUS_LABEL[control.status], style=_STATUS_STYLE[control.status]),
            *(
                Text(str(counts[s]) if counts[s] else "·", style="" if counts[s] else "dim")
                for s in severity_order()
            ),
            Text("see below" if control.status is ControlStatus.NOT_EVIDENCED else control.summary),
        )
    return table


def _findings(console: Console, report: Report) -> None:
    for control in report.controls:
        if not control.findings and not control.errors:
            continue
        console.print(Text(f"{control.control_id} {control.title}", style="bold underline"))
        for finding in control.findings:
            line = Text("  ")
            line.append(
                f"{finding.severity.value.upper():<8}", style=_SEVERITY_STYLE[finding.severity]
            )
            line.append(f" {finding.check_id} ")
            line.append(location_text(finding), style="bold")
            if finding.status is FindingStatus.SUPPRESSED:
                line.append(
                    f"  [suppressed {finding.suppression_kind}: {finding.suppression_reason}]",
                    style="dim",
                )
            console.print(line)
            _indented(console, finding.message, 6)
            _indented(console, f"Fix: {finding.remediation}", 6, style="dim")
        for error in control.errors:
            where = f"{error.path}:{error.line}" if error.path and error.line else error.path or "-"
            line = Text("  ")
            line.append("ERROR   ", style="bold magenta")
            line.append(f" {error.check_id or '-'} ")
            line.append(where, style="bold")
            console.print(line)
            _indented(console, error.message, 6)
        console.print()


def _not_evidenced(console: Console, report: Report) -> None:
    missing = [
        c
        for c in report.controls
        if c.status in (ControlStatus.NOT_EVIDENCED, ControlStatus.PARTIAL)
    ]
    if not missing:
        return
    console.print(
        Text("Not evidenced: the input that would cover each control", style="bold underline")
    )
    for control in missing:
        reason = "; ".join(control.missing_evidence) or control.summary
        _indented(console, f"{control.control_id:<5} {reason}", 2, hanging=6)
    console.print()


def _notices(console: Console, report: Report) -> None:
    if not report.notices:
        return
    console.print(Text("Notices", style="bold underline"))
    for notice in report.notices[:50]:
        where = f"{notice.path}:{notice.line}" if notice.path and notice.line else notice.path or ""
        console.print(Text(f"  {notice.kind}: {where + ' ' if where else ''}{notice.message}"))
    if len(report.notices) > 50:
        console.print(Text(f"  ... {len(report.notices) - 50} more (see --format json)"))
    console.print()


def render(report: Report, *, color: bool = False, width: int = 110, quiet: bool = False) -> str:
    """The text report; ``quiet`` keeps only the findings and the summary line."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
    )
    if not quiet:
        _header(console, report)
    _findings(console, report)
    if not quiet:
        _not_evidenced(console, report)
        _notices(console, report)
    _summary(console, report)
    return buffer.getvalue()


def _header(console: Console, report: Report) -> None:
    stats = report.stats
    console.print(
        Text(
            f"Seawall {report.tool_version}: {report.root} "
            f"({stats.get('files_scanned', 0)} files, {stats.get('checks_run', 0)} checks)",
            style="bold",
        )
    )
    console.print(_matrix(report))


def _summary(console: Console, report: Report) -> None:
    stats = report.stats
    by_status = {s: sum(1 for c in report.controls if c.status is s) for s in ControlStatus}
    console.print(
        Text(
            f"{by_status[ControlStatus.FAIL]} fail, {by_status[ControlStatus.ERROR]} error, "
            f"{by_status[ControlStatus.PARTIAL]} partial, {by_status[ControlStatus.PASS]} pass, "
            f"{by_status[ControlStatus.NOT_EVIDENCED]} not evidenced; "
            f"{stats.get('findings', 0)} finding(s), {stats.get('suppressed', 0)} suppressed, "
            f"{stats.get('baselined', 0)} baselined",
            style="bold",
        )
    )
