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

import dataclasses
import functools
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from seawall.collectors import CollectContext, Collected, CollectorIssue
from seawall.collectors._files import Environment, FileKind
from seawall.detectors.pii import (
    DETECTORS,
    IBAN_CANDIDATE,
    MASKED_PATTERN,
    TEST_EMAIL_PATTERN,
    PiiDetector,
    classify_unmasked,
    column_hint,
)

__all__ = [
    "PARTIAL_FIELDS",
    "ColumnResult",
    "DataFileError",
    "FileResult",
    "PiiEvidence",
    "collect",
    "merge_partials",
    "scan_batches_partial",
    "scan_file",
]

_EXAMPLE_ROWS = 5


@dataclass(frozen=True)
class ColumnResult:
    """One PII type in one column."""

    column: str
    type: str
    records: int  # records with an unmasked value of this type
    test_records: int  # records holding well-known test values
    examples: tuple[int, ...]  # 1-based record numbers, never values
    # Why candidates were not counted: their checksums pass at the rate chance gives.
    chance: str | None = None


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


_BATCH_ROWS = 65_536
_CSV_BLOCK = 8 << 20  # bytes per CSV block: bounds memory whatever the file's size


class DataFileError(Exception):
    """A data file that cannot be read; the message names the position, never a value."""


def _csv_batches(path: str, delimiter: str) -> Iterator[Any]:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    parse = pcsv.ParseOptions(delimiter=delimiter)
    read = pcsv.ReadOptions(block_size=_CSV_BLOCK)
    with pcsv.open_csv(path, read_options=read, parse_options=parse) as probe:
        names = probe.schema.names
    # Every column as text: no type inference that a later block could contradict,
    # and leading zeros (zip codes, SSNs starting 0) survive.
    convert = pcsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
    )
    with pcsv.open_csv(
        path, read_options=read, parse_options=parse, convert_options=convert
    ) as reader:
        yield from reader


def _batches(path: str) -> tuple[Iterator[Any], int | None]:
    """Record batches of the file and, where the format says so cheaply, its record count."""
    import pyarrow as pa

    lowered = path.lower()
    if not lowered.endswith(".parquet"):
        with open(path, "rb") as handle:
            head = handle.read(4)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise DataFileError("UTF-16 text (a byte-order mark): re-encode the file as UTF-8")
    if lowered.endswith(".parquet"):
        import pyarrow.parquet as pq

        parquet = pq.ParquetFile(path)
        return parquet.iter_batches(batch_size=_BATCH_ROWS), parquet.metadata.num_rows
    if lowered.endswith((".jsonl", ".ndjson")):
        import pyarrow.json as pj

        return iter(pj.open_json(path, read_options=pj.ReadOptions(block_size=_CSV_BLOCK))), None
    if lowered.endswith(".json"):
        # A JSON array has no record boundaries to stream on: read whole (said in the README).
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise DataFileError("a JSON data file must hold an array of objects")
        table = pa.Table.from_pylist(data)
        return iter(table.to_batches(max_chunksize=_BATCH_ROWS)), table.num_rows
    return _csv_batches(path, "\t" if lowered.endswith(".tsv") else ","), None


def _count_records(path: str) -> int:
    """Records in a line-oriented file, by counting newlines (for the sampling stride)."""
    lines = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 24):
            lines += chunk.count(b"\n")
    header = 0 if path.lower().endswith((".jsonl", ".ndjson")) else 1
    return max(lines - header, 0)


