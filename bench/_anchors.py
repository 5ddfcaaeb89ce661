"""What the anchor benchmarks share: checking out a corpus and measuring a process."""

from __future__ import annotations

import compileall
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import seawall

# Binary assets no scanner reads; left out of the checkout to keep it small.
SKIPPED = ("*.png", "*.jpg", "*.jpeg", "*.gif", "*.mp4", "*.pdf", "*.zip", "*.tar.gz")


def checkout(source: str, target: Path) -> None:
    """A working tree of a mirrored repository, without binary assets."""
    subprocess.run(["git", "clone", "-q", "--no-checkout", source, str(target)], check=True)
    patterns = ["/*", *(f"!{p}" for p in SKIPPED)]
    subprocess.run(
        ["git", "-C", str(target), "sparse-checkout", "set", "--no-cone", *patterns], check=True
    )
    subprocess.run(["git", "-C", str(target), "checkout", "-q"], check=False, capture_output=True)


def corpora(sources: dict[str, str], work: Path, skipped: list[str]) -> Iterator[tuple[str, Path]]:
    """(name, working tree) of each mirrored corpus; a missing snapshot is noted in ``skipped``."""
    for name, source in sources.items():
        if not Path(source).exists():
            skipped.append(f"{name}: snapshot not found at {source}, skipped")
            continue
        root = work / name
        checkout(source, root)
        yield name, root


def compile_seawall() -> None:
    """Byte-compile Seawall's sources, as ``pip install`` does for the anchors.

    An editable install under PYTHONDONTWRITEBYTECODE=1 (this machine's
    setting) would otherwise compile every module on every run, a start-up
    cost no installed copy pays.
    """
    compileall.compile_dir(Path(seawall.__file__).parent, quiet=1)


def measure(command: list[str], output: Path | None = None) -> tuple[float, float]:
    """(CPU seconds user + system, peak RSS MiB) of a command and its children."""
    with tempfile.NamedTemporaryFile("r") as timing:
        with output.open("w") if output else open("/dev/null", "w") as sink:
            subprocess.run(
                ["/usr/bin/time", "-o", timing.name, "-f", "%U %S %M", *command],
                stdout=sink,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        user, system, peak = timing.read().split()[-3:]
    return float(user) + float(system), int(peak) / 1024
