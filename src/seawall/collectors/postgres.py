"""Collect a read-only catalog snapshot from each configured PostgreSQL target.

Credentials come from the environment variable the target names (``dsn_env``)
or from libpq's own ``PG*`` variables and ``.pgpass``; never from the command
line or the config file. Every statement runs in one read-only transaction
with ``statement_timeout`` and ``lock_timeout``, one round trip per catalog
query (never one per table). A query the role may not run is recorded with the
reason, so checks can say what they could not evidence.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any

from seawall.collectors import CollectContext, Collected, CollectorIssue

__all__ = ["PgSnapshot", "PgTarget", "PostgresEvidence", "collect", "snapshot_target"]

_CONNECT_TIMEOUT = 5
_STATEMENT_TIMEOUT_MS = 15_000
_SETTINGS = (
    "ssl", "ssl_min_protocol_version", "password_encryption", "log_connections",
    "log_disconnections", "log_line_prefix", "shared_preload_libraries", "pgaudit.log",
    "server_version_num",
)  # fmt: skip

_QUERIES: dict[str, str] = {
    "relations": """
        SELECT n.nspname, c.relname, c.relkind::text, c.relrowsecurity, c.relforcerowsecurity,
               pg_get_userbyid(c.relowner),
               coalesce(array_agg(a.attname::text ORDER BY a.attnum)
                        FILTER (WHERE a.attnum > 0 AND NOT a.attisdropped), '{}'),
               coalesce(array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum)
                        FILTER (WHERE a.attnum > 0 AND NOT a.attisdropped), '{}'),
               coalesce(c.reloptions, '{}')
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attribute a ON a.attrelid = c.oid
        WHERE c.relkind IN ('r', 'p', 'v', 'm')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_toast%'
        GROUP BY n.nspname, c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity,
                 c.relowner, c.reloptions""",
    "policies": """
        SELECT schemaname::text, tablename::text, policyname::text, permissive::text,
               roles::text[], cmd::text, qual, with_check
        FROM pg_policies""",
    "view_dependencies": """
        SELECT DISTINCT vn.nspname, v.relname, tn.nspname, t.relname
        FROM pg_rewrite r
        JOIN pg_class v ON v.oid = r.ev_class
        JOIN pg_namespace vn ON vn.oid = v.relnamespace
        JOIN pg_depend d ON d.objid = r.oid AND d.classid = 'pg_rewrite'::regclass
                        AND d.refclassid = 'pg_class'::regclass
        JOIN pg_class t ON t.oid = d.refobjid
        JOIN pg_namespace tn ON tn.oid = t.relnamespace
        WHERE v.relkind IN ('v', 'm') AND t.oid <> v.oid AND t.relkind IN ('r', 'p')
          AND vn.nspname NOT IN ('pg_catalog', 'information_schema')""",
    "roles": """
        SELECT rolname::text, rolsuper, rolbypassrls, rolcanlogin, rolcreaterole
        FROM pg_roles WHERE rolname !~ '^pg_'""",
    "memberships": """
        SELECT r.rolname::text, m.rolname::text
        FROM pg_auth_members am
        JOIN pg_roles r ON r.oid = am.roleid
        JOIN pg_roles m ON m.oid = am.member""",
    "table_privileges": """
        WITH t AS (
            SELECT c.oid, n.nspname, c.relacl, c.relowner
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%'
        ), totals AS (SELECT nspname, count(*) AS tables FROM t GROUP BY nspname),
        acl AS (
            SELECT t.nspname, t.oid, (aclexplode(coalesce(t.relacl, acldefault('r', t.relowner)))).*
            FROM t
        )
        SELECT acl.nspname, CASE WHEN acl.grantee = 0 THEN 'PUBLIC'
                                 ELSE pg_get_userbyid(acl.grantee) END,
               count(DISTINCT acl.oid) FILTER (WHERE privilege_type = 'SELECT'),
               count(DISTINCT acl.oid)
                   FILTER (WHERE privilege_type IN ('INSERT', 'UPDATE', 'DELETE')),
               max(totals.tables)
        FROM acl JOIN totals ON totals.nspname = acl.nspname
        GROUP BY acl.nspname, acl.grantee""",
    "schema_privileges": """
        SELECT n.nspname, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END,
               a.privilege_type
        FROM pg_namespace n,
             LATERAL aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
        WHERE n.nspname = 'public'""",
    "settings": "SELECT name, setting FROM pg_settings WHERE name = ANY(%(settings)s)",
    "extensions": "SELECT extname::text FROM pg_extension",
    "activity": """
        SELECT usename::text, coalesce(application_name, ''), coalesce(host(client_addr), 'local')
        FROM pg_stat_activity WHERE usename IS NOT NULL AND pid <> pg_backend_pid()""",
    "statements": """
        SELECT r.rolname::text, r.rolsuper, sum(s.calls)::bigint
        FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
        GROUP BY r.rolname, r.rolsuper""",
    "hba_rules": """
        SELECT line_number, type, database, user_name, address, netmask, auth_method, error
        FROM pg_hba_file_rules""",
    "md5_passwords": "SELECT rolname::text FROM pg_authid WHERE rolpassword LIKE 'md5%%'",
    "elevations": """
        SELECT id, action, grantee, admin_role, reason, expires_at, recorded_at, actor, grant_id
        FROM seawall_audit.elevations ORDER BY id""",
}
# Queries a least-privilege audit role may be refused; each is optional.
_OPTIONAL = frozenset({"statements", "hba_rules", "md5_passwords", "elevations", "activity"})


@dataclass(frozen=True)
class PgTarget:
    """A configured database: a name, where its DSN comes from, its environment."""

    name: str
    dsn_env: str | None
    environment: str | None = None
    tenant_columns: tuple[str, ...] = (
        "tenant_id",
        "org_id",
        "account_id",
        "customer_id",
        "workspace_id",
    )
    admin_roles: tuple[str, ...] = ()
    max_elevation_minutes: int = 240
    pii_schemas: tuple[str, ...] = ()
    pii_sample: int | None = 10_000


@dataclass(frozen=True)
class TlsFacts:
    """What a live handshake through the Postgres SSLRequest showed."""

    offered: bool
    protocol: str | None = None
    days_to_expiry: int | None = None
    problem: str | None = None


@dataclass(frozen=True)
class PgSnapshot:
    """Everything the checks need about one target (rows as plain tuples)."""

    target: PgTarget
    resource: str  # postgresql://host:port/db
    rows: dict[str, list[tuple[Any, ...]]]
    refused: dict[str, str]  # query -> why it could not run
    tls: TlsFacts | None = None

    def settings(self) -> dict[str, str]:
        """pg_settings name -> value."""
        return {name: value for name, value in self.rows.get("settings", [])}

    def subject(self, suffix: str) -> str:
        """A finding's resource: the database plus what in it."""
        return f"{self.resource}#{suffix}"