def _safe_reason(exc: Exception, records_before: int) -> str:
    """The reader's reason, cut before any quoted row content, plus the position."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    # Arrow's CSV errors end with the offending row ("Expected 2 columns, got 3: <row>").
    # With one thread Arrow also names the row first ("Row #3: Expected ..."): cut after the count.
    text = re.sub(r"(columns, got \d+).*", r"\1", text)
    if "straddling object" in text:
        text = f"a JSON lines record longer than the {_CSV_BLOCK >> 20} MiB read block"
    if "invalid UTF8" in text or "invalid utf8" in text.lower():
        text += ": the file is not UTF-8 text (re-encode it, e.g. iconv -f latin1 -t utf-8)"
    # Arrow reports no row number: name the block that failed, by its first record.
    return f"{text} (in the block from record {records_before + 1})"


@dataclass
class _Tally:
    records: int = 0
    test: int = 0
    examples: list[int] = field(default_factory=list)
    whole: int = 0  # cells that were one candidate whole (judged in arrays)
    whole_valid: int = 0  # ... of which passed the validator


class _Tallies(dict[tuple[str, int], _Tally]):
    """Tallies per (column, detector index), and each column's count of non-null cells."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: Counter[str] = Counter()
        self.rows = 0  # records read (the Spark workers' partial tallies report it)
        # Columns whose cells were nearly all candidates when last measured, and how
        # many more batches may skip the "any candidate" pass (see _scan_column).
        self.dense: dict[str, int] = {}


# A column counts as dense when this share of its cells are candidates; it then
# skips the "any candidate" pass for this many batches before measuring again.
# Below about half, the cells the pass would drop cost the detectors more than
# the pass itself.
_DENSE_SHARE = 0.75
_DENSE_SKIPS = 7

# Checksummed types and the share of random digit strings of their shape that
# pass: a structured column where about that share passes holds identifiers.
_CHANCE = {"card": "Luhn and a card brand's range", "iban": "the IBAN mod-97 check"}
_CHANCE_MIN_CANDIDATES = 50


def _record(tally: _Tally, rows: list[int], first: int, numbers: Any, limit: int) -> None:
    """Count unmasked records and keep the first record numbers (1-based, whole file)."""
    tally.records += len(rows)
    for row in rows[: max(0, limit - len(tally.examples))]:
        tally.examples.append((numbers[row] if numbers is not None else first + row) + 1)


@functools.cache
def _applicable(name: str) -> tuple[tuple[int, PiiDetector], ...]:
    """The detectors that run on a column of this name (asked once per name, not per batch)."""
    hinted_types = {d.type for d in DETECTORS if column_hint(name, d)}
    chosen = []
    for index, detector in enumerate(DETECTORS):
        if detector.needs_column and not column_hint(name, detector):
            continue
        if detector.column is None and detector.type in hinted_types:
            continue  # the column-named detector of this type already covers it
        chosen.append((index, detector))
    return tuple(chosen)


