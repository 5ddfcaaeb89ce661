"""What the anchor benchmarks share: checking out a corpus and measuring a process."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SEAWALL_VENV = HERE / ".venv-seawall"
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


def _clean_copy(target: Path) -> Path:
    """The files a wheel is built from, copied without build leftovers.

    pip builds a local directory in place, and setuptools reuses its ``build/``
    folder: a module deleted from ``src`` would still ship from there.
    """
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, target / name)
    shutil.copytree(
        REPO / "src", target / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    return target


def installed_seawall() -> Path:
    """The bin directory of a clean venv holding this checkout, installed as a user installs it.

    The anchors run from their own venv (bench/.venv); Seawall gets the same
    treatment: a regular, byte-compiled install (not the editable one under
    test), in a venv that runs none of the start-up hooks (.pth files) the
    machine's global interpreter has. The venv is made once; each run
    reinstalls the checkout into it.
    """
    python = SEAWALL_VENV / "bin" / "python"
    with tempfile.TemporaryDirectory(prefix="seawall-src-") as copy:
        source = _clean_copy(Path(copy))
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(SEAWALL_VENV)], check=True)
            install = ["install", "-q", f"{source}[postgres]"]
        else:
            install = ["install", "-q", "--no-deps", "--force-reinstall", str(source)]
        subprocess.run([str(python), "-m", "pip", *install], check=True)
    # python-hcl2 writes its grammar cache into its package on first use; a user's
    # every later run reads it, so the benches should too.
    subprocess.run([str(python), "-c", "import hcl2; hcl2.loads('a = 1\\n')"], check=True)
    bin_dir = SEAWALL_VENV / "bin"
    # First on PATH, so every `seawall` the benches start (and its workers) is this one.
    os.environ["PATH"] = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
    return bin_dir


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


def round_robin(
    commands: dict[str, tuple[list[str], Path | None]],
    rounds: int,
    run: Callable[[list[str], Path | None], tuple[float, float]] = measure,
) -> dict[str, tuple[float, float]]:
    """Per tool, the median of ``run``'s first figure and the largest of its second.

    ``run`` is :func:`measure` (CPU seconds, peak RSS MiB) unless the caller
    times something else. Each round runs every command once, so a change of
    the VM's speed (a third, from one minute to the next) lands on every tool
    alike and the ratios hold. A command's second element, when given,
    receives its standard output.
    """
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, (command, output) in commands.items():
            samples[name].append(run(command, output))
    return {
        name: (statistics.median(first for first, _ in runs), max(second for _, second in runs))
        for name, runs in samples.items()
    }
