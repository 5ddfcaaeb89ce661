"""Helpers shared by reporters."""

from __future__ import annotations

from seawall._model import ControlStatus, Finding, Severity

__all__ = ["STATUS_LABEL", "location_text", "one_line", "printable", "severity_order"]

STATUS_LABEL = {
    ControlStatus.PASS: "PASS",
    ControlStatus.FAIL: "FAIL",
    ControlStatus.PARTIAL: "PARTIAL",
    ControlStatus.NOT_EVIDENCED: "NOT EVIDENCED",
    ControlStatus.ERROR: "ERROR",
}


# C0 and C1 controls (ESC, CR, backspace, ...) and the bidirectional marks and
# overrides of "Trojan Source" (CVE-2021-42574).
_UNPRINTABLE = [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F]
_UNPRINTABLE += [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_ESCAPES = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _UNPRINTABLE}
# Layout whitespace, as textwrap's replace_whitespace sees it.
_BLANKS = {ord(c): " " for c in "\t\n\x0b\x0c\r"}


def printable(text: str) -> str:
    """``text`` with every control character and bidi override written as an escape
    (``\\x1b``, ``\\u202e``): scanned text cannot drive a terminal or reorder a line."""
    return text.translate(_ESCAPES)


def one_line(text: str) -> str:
    """:func:`printable`, with line breaks and tabs (layout, not content) as spaces."""
    return printable(text.translate(_BLANKS))


def location_text(finding: Finding) -> str:
    """``path:line``, ``path``, the live resource, or ``-``."""
    loc = finding.location
    if loc.path is not None:
        where = f"{loc.path}:{loc.line}" if loc.line is not None else loc.path
        return f"{where}@{loc.commit[:12]}" if loc.commit else where
    return loc.resource or "-"


def severity_order() -> tuple[Severity, ...]:
    """Severities from most to least severe."""
    return tuple(sorted(Severity, key=lambda s: -s.rank))