def _drop_ibans(strings: Any, mask: Any, whole: _WholeCells) -> Any:
    """``mask`` without cells that are one valid IBAN (its digit groups can pass Luhn)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from seawall.detectors._vectorised import false_for_null

    # An IBAN starts with its country's two letters: a literal kernel finds the cells
    # that could be one before the regex looks (card columns have none).
    lettered = false_for_null(pc.utf8_is_alpha(pc.utf8_slice_codeunits(strings, 0, 2)))
    if not pc.any(pc.and_(mask, lettered)).as_py():
        return mask
    _, valid, _ = whole("iban", IBAN_CANDIDATE)
    if not valid.any():
        return mask
    return pc.and_(mask, pc.invert(pa.array(valid)))


class _WholeCellVerdicts:
    """A column's cells that are one candidate of an array-validated type whole, and
    the validator's verdicts on them, each worked out once per cell.

    Several detectors can ask about the same cells: in an IBAN column the IBAN
    detector does, and so does the card detector, whose candidates (digit groups)
    sit inside every IBAN; a phone column is asked about by both phone detectors,
    whose shapes differ but whose validator is the same. Shape matches are kept
    per shape, verdicts per type (a validator judges each cell on its own).
    """

    def __init__(self, cells: Any) -> None:
        self._cells = cells
        self._shapes: dict[tuple[str, str], tuple[Any, Any]] = {}  # (known, matches)
        self._verdicts: dict[str, tuple[Any, Any, Any]] = {}  # (known, PII, test value)

    def of(self, kind: str, shape: str, picked: Any) -> tuple[Any, Any, Any]:
        """(``shape`` matches whole, PII, test value) for the cells at ``picked`` (None:
        all), by the array validator of ``kind``."""
        import numpy as np

        from seawall.detectors._vectorised import VECTOR_VALIDATORS, take_rows, whole_match

        count = len(self._cells)
        rows = np.arange(count) if picked is None else picked
        if (kind, shape) not in self._shapes:
            self._shapes[kind, shape] = (np.zeros(count, np.bool_), np.zeros(count, np.bool_))
        known, shaped = self._shapes[kind, shape]
        todo = rows[~known[rows]]
        if len(todo):
            shaped[todo] = whole_match(take_rows(self._cells, todo), shape)
            known[todo] = True
        if kind not in self._verdicts:
            self._verdicts[kind] = (
                np.zeros(count, np.bool_),
                np.zeros(count, np.bool_),
                np.zeros(count, np.bool_),
            )
        judged, pii, test = self._verdicts[kind]
        wanted = rows[shaped[rows]]
        todo = wanted[~judged[wanted]]
        if len(todo):
            pii[todo], test[todo] = VECTOR_VALIDATORS[kind][1](take_rows(self._cells, todo))
            judged[todo] = True
        whole = shaped[rows]
        return whole, pii[rows] & whole, test[rows] & whole


_WholeCells = Callable[[str, str], tuple[Any, Any, Any]]


@functools.cache
def _any_candidate(name: str) -> str:
    """One RE2 alternation of every candidate pattern that runs on a column of this name."""
    return "|".join(f"(?:{detector.candidate})" for _, detector in _applicable(name))


def _scan_batch(
    batch: Any,
    first_record: int,
    record_numbers: Any,
    tallies: _Tallies,
    example_limit: int,
) -> None:
    for top, column in zip(batch.schema.names, batch.columns, strict=True):
        for name, leaf, rows in _leaves(top, column, None):
            _scan_column(name, leaf, rows, first_record, record_numbers, tallies, example_limit)


def _hint_name(column: str) -> str:
    """The name a column's hints are read from: a nested path whole (customer.name as
    customer_name, so it reads as a name column)."""
    return column.replace(".", "_")


def _leaves(name: str, array: Any, rows: Any) -> Iterator[tuple[str, Any, Any]]:
    """(dotted name, values of a plain type, the batch row of each value or None).

    Structs become one column per field (``customer.email``); the values of a
    list (or map) count for the record that holds the list.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = array.type
    if pa.types.is_map(kind):  # Arrow's list kernels take no maps: as a list of key/value
        entry = pa.struct([pa.field("key", kind.key_type), pa.field("value", kind.item_type)])
        array, kind = array.cast(pa.list_(entry)), pa.list_(entry)
    if pa.types.is_struct(kind):
        for index in range(kind.num_fields):
            field = pc.struct_field(array, [index])
            yield from _leaves(f"{name}.{kind.field(index).name}", field, rows)
    elif (
        pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind)
    ):
        parents = pc.list_parent_indices(array).to_numpy()
        values = pc.list_flatten(array)
        yield from _leaves(name, values, parents if rows is None else rows[parents])
    elif not pa.types.is_nested(kind):  # unions and the like: no text to scan
        yield name, array, rows


