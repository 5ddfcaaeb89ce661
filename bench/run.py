"""Run every benchmark in bench/ and update BENCHMARKS.md: python bench/run.py"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    "foundation.py",
    "secret_scan.py",
    "postgres.py",
    "tls.py",
    "k8s.py",
    "pii.py",
    "protect.py",
    "terraform.py",
]

if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    for script in SCRIPTS:
        print(f"== {script}")
        runpy.run_path(str(HERE / script), run_name="__main__")
