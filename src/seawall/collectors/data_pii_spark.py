"""The PII scan on Spark: the same detectors, run by the executors through ``mapInArrow``.

For data that outgrows one machine (``seawall pii --engine spark``). Spark
reads the files or the catalog table; every column of a simple type is cast
to text (structs, arrays and maps pass as Arrow's nested types, walked by
path); each executor runs the column scan of :mod:`seawall.collectors.data_pii`
on its Arrow batches and sends back one small row per (column, detector) with
its counts; the driver adds them up and judges the column context (checksum
passes at chance rate) on the totals. Values never leave the executors.

Example rows are Spark row ids (``monotonically_increasing_id() + 1``), not
record numbers: a distributed read has no global record order. pyspark is the
optional ``spark`` extra; on a cluster, run Seawall where ``spark-submit``
would run a driver, with Seawall installed on the executors too (README).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from typing import Any

from seawall.collectors.data_pii import (
    _EXAMPLE_ROWS,
    PARTIAL_FIELDS,
    DataFileError,
    FileResult,
    merge_partials,
    scan_batches_partial,
)

__all__ = ["scan_with_spark", "spark_session"]

_ROW_ID = "__seawall_row_id"
_SIMPLE = ("string", "int", "bigint", "smallint", "tinyint", "double", "float", "decimal", "date",
           "timestamp", "timestamp_ntz", "boolean", "char", "varchar")  # fmt: skip


def spark_session() -> Any:
    """The active Spark session, or a local one (all cores) when Seawall starts Spark itself.

    Under ``spark-submit`` (or with ``spark.master`` set) the given master is
    kept; ``SEAWALL_SPARK_MASTER`` overrides the local default otherwise.
    """
    try:
        from pyspark import SparkConf
        from pyspark.sql import SparkSession
    except ImportError:
        raise DataFileError(
            "the Spark engine needs pyspark: pip install 'seawall[spark]' (and a Java runtime)"
        ) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = (
        SparkSession.builder.appName("seawall-pii")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "65536")
        .config("spark.ui.showConsoleProgress", "false")  # reports go to stdout, not bars
    )
    if not SparkConf().contains("spark.master"):
        builder = builder.master(os.environ.get("SEAWALL_SPARK_MASTER", "local[*]"))
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _reader(spark: Any, source: str) -> Any:
    """A DataFrame of a file or folder (by extension) or of a catalog table ("table:NAME")."""
    if source.startswith("table:"):
        return spark.table(source.removeprefix("table:"))
    lowered = source.lower().rstrip("/")
    if lowered.endswith(".parquet") or os.path.isdir(source):
        return spark.read.parquet(source)
    if lowered.endswith((".csv", ".tsv")):
        return (
            spark.read.option("header", True)
            .option("sep", "\t" if lowered.endswith(".tsv") else ",")
            .option("mode", "FAILFAST")
            .csv(source)
        )  # every column text: no inference
    if lowered.endswith((".jsonl", ".ndjson", ".json")):
        # .json is one array of objects (as the Arrow engine reads it); the others, lines.
        multiline = lowered.endswith(".json")
        return spark.read.option("mode", "FAILFAST").option("multiLine", multiline).json(source)
    raise DataFileError("not a Parquet, CSV, TSV or JSON file, folder or table:NAME")


def _partials(example_limit: int, batches: Iterable[Any]) -> Iterator[Any]:
    """Executor side: one batch of partial tallies per partition."""
    return scan_batches_partial(batches, _ROW_ID, example_limit)


def scan_with_spark(
    source: str,
    display: str,
    sample: int | None = None,
    example_limit: int = _EXAMPLE_ROWS,
) -> FileResult:
    """Scan a file, folder or ``table:NAME`` with Spark; errors carry no cell values."""
    try:
        from pyspark.errors import AnalysisException
        from pyspark.sql import functions as F  # noqa: N812 - Spark's own convention
    except ImportError:
        raise DataFileError(
            "the Spark engine needs pyspark: pip install 'seawall[spark]'"
        ) from None
    spark = spark_session()
    try:
        frame = _reader(spark, source)
        # Plain columns as text; structs, arrays and maps reach the executors as Arrow's
        # nested types, whose fields the column scan walks (customer.email).
        frame = frame.select(
            [
                F.col(f"`{f.name}`").cast("string").alias(f.name)
                if f.dataType.typeName() in _SIMPLE
                else F.col(f"`{f.name}`")
                for f in frame.schema.fields
                if f.dataType.typeName() in (*_SIMPLE, "struct", "array", "map")
            ]
        )
        total: int | None = None  # counted only to size a sample: a full pass of its own
        sampling = "every record"
        if sample is not None:
            total = frame.count()
            if total > sample:
                fraction = sample / total
                frame = frame.sample(fraction=fraction, seed=7)
                sampling = f"Spark sample(fraction={fraction:.4g}, seed=7) of {total} records"
        frame = frame.withColumn(_ROW_ID, F.monotonically_increasing_id() + 1)
        schema = ", ".join(f"{name} {kind}" for name, kind in PARTIAL_FIELDS)
        rows = frame.mapInArrow(functools.partial(_partials, example_limit), schema).collect()
    except AnalysisException as exc:
        # Spark's analysis errors name paths and columns, not values.
        raise DataFileError(str(exc).splitlines()[0][:300]) from None
    except DataFileError:
        raise
    except Exception as exc:  # a failed job's text can quote rows: say what kind of failure only
        raise DataFileError(f"the Spark job failed ({type(exc).__name__})") from None
    sampling += "; Spark engine: example rows are Spark row ids"
    return merge_partials([row.asDict() for row in rows], display, total, sampling, example_limit)