def _scan_column(
    name: str,
    column: Any,
    rows: Any,
    first_record: int,
    record_numbers: Any,
    tallies: _Tallies,
    example_limit: int,
) -> None:
    """Scan one column of plain values (``rows``: the record of each value, for nested ones)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from seawall.detectors._vectorised import CellFeatures, false_for_null

    hint = _hint_name(name)
    if not _applicable(hint):
        return
    strings = column if pa.types.is_string(column.type) else pc.cast(column, pa.string())
    tallies.cells[name] += len(strings) - strings.null_count
    trimmed = pc.utf8_trim_whitespace(strings)
    # One pass for "any candidate" picks the cells worth a closer look; distractor
    # columns (ids, timestamps, versions) usually stop here. Masks are looked for
    # among those cells only. In a column where nearly every cell was a candidate
    # the pass picks almost nothing out, so the next batches skip it (and take
    # every cell: each detector's own regex still decides), measuring it again
    # every few batches. The results are the same either way.
    if tallies.dense.get(name, 0) > 0:
        tallies.dense[name] -= 1
        chosen = pc.indices_nonzero(pc.is_valid(trimmed))
    else:
        chosen = pc.indices_nonzero(
            false_for_null(pc.match_substring_regex(trimmed, _any_candidate(hint)))
        )
        present = len(trimmed) - trimmed.null_count
        if present and len(chosen) >= _DENSE_SHARE * present:
            tallies.dense[name] = _DENSE_SKIPS
    if len(chosen) == 0:
        return
    cells = trimmed if len(chosen) == len(trimmed) else trimmed.take(chosen)
    masked = _masked(cells)
    if masked.any():
        unmasked = pa.array(np.flatnonzero(~masked))
        if len(unmasked) == 0:
            return
        chosen, cells = chosen.take(unmasked), cells.take(unmasked)
    positions = chosen.to_numpy()
    if rows is not None:  # values of lists: the records that hold them
        positions = rows[positions]
    features = CellFeatures(cells)
    whole_cells = _WholeCellVerdicts(cells)
    for index, detector in _applicable(hint):
        possible = features.possible(detector)
        subset, picked = cells, None
        if possible is not None:
            picked = np.flatnonzero(possible)
            if len(picked) == 0:
                continue
            if len(picked) < len(possible):
                subset = cells.take(pa.array(picked))
            else:
                picked = None
        judged = _judge_cells(subset, detector, functools.partial(whole_cells.of, picked=picked))
        if picked is not None:  # back to indexes of the column's candidate cells
            judged = dataclasses.replace(judged, rows=picked[judged.rows])
        if len(judged.rows) or judged.tests or judged.whole:
            tally = tallies.setdefault((name, index), _Tally())
            tally.test += judged.tests
            tally.whole += judged.whole
            tally.whole_valid += judged.whole_valid
            found = positions[judged.rows]
            # A record counts once, however many of its list values hold PII.
            pii_rows = (found if rows is None else np.unique(found)).tolist()
            _record(tally, pii_rows, first_record, record_numbers, example_limit)


def _masked(cells: Any) -> Any:
    """Which of these (non-null) cells are masked, tokenized or hashed: the mask regex
    runs only where a byte test says it could match."""
    import numpy as np

    from seawall.detectors._vectorised import maybe_masked, search_match, take_rows

    masked = np.zeros(len(cells), dtype=np.bool_)
    rows = np.flatnonzero(maybe_masked(cells))
    if len(rows):
        masked[rows] = search_match(take_rows(cells, rows), MASKED_PATTERN, ignore_case=True)
    return masked


@dataclass(frozen=True)
class _Judged:
    rows: Any  # sorted indexes of the cells holding unmasked PII of the type
    tests: int  # well-known test values seen
    whole: int = 0  # cells that were one candidate whole
    whole_valid: int = 0  # ... and passed the validator (test values included)


def _or_matching(cells: Any, flags: Any, pattern: str) -> Any:
    """``flags`` (numpy), plus the cells it leaves False that ``pattern`` finds a match in,
    as an Arrow mask."""
    import numpy as np
    import pyarrow as pa

    from seawall.detectors._vectorised import search_match, take_rows

    rest = np.flatnonzero(~flags)
    combined = flags.copy()
    if len(rest):
        combined[rest] = search_match(take_rows(cells, rest), pattern)
    return pa.array(combined)


def _judge_cells(cells: Any, detector: PiiDetector, whole: _WholeCells) -> _Judged:
    """Which cells hold unmasked PII of this detector's type (``whole``: the column's
    shared whole-cell verdicts, for these cells)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    # numpy with pyarrow: imported on first use, so scans without data files start fast
    from seawall.detectors._vectorised import VECTOR_VALIDATORS, false_for_null, judged_per_value

    vector = VECTOR_VALIDATORS.get(detector.type)
    if vector is None:
        mask = false_for_null(pc.match_substring_regex(cells, detector.candidate))
    else:
        # Cells that are one candidate whole hold a candidate (tests check the shapes
        # say so): the candidate search runs on the other cells only.
        shaped, pii, test = whole(detector.type, vector[0] or detector.candidate)
        mask = _or_matching(cells, shaped, detector.candidate)
    if not pc.any(mask).as_py():
        return _Judged(np.zeros(0, dtype=np.int64), 0)
    if detector.vectorised:
        test_email = false_for_null(
            pc.match_substring_regex(cells, TEST_EMAIL_PATTERN, ignore_case=True)
        )
        tests = pc.sum(pc.and_(mask, test_email)).as_py() or 0
        rows = pc.indices_nonzero(pc.and_(mask, pc.invert(test_email))).to_numpy()
        return _Judged(rows.astype(np.int64), tests)
    tests = whole_count = whole_valid = 0
    found: list[Any] = []
    if detector.type == "card":
        mask = _drop_ibans(cells, mask, whole)
    if vector is not None and shaped.any():
        # Cells that are one candidate whole: decided in arrays, not per cell (every
        # one of them is in the mask, unless it is a valid IBAN a card mask dropped).
        taken = np.asarray(mask.to_numpy(zero_copy_only=False), dtype=np.bool_) & shaped
        found.append(np.flatnonzero(taken & pii))
        tests += int((taken & test).sum())
        whole_count = int(taken.sum())
        whole_valid = int((taken & pii).sum()) + int((taken & test).sum())
        mask = pc.and_(mask, pa.array(~shaped))
    hits = pc.indices_nonzero(mask).to_numpy().astype(np.int64)
    verdicts = np.array(
        judged_per_value(cells, hits, lambda value: classify_unmasked(value, detector)),
        dtype=object,
    )
    found.append(hits[verdicts == "pii"])
    tests += int((verdicts == "test").sum())
    return _Judged(np.sort(np.concatenate(found)), tests, whole_count, whole_valid)


