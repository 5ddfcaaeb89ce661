"""`seawall pii --table/--schema` against a real throwaway PostgreSQL 15 cluster."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cli, scan_json, write_tree
from pg_cluster import PgCluster, require_postgres


@pytest.fixture(scope="module")
def dsn() -> Iterator[str]:
    require_postgres()
    cluster = PgCluster().start()
    try:
        yield cluster.database(
            "pii_tables",
            """
            CREATE SCHEMA staging;
            CREATE TABLE staging.customers (id int PRIMARY KEY, email text, card text, note text, ssn text);
            INSERT INTO staging.customers
              SELECT i, 'user' || i || '@corp-mail.io', '4539 1488 0343 6467', 'order ' || i, '****'
              FROM generate_series(1, 2000) AS i;
            UPDATE staging.customers SET email = 'tok_1_abcdefabcdef@corp-mail.io' WHERE id % 2 = 0;
            CREATE TABLE staging.events (id bigint, kind text, amount numeric);
            INSERT INTO staging.events SELECT i, 'click', i * 1.5 FROM generate_series(1, 500) AS i;
            """,
        )
    finally:
        cluster.stop()


def test_table_scan_counts_unmasked_records(dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEAWALL_TEST_DSN", dsn)
    result = run_cli(
        "pii", "--dsn-env", "SEAWALL_TEST_DSN", "--table", "staging.customers", "--format", "json"
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    found = {(f["message"].split(" holds ")[0], f["path"]) for f in report["findings"]}
    assert found == {
        ("non-prod data: column email", "postgres:SEAWALL_TEST_DSN/staging.customers"),
        ("non-prod data: column card", "postgres:SEAWALL_TEST_DSN/staging.customers"),
    }
    email = next(f for f in report["findings"] if "column email" in f["message"])
    assert "in 1000 of 2000 records" in email["message"]  # tokens are masked
    assert "corp-mail.io" not in result.stdout and "4539" not in result.stdout
    assert "password" not in result.stdout.lower()


def test_schema_scan_and_sampling(dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEAWALL_TEST_DSN", dsn)
    result = run_cli(
        "pii",
        "--dsn-env",
        "SEAWALL_TEST_DSN",
        "--schema",
        "staging",
        "--sample",
        "200",
        "--format",
        "json",
    )
    report = json.loads(result.stdout)
    paths = {f["path"] for f in report["findings"]}
    assert paths == {"postgres:SEAWALL_TEST_DSN/staging.customers"}
    card = next(f for f in report["findings"] if "column card" in f["message"])
    assert "TABLESAMPLE BERNOULLI" in card["message"]


def test_missing_table_is_an_error_not_a_crash(dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEAWALL_TEST_DSN", dsn)
    result = run_cli(
        "pii", "--dsn-env", "SEAWALL_TEST_DSN", "--table", "staging.nope", "--format", "json"
    )
    report = json.loads(result.stdout)
    assert report["errors"] and "cannot read table staging.nope" in report["errors"][0]["message"]
    assert result.exit_code == 1
    assert run_cli("pii", "--table", "staging.customers").exit_code == 2


def test_scan_reads_non_prod_targets(
    dsn: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SEAWALL_STAGING_DSN", dsn)
    root = write_tree(
        tmp_path,
        {
            "seawall.toml": '[[postgres]]\nname = "staging"\ndsn_env = "SEAWALL_STAGING_DSN"\n'
            'environment = "non-prod"\npii_schemas = ["staging"]\npii_sample = 500\n'
        },
    )
    _, report = scan_json(root, "--select", "ED2-002")
    paths = {f["path"] for f in report["findings"]}
    assert paths == {"postgres:staging/staging.customers"}
    assert all("TABLESAMPLE" in f["message"] for f in report["findings"])
    monkeypatch.delenv("SEAWALL_STAGING_DSN")
    _, report = scan_json(root, "--select", "ED2-002")
    assert "SEAWALL_STAGING_DSN is not set" in report["errors"][0]["message"]
