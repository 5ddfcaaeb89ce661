"""Reporters turn a Report into text; they hold no detection logic."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from seawall._model import Report

__all__ = ["FORMATS", "render"]

#: Output format -> module with ``render(report) -> str``.
FORMATS: dict[str, str] = {
    "text": "seawall.reporters.text",
    "json": "seawall.reporters.json_report",
    "sarif": "seawall.reporters.sarif",
    "junit": "seawall.reporters.junit",
    "markdown": "seawall.reporters.markdown",
}


def render(
    report: Report, fmt: str, *, color: bool = False, width: int = 110, quiet: bool = False
) -> str:
    """Render a report in one of FORMATS (``color``/``width``/``quiet`` matter for text only)."""
    module = importlib.import_module(FORMATS[fmt])
    if fmt == "text":
        text_render: Callable[..., str] = module.render
        return text_render(report, color=color, width=width, quiet=quiet)
    plain_render: Callable[[Report], str] = module.render
    return plain_render(report)