def scan_file(
    path: str, display: str, sample: int | None = None, example_limit: int = _EXAMPLE_ROWS
) -> FileResult:
    """Scan one file batch by batch (every record, or a systematic sample of about ``sample``).

    ``example_limit`` caps the record numbers kept per column and type (the
    accuracy benchmark keeps them all). Raises DataFileError with a value-free
    reason when the file cannot be read.
    """
    import pyarrow as pa

    total: int | None = None
    seen = 0
    scanned = 0
    try:
        if os.path.getsize(path) == 0:
            # No bytes, no records: nothing to find (Arrow's readers call it malformed).
            return FileResult(display, 0, 0, "every record", ())
        batches, total = _batches(path)
        step = 1
        if sample is not None:
            if total is None:
                total = _count_records(path)
            step = max(1, total // sample) if total > sample else 1
        tallies = _Tallies()
        for batch in batches:
            record_numbers = None
            if step > 1:
                # Keep records whose number in the whole file is a multiple of the stride.
                offset = (-seen) % step
                keep = list(range(offset, batch.num_rows, step))
                record_numbers = [seen + i for i in keep]
                chosen = batch.take(pa.array(keep, type=pa.int64()))
            else:
                chosen = batch
            _scan_batch(chosen, seen, record_numbers, tallies, example_limit)
            seen += batch.num_rows
            scanned += chosen.num_rows
    except DataFileError:
        raise
    except (OSError, ValueError, UnicodeDecodeError, pa.ArrowException) as exc:
        raise DataFileError(_safe_reason(exc, seen)) from None
    except Exception as exc:  # a reader bug must not end the scan, nor echo cell contents
        raise DataFileError(f"{type(exc).__name__} (in the block from record {seen + 1})") from None
    sampling = "every record"
    if scanned < seen:
        sampling = f"systematic sample: every {step}th record ({scanned} of {seen})"
    return _file_result(display, seen, scanned, sampling, tallies, example_limit)


# The partial tallies an engine's workers send back, one row per (column, detector);
# rows with detector _CELLS carry a column's non-null cell count, and one row with
# detector _ROWS the number of records the worker read. Types in Spark's DDL.
PARTIAL_FIELDS = (
    ("column", "string"),
    ("detector", "int"),
    ("records", "bigint"),
    ("tests", "bigint"),
    ("whole", "bigint"),
    ("whole_valid", "bigint"),
    ("cells", "bigint"),
    ("examples", "array<bigint>"),
)
_CELLS, _ROWS = -1, -2


def scan_batches_partial(
    batches: Iterable[Any], row_id_column: str, example_limit: int
) -> Iterator[Any]:
    """Tallies of some record batches, as one Arrow batch of partial results.

    For engines that spread batches over workers (Spark's ``mapInArrow``):
    ``row_id_column`` holds each record's id, used for the example rows.
    """
    import pyarrow as pa

    tallies = _Tallies()
    for batch in batches:
        ids = batch.column(row_id_column).to_pylist()
        data = batch.drop_columns([row_id_column])
        _scan_batch(data, 0, [i - 1 for i in ids], tallies, example_limit)
        tallies.rows += batch.num_rows
    rows: list[tuple[str, int, int, int, int, int, int, list[int]]] = [
        (column, index, t.records, t.test, t.whole, t.whole_valid, 0, t.examples)
        for (column, index), t in tallies.items()
    ]
    rows += [(column, _CELLS, 0, 0, 0, 0, cells, []) for column, cells in tallies.cells.items()]
    rows.append(("", _ROWS, 0, 0, 0, 0, tallies.rows, []))
    arrow = {
        "string": pa.string(),
        "int": pa.int32(),
        "bigint": pa.int64(),
        "array<bigint>": pa.list_(pa.int64()),
    }
    schema = pa.schema([(name, arrow[kind]) for name, kind in PARTIAL_FIELDS])
    columns = {name: [row[i] for row in rows] for i, (name, _) in enumerate(PARTIAL_FIELDS)}
    yield pa.RecordBatch.from_pydict(columns, schema=schema)


def merge_partials(
    rows: Iterable[Mapping[str, Any]],
    display: str,
    records: int | None,
    sampling: str,
    example_limit: int = _EXAMPLE_ROWS,
) -> FileResult:
    """One result from the partial tallies of every worker (rows as dicts).

    ``records`` is the source's record count when known, else the rows the
    workers read.
    """
    tallies = _Tallies()
    for row in rows:
        if row["detector"] == _ROWS:
            tallies.rows += row["cells"]
        elif row["detector"] == _CELLS:
            tallies.cells[row["column"]] += row["cells"]
        else:
            tally = tallies.setdefault((row["column"], row["detector"]), _Tally())
            tally.records += row["records"]
            tally.test += row["tests"]
            tally.whole += row["whole"]
            tally.whole_valid += row["whole_valid"]
            tally.examples = sorted([*tally.examples, *row["examples"]])[:example_limit]
    total = tallies.rows if records is None else records
    return _file_result(display, total, tallies.rows, sampling, tallies, example_limit)


def _file_result(
    display: str,
    records: int,
    scanned: int,
    sampling: str,
    tallies: _Tallies,
    example_limit: int,
) -> FileResult:
    """The result of a file or table from its per-column, per-detector tallies."""
    results = []
    for (column, index), t in tallies.items():
        detector = DETECTORS[index]
        chance = _by_chance(column, detector, t, tallies.cells[column])
        if chance is not None:
            results.append(ColumnResult(column, detector.type, 0, 0, (), chance))
        elif t.records or t.test:
            results.append(
                ColumnResult(column, detector.type, t.records, t.test, tuple(t.examples))
            )
    return FileResult(display, records, scanned, sampling, _merge(results, example_limit))


def _by_chance(column: str, detector: PiiDetector, tally: _Tally, cells: int) -> str | None:
    """Why a column's checksum passes look like chance, or None (a column's values as context).

    Only for a structured column (nine in ten cells one candidate whole) not
    named for the type, with enough candidates to tell: a column of real card
    numbers passes Luhn and the brand ranges almost always, one of random
    16-digit identifiers about one time in ten. The values are then read as
    identifiers that happen to pass, not as unmasked PII.
    """
    check = _CHANCE.get(detector.type)
    if (
        check is None
        or column_hint(_hint_name(column), detector)
        or tally.whole < _CHANCE_MIN_CANDIDATES
        or tally.whole < 0.9 * cells
        or tally.whole_valid * 2 >= tally.whole
    ):
        return None
    return (
        f"{tally.whole_valid} of {tally.whole} {detector.type}-shaped values pass {check}, "
        f"the share random digits would: read as identifiers, not {detector.type} numbers"
    )


def _merge(results: Iterable[ColumnResult], example_limit: int) -> tuple[ColumnResult, ...]:
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
                tuple(sorted(set(previous.examples) | set(result.examples)))[:example_limit],
                previous.chance or result.chance
                if not (previous.records or result.records)
                else None,
            )
    return tuple(combined.values())


