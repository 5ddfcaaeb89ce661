"""The live PostgreSQL audit against a real throwaway cluster (no mocked database)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import run_cli
from pg_cluster import PgCluster, require_postgres

from seawall._model import EvidenceKind
from seawall.checks import REGISTRY, load_check

LIVE = sorted(c for c in REGISTRY if EvidenceKind.POSTGRES in load_check(c).meta.needs)
# The elevation checks need the audit table and admin_roles: tests/test_elevation.py covers them.
SQL_EXAMPLES = [
    c
    for c in LIVE
    if load_check(c).meta.example_fail[0][0].endswith(".sql") and c not in ("SI2-001", "CP1-001")
]


@pytest.fixture(scope="module")
def pg() -> Iterator[PgCluster]:
    require_postgres()
    cluster = PgCluster(cert_days=10).start()
    try:
        yield cluster
    finally:
        cluster.stop()


def audit(monkeypatch: pytest.MonkeyPatch, dsn: str, *args: str) -> tuple[int, dict[str, Any]]:
    monkeypatch.setenv("SEAWALL_TEST_DSN", dsn)
    result = run_cli("db", "--dsn-env", "SEAWALL_TEST_DSN", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def checks_found(report: dict[str, Any], check: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["check"] == check]


def _drop_example_roles(pg: PgCluster) -> None:
    import psycopg

    with psycopg.connect(pg.dsn("postgres"), autocommit=True) as connection:
        names = [
            r[0]
            for r in connection.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'ex\\_%'"
            )
        ]
        for name in names:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')  # type: ignore[arg-type]
        for role in ("dba", "etl", "app", "reader"):
            connection.execute(f"DROP ROLE IF EXISTS {role}")  # type: ignore[arg-type]


@pytest.mark.parametrize("check_id", SQL_EXAMPLES)
def test_documented_examples_against_a_real_database(
    pg: PgCluster, monkeypatch: pytest.MonkeyPatch, check_id: str
) -> None:
    meta = load_check(check_id).meta
    for example, should_fail in ((meta.example_fail, True), (meta.example_pass, False)):
        _drop_example_roles(pg)
        sql = example[0][1]
        dsn = pg.database(
            f"ex_{check_id.lower().replace('-', '_')}_{int(should_fail)}",
            "" if "ROLE" in sql else sql,
        )
        if "ROLE" in sql:
            pg.execute(dsn.rsplit("/", 1)[1].split("?")[0], sql)
        _, report = audit(monkeypatch, dsn)
        found = checks_found(report, check_id)
        assert bool(found) is should_fail, (
            f"{check_id} {'fail' if should_fail else 'pass'} example: {found}"
        )
        if found:
            assert found[0]["resource"].startswith(f"postgresql://127.0.0.1:{pg.port}/")
            assert found[0]["path"] is None and found[0]["line"] is None
    _drop_example_roles(pg)


def test_resource_names_the_table(pg: PgCluster, monkeypatch: pytest.MonkeyPatch) -> None:
    dsn = pg.database("shop", "CREATE TABLE invoices (id int, org_id int);")
    _, report = audit(monkeypatch, dsn)
    [finding] = checks_found(report, "ED3-001")
    assert finding["resource"] == f"postgresql://127.0.0.1:{pg.port}/shop#public.invoices"
    assert "org_id" in finding["message"]


def test_configured_tenant_columns(pg: PgCluster, monkeypatch: pytest.MonkeyPatch) -> None:
    dsn = pg.database(
        "tenants",
        "CREATE TABLE a (id int, company_id int); CREATE TABLE b (id int, tenant_id int);",
    )
    _, report = audit(monkeypatch, dsn, "--tenant-column", "company_id")
    assert [f["resource"].split("#")[1] for f in checks_found(report, "ED3-001")] == ["public.a"]


def test_tls_facts_and_expiring_certificate(pg: PgCluster, monkeypatch: pytest.MonkeyPatch) -> None:
    dsn = pg.database("tlsdb")
    _, report = audit(monkeypatch, dsn)
    messages = [f["message"] for f in checks_found(report, "ED1-001")]
    assert any("expires in" in m and "TLSv1.3" in m for m in messages)  # a 10-day certificate
    assert any("TLSv1.2; the baseline prefers TLS 1.3" in m for m in messages)
    assert any(
        n["kind"] == "ED1-001-note" and "negotiated TLSv1.3" in n["message"]
        for n in report["notices"]
    )


def test_hba_logging_and_admin_share_on_a_default_cluster(
    pg: PgCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    dsn = pg.database("defaults")
    _, report = audit(monkeypatch, dsn)
    hba = checks_found(report, "SI3-001")
    assert any(
        "trust" in f["message"] and "local" in f["message"] for f in hba
    )  # initdb --auth-local=trust
    [logging_finding] = checks_found(report, "MI1-001")
    assert (
        "log_connections off" in logging_finding["message"]
        and "pgaudit not loaded" in logging_finding["message"]
    )
    # Everything here ran as the superuser: the admin share is far above 1%, and reported.
    assert checks_found(report, "ED3-012")
    assert any(n["kind"] == "ED3-012-note" and "calls" in n["message"] for n in report["notices"])


def test_least_privilege_audit_role_says_what_it_could_not_check(
    pg: PgCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    pg.execute("postgres", "DROP ROLE IF EXISTS auditor")
    pg.execute(
        "postgres",
        "CREATE ROLE auditor LOGIN PASSWORD 'audit-pw-1' IN ROLE pg_read_all_stats, pg_read_all_settings",
    )
    pg.database("leastpriv", "CREATE TABLE t (tenant_id int);")
    _, report = audit(monkeypatch, pg.dsn("leastpriv", "auditor", "audit-pw-1"))
    assert checks_found(report, "ED3-001")  # the catalog is readable
    si3 = next(c for c in report["controls"] if c["id"] == "SI-3")
    assert si3["status"] == "not-evidenced" and "pg_hba_file_rules not readable" in si3["summary"]
    pg.execute("postgres", "DROP DATABASE leastpriv WITH (FORCE)")
    pg.execute("postgres", "DROP ROLE auditor")


def test_unreachable_target_is_an_error_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    code, report = audit(
        monkeypatch, "postgresql://nobody:nothing@127.0.0.1:1/none?connect_timeout=2"
    )
    assert code == 1
    assert report["errors"] and "cannot audit" in report["errors"][0]["message"]
    assert all(c["status"] in ("error", "not-evidenced") for c in report["controls"])


def test_missing_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEAWALL_NOT_SET", raising=False)
    result = run_cli("db", "--dsn-env", "SEAWALL_NOT_SET", "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and "SEAWALL_NOT_SET is not set" in report["errors"][0]["message"]


def test_password_never_appears_in_output(pg: PgCluster, monkeypatch: pytest.MonkeyPatch) -> None:
    dsn = pg.database("secretive", "CREATE TABLE t (tenant_id int, ssn text);")
    for fmt in ("text", "json", "sarif", "junit", "markdown"):
        monkeypatch.setenv("SEAWALL_TEST_DSN", dsn)
        output = run_cli("db", "--dsn-env", "SEAWALL_TEST_DSN", "--format", fmt).stdout
        assert pg.password not in output
    bad = pg.dsn("secretive", "postgres", "wrong-password-xyz")
    monkeypatch.setenv("SEAWALL_TEST_DSN", bad)
    output = run_cli("db", "--dsn-env", "SEAWALL_TEST_DSN", "--format", "json").stdout
    assert "wrong-password-xyz" not in output and "cannot audit" in output


def test_scan_includes_configured_targets(
    pg: PgCluster, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    dsn = pg.database("configured", "CREATE TABLE t (workspace_id int);")
    monkeypatch.setenv("WAREHOUSE_DSN", dsn)
    (tmp_path / "seawall.toml").write_text(
        '[[postgres]]\nname = "warehouse"\ndsn_env = "WAREHOUSE_DSN"\nenvironment = "prod"\n'
    )
    result = run_cli("scan", str(tmp_path), "--format", "json", "--select", "ED-3")
    report = json.loads(result.stdout)
    assert [f["resource"].split("#")[1] for f in report["findings"] if f["check"] == "ED3-001"] == [
        "public.t"
    ]
    bad = run_cli("scan", str(tmp_path), "--config", str(tmp_path / "x.toml"))
    assert bad.exit_code == 2
    (tmp_path / "seawall.toml").write_text(
        '[[postgres]]\nname = "w"\ndsn = "postgresql://u:p@h/db"\n'
    )
    invalid = run_cli("scan", str(tmp_path))
    assert invalid.exit_code == 2 and "credentials come from dsn_env" in invalid.stderr
