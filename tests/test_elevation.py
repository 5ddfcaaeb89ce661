"""Time-boxed elevation against a real cluster: grant, expiry, sweep, audit trail, scan checks."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import Result
from conftest import run_cli
from pg_cluster import PgCluster, require_postgres


@pytest.fixture(scope="module")
def pg() -> Iterator[PgCluster]:
    require_postgres()
    cluster = PgCluster().start()
    try:
        cluster.database("ops")
        cluster.execute(
            "ops",
            "CREATE ROLE dba_breakglass NOLOGIN; CREATE ROLE alice LOGIN; CREATE ROLE bob LOGIN; CREATE ROLE carol LOGIN",
        )
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def workdir(tmp_path: Path, pg: PgCluster, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPS_DSN", pg.dsn("ops"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seawall.toml").write_text(
        '[[postgres]]\nname = "ops"\ndsn_env = "OPS_DSN"\nadmin_roles = ["dba_breakglass"]\nmax_elevation_minutes = 60\n'
    )
    return tmp_path


def grant(duration: str, reason: str, user: str = "bob") -> Result:
    """`seawall elevate grant` of the break-glass role on the ops target."""
    return run_cli(
        "elevate", "grant", "--target", "ops", "--user", user,
        "--role", "dba_breakglass", "--for", duration, "--reason", reason,
    )  # fmt: skip


def members(pg: PgCluster) -> set[str]:
    with psycopg.connect(pg.dsn("ops")) as connection:
        rows = connection.execute(
            "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid"
            " JOIN pg_roles m ON m.oid = a.member WHERE r.rolname = 'dba_breakglass'"
        ).fetchall()
    return {r[0] for r in rows}


def scan_findings(workdir: Path, check: str) -> list[dict]:  # type: ignore[type-arg]
    result = run_cli(
        "scan", str(workdir), "--format", "json", "--select", "SI-2,CP-1", "--no-history"
    )
    report = json.loads(result.stdout)
    assert report["errors"] == []
    return [f for f in report["findings"] if f["check"] == check]


def test_grant_expire_sweep_cycle(pg: PgCluster, workdir: Path) -> None:
    result = grant("2s", "INC-42 restore", user="alice")
    assert result.exit_code == 0, result.stderr
    assert "alice" in members(pg)
    assert scan_findings(workdir, "SI2-001") == []  # active and within its time box
    listed = run_cli("elevate", "list", "--target", "ops").stdout
    assert "alice -> dba_breakglass" in listed and "INC-42" in listed
    time.sleep(2.5)
    [expired] = scan_findings(workdir, "SI2-001")
    assert "expired" in expired["message"] and expired["resource"].endswith("#role:alice")
    swept = run_cli("elevate", "sweep", "--target", "ops")
    assert swept.exit_code == 0 and "revoked dba_breakglass from alice" in swept.stdout
    assert "alice" not in members(pg)
    assert (
        "0 expired grant(s) revoked" in run_cli("elevate", "sweep", "--target", "ops").stdout
    )  # idempotent
    assert scan_findings(workdir, "SI2-001") == []
    log = [
        json.loads(line)
        for line in (workdir / ".seawall" / "elevations.jsonl").read_text().splitlines()
    ]
    assert [entry["action"] for entry in log] == ["grant", "revoke"]
    assert (
        log[0]["reason"] == "INC-42 restore"
        and log[0]["actor"] == "postgres"
        and log[0]["expires_at"]
    )


def test_refusals(workdir: Path) -> None:
    no_reason = grant("5m", "  ")
    assert no_reason.exit_code == 2 and "reason is required" in no_reason.stderr
    too_long = grant("3h", "x")
    assert too_long.exit_code == 2 and "longer than the allowed" in too_long.stderr
    bad = grant("soon", "x")
    assert bad.exit_code == 2 and "invalid duration" in bad.stderr
    unknown = run_cli("elevate", "list", "--target", "nope")
    assert unknown.exit_code == 2 and "no [[postgres]] target named 'nope'" in unknown.stderr


def test_audit_table_is_append_only(pg: PgCluster, workdir: Path) -> None:
    grant("10m", "CHG-7")
    with psycopg.connect(pg.dsn("ops"), autocommit=True) as connection:
        for statement in (
            "UPDATE seawall_audit.elevations SET reason = 'x'",
            "DELETE FROM seawall_audit.elevations",
            "TRUNCATE seawall_audit.elevations",
        ):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                connection.execute(statement)  # type: ignore[arg-type]
        connection.execute("REVOKE dba_breakglass FROM bob")


def test_membership_without_record_and_overlong_grant_fail_the_scan(
    pg: PgCluster, workdir: Path
) -> None:
    pg.execute("ops", "GRANT dba_breakglass TO carol")  # behind seawall's back
    unrecorded = [f for f in scan_findings(workdir, "SI2-001") if "carol" in f["message"]]
    assert unrecorded and "no elevation record" in unrecorded[0]["message"]
    pg.execute("ops", "REVOKE dba_breakglass FROM carol")
    pg.execute(
        "ops",
        "INSERT INTO seawall_audit.elevations (action, grantee, admin_role, reason, expires_at)"
        " VALUES ('grant', 'bob', 'dba_breakglass', NULL, now() + interval '3 days')",
    )
    too_long = scan_findings(workdir, "CP1-001")
    messages = " ".join(f["message"] for f in too_long)
    assert "limit 60" in messages and "has no reason" in messages