def _targets(context: CollectContext) -> list[tuple[str, str]]:
    """(absolute path, display name) pairs to scan."""
    if context.options.pii_files or context.options.pii_tables:
        return [(path, os.path.relpath(path)) for path in context.options.pii_files]
    return [
        (os.path.join(context.tree.root, f.path), f.path)
        for f in context.tree.of_kind(FileKind.DATA)
        if f.environment is Environment.NON_PROD
    ]


def _configured_tables(
    context: CollectContext, issues: list[CollectorIssue]
) -> list[tuple[str, str, str, int | None]]:
    """(DSN, table, display, sample) for the non-prod ``[[postgres]]`` targets' ``pii_schemas``."""
    tables: list[tuple[str, str, str, int | None]] = []
    for target in context.options.postgres:
        if target.environment != "non-prod" or not target.pii_schemas:
            continue
        where = f"postgres:{target.name}"
        dsn = os.environ.get(target.dsn_env or "", "")
        if not dsn:
            issues.append(
                CollectorIssue(where, f"environment variable {target.dsn_env} is not set")
            )
            continue
        for schema in target.pii_schemas:
            try:
                names = schema_tables(dsn, schema)
            except Exception as exc:  # psycopg errors and a missing driver: name them, not the DSN
                reason = getattr(getattr(exc, "diag", None), "message_primary", None)
                issues.append(
                    CollectorIssue(
                        where, f"cannot list schema {schema}: {reason or type(exc).__name__}"
                    )
                )
                continue
            tables.extend((dsn, name, f"{where}/{name}", target.pii_sample) for name in names)
    return tables


