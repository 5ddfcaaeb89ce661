"""PostgreSQL audit benchmark (issue #6): 5,000 tables and 500 roles in under 10 s.

Run: python bench/postgres.py   (needs the PostgreSQL 15 server binaries; starts a
throwaway cluster like the tests do, and removes it afterwards)

No anchor is named for this figure: no mainstream scanner audits Postgres RLS or
role separation (../shared/ANCHORS.md, "known anchor gaps"). The audit makes one
round trip per catalog query whatever the number of tables, which the figure
for a small database beside the large one shows.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _anchors import installed_seawall
from _report import write_section

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from pg_cluster import PgCluster  # noqa: E402

RUNS = 3
TABLES = 5_000
ROLES = 500


def populate(cluster: PgCluster) -> str:
    dsn = cluster.database("bigdb")
    statements = []
    for i in range(TABLES):
        tenant = ", tenant_id int" if i % 2 else ""
        statements.append(f"CREATE TABLE t{i} (id int{tenant}, payload text)")
        if i % 4 == 1:
            statements.append(f"ALTER TABLE t{i} ENABLE ROW LEVEL SECURITY")
            statements.append(
                f"CREATE POLICY p{i} ON t{i} USING (tenant_id = current_setting('app.tenant')::int)"
            )
    for i in range(ROLES):
        statements.append(f"CREATE ROLE r{i} {'LOGIN' if i % 3 == 0 else 'NOLOGIN'}")
        statements.append(f"GRANT SELECT ON t{i} TO r{i}")
    for start in range(0, len(statements), 2000):
        cluster.execute("bigdb", ";\n".join(statements[start : start + 2000]))
    return dsn


def audit_seconds(dsn: str) -> tuple[float, dict]:  # type: ignore[type-arg]
    env = {**os.environ, "BENCH_DSN": dsn}
    timings = []
    report: dict = {}  # type: ignore[type-arg]
    for _ in range(RUNS):
        started = time.perf_counter()
        result = subprocess.run(
            ["seawall", "db", "--dsn-env", "BENCH_DSN", "--format", "json"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        timings.append(time.perf_counter() - started)
        report = json.loads(result.stdout)
    return statistics.median(timings), report


def main() -> None:
    installed_seawall()  # a clean venv, first on PATH: every `seawall` below is that one
    cluster = PgCluster().start()
    try:
        small = cluster.database("smalldb", "CREATE TABLE a (id int, tenant_id int)")
        small_time, _ = audit_seconds(small)
        started = time.perf_counter()
        big = populate(cluster)
        build = time.perf_counter() - started
        big_time, report = audit_seconds(big)
    finally:
        cluster.stop()
    findings = len(report.get("findings", []))
    lines = [
        f"Throwaway PostgreSQL 15 cluster on loopback; `seawall db` as a whole process, median of {RUNS} runs.",
        "",
        "| database | audit wall time | target | findings |",
        "|---|---:|---:|---:|",
        f"| 1 table | {small_time:.2f} s | | |",
        f"| {TABLES:,} tables, {ROLES} roles (built in {build:.0f} s) | {big_time:.2f} s | < 10 s | {findings} |",
    ]
    write_section("PostgreSQL audit (issue #6)", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
