"""Foundation benchmarks: a 10,000-file clean tree, and CLI start-up time.

Run: python bench/foundation.py   (writes its section of BENCHMARKS.md)

Targets (issue #2): the clean 10,000-file tree scans in under 2 s on a 2-core
machine; `seawall --help` starts in under 0.3 s. No anchor is named for these
figures; `python -c pass` is timed beside `seawall --help` as the floor. Since
issue #3 every text file is also secret-scanned, so the scan is timed cold
(`--no-cache`) and with a warm result cache (a fresh cache folder per run of
this script; the compiled matcher is kept in it).
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _anchors import installed_seawall
from _report import write_section

RUNS = 7
DIGEST = "sha256:" + "ab" * 32


def build_clean_tree(root: Path, files: int = 10_000) -> None:
    """A realistic, clean platform tree: code, docs, manifests, Dockerfiles, workflows."""
    root.mkdir(parents=True)
    (root / ".gitignore").write_text("*.pyc\nnode_modules/\n")
    (root / ".pre-commit-config.yaml").write_text(
        "repos:\n  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8.30.1\n"
        "    hooks:\n      - id: gitleaks\n"
    )
    workflows = root / ".github" / "workflows"
    workflows.mkdir(parents=True)
    for i in range(20):
        (workflows / f"wf{i}.yml").write_text(
            f"name: wf{i}\non: push\npermissions:\n  contents: read\njobs:\n"
            "  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n"
        )
    made = 22
    service = 0
    while made < files:
        folder = root / "services" / f"svc{service:03d}"
        (folder / "src").mkdir(parents=True)
        (folder / "Dockerfile").write_text(
            f"FROM python:3.12-slim@{DIGEST} AS build\nRUN pip install app\n"
            f"FROM gcr.io/distroless/python3@{DIGEST}\nCOPY --from=build /app /app\nUSER 10001\n"
        )
        (folder / "deployment.yaml").write_text(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc\n"
        )
        (folder / "README.md").write_text("# service\n" + "docs line\n" * 20)
        made += 3
        for j in range(min(47, files - made)):
            (folder / "src" / f"module_{j}.py").write_text(
                f'"""Module {j}."""\n\n\ndef f{j}(x):\n    return x * {j}\n' * 5
            )
            made += 1
        service += 1


def median_seconds(command: list[str], runs: int = RUNS) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    seawall_bin = installed_seawall()  # a clean venv, first on PATH
    seawall = str(seawall_bin / "seawall")
    os.environ["SEAWALL_CACHE_DIR"] = tempfile.mkdtemp(prefix="seawall-bench-cache-")
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "platform"
        build_clean_tree(tree)
        count = sum(len(files) for _, _, files in os.walk(tree))
        check = subprocess.run([seawall, "scan", str(tree), "-q"], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        cold = median_seconds([seawall, "scan", str(tree), "--format", "json", "-q", "--no-cache"])
        scan = median_seconds([seawall, "scan", str(tree), "--format", "json", "-q"])
        scan_once = (
            subprocess.run(
                [
                    "/usr/bin/time",
                    "-f",
                    "%U %S",
                    seawall,
                    "scan",
                    str(tree),
                    "-q",
                    "--format",
                    "json",
                    "--no-cache",
                ],
                capture_output=True,
                text=True,
            )
            if Path("/usr/bin/time").exists()
            else None
        )
        cpu = None
        if scan_once is not None:
            user, system = scan_once.stderr.strip().splitlines()[-1].split()
            cpu = float(user) + float(system)
    help_time = median_seconds([seawall, "--help"], runs=15)
    floor = median_seconds([str(seawall_bin / "python"), "-c", "pass"], runs=15)
    rows = [
        (
            "clean tree scan, cold (`--no-cache`)",
            f"{count:,} files",
            f"{cold:.2f} s",
            "< 2 s",
            "pass" if cold < 2 else "MISS",
        ),
        (
            "clean tree scan, warm result cache",
            f"{count:,} files",
            f"{scan:.2f} s",
            "< 2 s",
            "pass" if scan < 2 else "MISS",
        ),
        (
            "`seawall --help`",
            "start-up",
            f"{help_time * 1000:.0f} ms",
            "< 300 ms",
            "pass" if help_time < 0.3 else "MISS",
        ),
        ("`python -c pass`", "interpreter floor", f"{floor * 1000:.0f} ms", "", ""),
    ]
    if cpu is not None:
        rows.insert(2, ("clean tree scan CPU, cold", "user + system", f"{cpu:.2f} s", "", ""))
    lines = [
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}; medians of {RUNS} runs "
        "(15 for start-up), wall-clock, whole CLI process.",
        "",
        "| what | input | measured | target | verdict |",
        "|---|---|---:|---:|---|",
        *(f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in rows),
    ]
    write_section("Foundation (issue #2)", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