def collect(context: CollectContext) -> Collected:
    """Data files under non-prod paths (scan), or the paths given to `seawall pii`."""
    files: list[FileResult] = []
    issues: list[CollectorIssue] = []
    sample = context.options.pii_sample
    tables = [(dsn, table, display, sample) for dsn, table, display in context.options.pii_tables]
    spark = context.options.spark_sources
    if not context.options.pii_files and not tables and not spark:
        tables += _configured_tables(context, issues)
    if spark:
        from seawall.collectors.data_pii_spark import scan_with_spark

        for source in spark:
            try:
                files.append(scan_with_spark(source, source, sample))
            except DataFileError as exc:
                issues.append(CollectorIssue(source, f"cannot scan with Spark: {exc}"))
    for dsn, table, display, table_sample in tables:
        try:
            files.append(scan_table(dsn, table, display, table_sample))
        except ImportError:
            issues.append(
                CollectorIssue(display, "table scans need psycopg: pip install 'seawall[postgres]'")
            )
        except DataFileError as exc:
            issues.append(CollectorIssue(display, str(exc)))
    for path, display in _targets(context):
        try:
            files.append(scan_file(path, display, context.options.pii_sample))
        except ImportError:
            issues.append(
                CollectorIssue(display, "the PII scan needs pyarrow: pip install pyarrow")
            )
            break
        except DataFileError as exc:
            issues.append(CollectorIssue(display, f"cannot read data file: {exc}"))
    return Collected(PiiEvidence(tuple(files)), tuple(issues))


