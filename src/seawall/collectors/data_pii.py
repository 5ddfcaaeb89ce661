"""Scan data files for unmasked PII, column by column, with Arrow.

Files (CSV, TSV, JSON lines, JSON arrays, Parquet) become Arrow tables; each
column is searched with every detector's candidate regex in one vectorised
RE2 pass (``pyarrow.compute.match_substring_regex``), and only the candidate
cells go through the Python validators. Results name files, columns, counts
and row numbers, never values. ``seawall scan`` looks at data files under
paths labelled non-prod (config, or folders named dev, staging, test,
sandbox, qa); ``seawall pii`` at whatever paths it is given.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from seawall.collectors import CollectContext, Collected, CollectorIssue
from seawall.collectors._files import Environment, FileKind
from seawall.detectors.pii import DETECTORS, classify_value, column_hint

__all__ = ["ColumnResult", "FileResult", "PiiEvidence", "collect", "scan_file"]

_EXAMPLE_ROWS = 5


@dataclass(frozen=True)
class ColumnResult:
    """One PII type in one column."""

    column: str
    type: str
    records: int  # records with an unmasked value of this type
    test_records: int  # records holding well-known test values
    examples: tuple[int, ...]  # 1-based record numbers, never values


@dataclass(frozen=True)
class FileResult:
    """A scanned file: how many records, how they were chosen, what was found."""

    path: str
    records: int
    scanned: int
    sampling: str
    columns: tuple[ColumnResult, ...]


@dataclass(frozen=True)
class PiiEvidence:
    """Results for every data file looked at."""

    files: tuple[FileResult, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)


def _read(path: str) -> object:
    import pyarrow as pa

    lowered = path.lower()
    if lowered.endswith(".parquet"):
        import pyarrow.parquet as pq

        return pq.read_table(path)
    if lowered.endswith((".jsonl", ".ndjson")):
        import pyarrow.json as pj

        return pj.read_json(path)
    if lowered.endswith(".json"):
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise ValueError("a JSON data file must hold an array of objects")
        return pa.Table.from_pylist(data)
    import pyarrow.csv as pcsv

    delimiter = "\t" if lowered.endswith(".tsv") else ","
    return pcsv.read_csv(
        path,
        parse_options=pcsv.ParseOptions(delimiter=delimiter),
        convert_options=pcsv.ConvertOptions(strings_can_be_null=False, auto_dict_encode=False),
    )


def scan_file(path: str, display: str, sample: int | None = None) -> FileResult:
    """Scan one file (every record, or a systematic sample of about ``sample``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = _read(path)
    assert isinstance(table, pa.Table)
    total = table.num_rows
    sampling = "every record"
    if sample is not None and total > sample:
        step = max(1, total // sample)
        table = table.take(pa.array(range(0, total, step)))
        sampling = f"systematic sample: every {step}th record ({table.num_rows} of {total})"
    results: list[ColumnResult] = []
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_nested(column.type):
            continue  # nested values: not scanned yet (said in the README)
        strings = pc.cast(column, pa.string()) if not pa.types.is_string(column.type) else column
        for detector in DETECTORS:
            if detector.needs_column and not column_hint(name, detector):
                continue
            mask = pc.match_substring_regex(strings, detector.candidate)
            hits = pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()
            if not hits:
                continue
            values = strings.take(pa.array(hits)).to_pylist()
            pii: list[int] = []
            test = 0
            for row, value in zip(hits, values, strict=True):
                verdict = classify_value(str(value), detector)
                if verdict == "pii":
                    pii.append(row)
                elif verdict == "test":
                    test += 1
            if pii or test:
                results.append(
                    ColumnResult(
                        name,
                        detector.type,
                        len(pii),
                        test,
                        tuple(r + 1 for r in pii[:_EXAMPLE_ROWS]),
                    )
                )
    merged = _merge(results)
    return FileResult(display, total, table.num_rows, sampling, merged)


def _merge(results: Iterable[ColumnResult]) -> tuple[ColumnResult, ...]:
    """Two detectors of one type (e.g. formatted and bare SSNs) count once per column."""
    combined: dict[tuple[str, str], ColumnResult] = {}
    for result in results:
        key = (result.column, result.type)
        previous = combined.get(key)
        if previous is None:
            combined[key] = result
        else:
            combined[key] = ColumnResult(
                result.column,
                result.type,
                max(previous.records, result.records),
                max(previous.test_records, result.test_records),
                tuple(sorted(set(previous.examples) | set(result.examples)))[:_EXAMPLE_ROWS],
            )
    return tuple(combined.values())


def _targets(context: CollectContext) -> list[tuple[str, str]]:
    """(absolute path, display name) pairs to scan."""
    if context.options.pii_files:
        return [(path, os.path.relpath(path)) for path in context.options.pii_files]
    return [
        (os.path.join(context.tree.root, f.path), f.path)
        for f in context.tree.of_kind(FileKind.DATA)
        if f.environment is Environment.NON_PROD
    ]


def collect(context: CollectContext) -> Collected:
    """Data files under non-prod paths (scan), or the paths given to `seawall pii`."""
    files: list[FileResult] = []
    issues: list[CollectorIssue] = []
    for path, display in _targets(context):
        try:
            files.append(scan_file(path, display, context.options.pii_sample))
        except ImportError:
            issues.append(
                CollectorIssue(display, "the PII scan needs pyarrow: pip install pyarrow")
            )
            break
        except Exception as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            issues.append(CollectorIssue(display, f"cannot read data file: {message}"))
    return Collected(PiiEvidence(tuple(files)), tuple(issues))
