"""Write one benchmark's section of BENCHMARKS.md, keeping the other sections."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"
HEADER = (
    "# Benchmarks\n\nEach section is written by its script in `bench/` (`python bench/run.py` "
    "runs them all). Figures are wall-clock medians on the machine named in the section; "
    "targets come from the issue that asked for them.\n"
)


def write_section(title: str, body: str) -> None:
    """Replace (or append) the section headed ``## title``."""
    text = BENCHMARKS.read_text() if BENCHMARKS.exists() else HEADER
    stamp = dt.date.today().isoformat()
    section = f"## {title}\n\n_Measured {stamp}._\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    BENCHMARKS.write_text(text)