def scan_table(
    dsn: str,
    table: str,
    display: str,
    sample: int | None = None,
    example_limit: int = _EXAMPLE_ROWS,
) -> FileResult:
    """Scan one PostgreSQL table (``schema.table``) read-only, in batches of text columns.

    Every row is read through a server-side cursor, or with ``sample`` a
    ``TABLESAMPLE BERNOULLI`` of about that many rows. Record numbers are
    positions in the scan (tables have no stable order), never key values.
    Raises DataFileError with the server's reason (no values) on failure.
    """
    import psycopg
    import pyarrow as pa
    from psycopg import sql

    schema, _, name = table.rpartition(".")
    identifier = sql.Identifier(schema or "public", name)
    try:
        with psycopg.connect(
            dsn, connect_timeout=10, application_name="seawall-pii", autocommit=False
        ) as connection:
            connection.read_only = True
            columns = [
                row[0]
                for row in connection.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass"
                    " AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                    (identifier.as_string(connection),),
                ).fetchall()
            ]
            total = connection.execute(
                sql.SQL("SELECT count(*) FROM {}").format(identifier)
            ).fetchone()
            rows_in_table = int(total[0]) if total else 0
            percent = 100.0
            if sample is not None and rows_in_table > sample:
                percent = max(0.0001, 100.0 * sample / rows_in_table)
            query = sql.SQL("SELECT {} FROM {}{}").format(
                sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(c)) for c in columns),
                identifier,
                sql.SQL(" TABLESAMPLE BERNOULLI ({})").format(sql.Literal(percent))
                if percent < 100.0
                else sql.SQL(""),
            )
            tallies = _Tallies()
            scanned = 0
            with connection.cursor(name="seawall_pii") as cursor:
                cursor.itersize = _BATCH_ROWS
                cursor.execute(query)
                while rows := cursor.fetchmany(_BATCH_ROWS):
                    arrays = [
                        pa.array([r[i] for r in rows], pa.string()) for i in range(len(columns))
                    ]
                    batch = pa.RecordBatch.from_arrays(arrays, names=columns)
                    _scan_batch(batch, scanned, None, tallies, example_limit)
                    scanned += len(rows)
            connection.rollback()
    except psycopg.Error as exc:
        reason = getattr(getattr(exc, "diag", None), "message_primary", None) or type(exc).__name__
        raise DataFileError(f"cannot read table {table}: {reason}") from None
    sampling = "every record"
    if percent < 100.0:
        sampling = (
            f"TABLESAMPLE BERNOULLI ({percent:.4g}%): {scanned} of about {rows_in_table} rows"
        )
    return _file_result(display, rows_in_table, scanned, sampling, tallies, example_limit)


def schema_tables(dsn: str, schema: str) -> list[str]:
    """``schema.table`` for every ordinary table of a schema."""
    import psycopg

    with psycopg.connect(dsn, connect_timeout=10, application_name="seawall-pii") as connection:
        connection.read_only = True
        rows = connection.execute(
            "SELECT schemaname, tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename",
            (schema,),
        ).fetchall()
    return [f"{s}.{t}" for s, t in rows]
