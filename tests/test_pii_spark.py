"""The Spark engine: the same detectors through mapInArrow, in a local Spark session."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from conftest import run_cli

from seawall.collectors.data_pii import DataFileError, FileResult, scan_file
from seawall.collectors.data_pii_spark import scan_with_spark, spark_session
from seawall.detectors.pii import luhn


def _card(rng: random.Random) -> str:
    body = f"4{rng.randrange(10**13, 10**14)}"
    return body + next(d for d in "0123456789" if luhn(body + d))


def _table(rows: int) -> pa.Table:
    rng = random.Random(9)
    return pa.table(
        {
            "customer_email": [
                f"user{i}@acme-mail.net" if i % 10 else f"tok_{i:08x}@x.invalid"
                for i in range(rows)
            ],
            "card_number": [_card(rng) if i % 7 else "************1111" for i in range(rows)],
            "shipment_ref": [f"4{rng.randrange(10**14, 10**15)}" for _ in range(rows)],
            "ssn": [
                f"{rng.randint(1, 665):03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"
                for _ in range(rows)
            ],
            "amount": [rng.random() * 100 for _ in range(rows)],
        }
    )


def _counts(result: FileResult) -> dict[tuple[str, str], tuple[int, int, bool]]:
    return {
        (c.column, c.type): (c.records, c.test_records, c.chance is not None)
        for c in result.columns
    }


@pytest.fixture(scope="module")
def spark() -> Any:
    session = spark_session()
    yield session
    session.stop()


def test_spark_engine_agrees_with_the_arrow_scan(tmp_path: Path, spark: Any) -> None:
    table = _table(3000)
    pq.write_table(table, tmp_path / "people.parquet", row_group_size=500)
    pcsv.write_csv(table, tmp_path / "people.csv")
    records = table.to_pylist()
    (tmp_path / "people.json").write_text(json.dumps(records))
    (tmp_path / "people.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    expected = _counts(scan_file(str(tmp_path / "people.parquet"), "people.parquet"))
    assert expected[("card_number", "card")][0] > 2000
    assert expected[("shipment_ref", "card")] == (0, 0, True)  # identifiers passing by chance
    # Several partitions, each sending back its tallies: the totals and the column context match.
    frame = spark.read.parquet(str(tmp_path / "people.parquet")).repartition(4)
    frame.createOrReplaceTempView("people")
    sources = [str(tmp_path / f"people.{kind}") for kind in ("parquet", "csv", "json", "jsonl")]
    for source in (*sources, "table:people"):
        result = scan_with_spark(source, source)
        assert _counts(result) == expected, source
        assert result.records == result.scanned == 3000
        assert "Spark row ids" in result.sampling
        examples = next(c for c in result.columns if c.column == "card_number").examples
        assert len(examples) == 5 and all(e >= 1 for e in examples)
    sampled = scan_with_spark(str(tmp_path / "people.parquet"), "p", sample=600)
    assert 300 < sampled.scanned < 900 and "sample(fraction=0.2" in sampled.sampling


def test_spark_errors_name_the_source_not_the_data(tmp_path: Path, spark: Any) -> None:
    with pytest.raises(DataFileError, match=r"PATH_NOT_FOUND|does not exist"):
        scan_with_spark(str(tmp_path / "missing.parquet"), "missing")
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("email,note\njane.roe@acme-mail.net,x\nsam@acme-mail.net,y,secret-extra\n")
    try:
        scan_with_spark(str(ragged), "ragged")  # Spark's CSV reader drops or flags extra fields
    except DataFileError as exc:
        assert "secret-extra" not in str(exc)
    with pytest.raises(DataFileError, match="not a Parquet"):
        scan_with_spark(str(tmp_path / "notes.txt"), "notes")


def test_pii_command_with_the_spark_engine(tmp_path: Path) -> None:
    pq.write_table(_table(500), tmp_path / "people.parquet")
    result = run_cli(
        "pii", "--engine", "spark", str(tmp_path / "people.parquet"), "--format", "json"
    )
    report = json.loads(result.stdout)
    columns = {f["message"].split("column ")[1].split(" ")[0] for f in report["findings"]}
    assert columns == {"customer_email", "card_number", "ssn"}
    assert result.exit_code == 1
    bad = run_cli("pii", "--spark-table", "people")
    assert bad.exit_code == 2 and "--engine spark" in bad.output


def test_nested_columns_reach_the_executors_as_arrow_types(tmp_path: Path, spark: Any) -> None:
    records = [
        {
            "customer": {"contact": {"email": f"user{i}@acme-mail.net"}},
            "cards": [_card(random.Random(i))] if i % 2 else [],
            "attrs": {"ssn": "512-44-1234"} if i == 3 else {},
        }
        for i in range(40)
    ]
    path = tmp_path / "nested.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    expected = _counts(scan_file(str(path), "nested.jsonl"))
    assert expected[("customer.contact.email", "email")] == (40, 0, False)
    assert expected[("cards", "card")] == (20, 0, False)
    assert _counts(scan_with_spark(str(path), "nested.jsonl")) == expected