@dataclass(frozen=True)
class PostgresEvidence:
    """Snapshots of the targets that answered (errors are collector issues)."""

    snapshots: tuple[PgSnapshot, ...]
    configured: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


def _resource(info: dict[str, Any]) -> str:
    host = info.get("host") or "localhost"
    if str(host).startswith("/"):
        host = "localhost"
    return f"postgresql://{host}:{info.get('port') or 5432}/{info.get('dbname') or ''}"


def _probe_tls(host: str, port: int) -> TlsFacts:
    """Send Postgres' SSLRequest and, if accepted, complete a TLS handshake."""
    # Imported here: most scans audit no database, and ssl is slow to import.
    import socket
    import ssl
    import struct

    try:
        with socket.create_connection((host, port), timeout=_CONNECT_TIMEOUT) as raw:
            raw.sendall(struct.pack("!ii", 8, 80877103))
            answer = raw.recv(1)
            if answer != b"S":
                return TlsFacts(offered=False)
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # facts only: trust is judged by the TLS checks
            with context.wrap_socket(raw, server_hostname=host) as tls:
                der = tls.getpeercert(binary_form=True)
                protocol = tls.version()
    except (OSError, ssl.SSLError) as exc:
        return TlsFacts(offered=False, problem=f"TLS probe failed: {exc}")
    days = None
    if der:
        from cryptography import x509

        certificate = x509.load_der_x509_certificate(der)
        remaining = certificate.not_valid_after_utc - dt.datetime.now(dt.UTC)
        days = remaining.days
    return TlsFacts(offered=True, protocol=protocol, days_to_expiry=days)


def snapshot_target(target: PgTarget, dsn: str) -> PgSnapshot:
    """Connect read-only and run every catalog query once."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    info = conninfo_to_dict(dsn)
    rows: dict[str, list[tuple[Any, ...]]] = {}
    refused: dict[str, str] = {}
    with psycopg.connect(
        dsn, connect_timeout=_CONNECT_TIMEOUT, application_name="seawall-audit", autocommit=False
    ) as connection:
        connection.read_only = True
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {_STATEMENT_TIMEOUT_MS}")
            cursor.execute("SET LOCAL lock_timeout = 2000")
            for name, query in _QUERIES.items():
                cursor.execute("SAVEPOINT q")
                try:
                    cursor.execute(query, {"settings": list(_SETTINGS)} if "%(" in query else None)
                    rows[name] = [tuple(row) for row in cursor.fetchall()]
                    cursor.execute("RELEASE SAVEPOINT q")
                except psycopg.Error as exc:
                    cursor.execute("ROLLBACK TO SAVEPOINT q")
                    reason = (exc.diag.message_primary or str(exc)).splitlines()[0]
                    if name not in _OPTIONAL:
                        raise
                    refused[name] = reason
        connection.rollback()
    host = str(info.get("host") or "localhost")
    tls = None
    if not host.startswith("/"):
        tls = _probe_tls(host, int(info.get("port") or 5432))
    return PgSnapshot(target, _resource(info), rows, refused, tls)


def collect(context: CollectContext) -> Collected:
    """Snapshot every configured target; an unreachable one is an issue, not a crash."""
    targets: tuple[PgTarget, ...] = context.options.postgres
    snapshots: list[PgSnapshot] = []
    issues: list[CollectorIssue] = []
    if not targets:
        return Collected(PostgresEvidence((), 0))
    try:
        import psycopg  # noqa: F401 - only to say clearly when the extra is missing
    except ImportError:
        issue = CollectorIssue(
            None, "the PostgreSQL audit needs psycopg: pip install 'seawall[postgres]'"
        )
        return Collected(PostgresEvidence((), len(targets)), (issue,) if targets else ())
    for target in targets:
        dsn = os.environ.get(target.dsn_env, "") if target.dsn_env else ""
        if target.dsn_env and not dsn:
            issues.append(
                CollectorIssue(
                    f"postgres:{target.name}", f"environment variable {target.dsn_env} is not set"
                )
            )
            continue
        try:
            snapshots.append(snapshot_target(target, dsn))
        except Exception as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            issues.append(CollectorIssue(f"postgres:{target.name}", f"cannot audit: {message}"))
    return Collected(PostgresEvidence(tuple(snapshots), len(targets)), tuple(issues))
