"""Shared wording of the two checks that read log samples (MI-2)."""

from __future__ import annotations

from collections.abc import Sequence

NO_LOGS = "no log files (*.log, *.log.N, or [logs] paths in the config) to sample"


def lines_text(lines: Sequence[int]) -> str:
    """'line 4' or 'lines 4, 9, 12' (example lines, never values)."""
    if not lines:
        return "no line numbers"
    return ("line " if len(lines) == 1 else "lines ") + ", ".join(str(n) for n in lines)
