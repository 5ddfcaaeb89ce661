"""Time-boxed elevation for PostgreSQL roles (BASELINE SI-2 and CP-1, Enforce).

A grant adds a role to an admin role with an expiry and a reason, and records
it in an append-only audit table (UPDATE, DELETE and TRUNCATE are refused by a
trigger and revoked from PUBLIC) and as a JSON line in an audit log. A sweep
revokes expired grants; it is idempotent and safe to run from cron.
``seawall scan`` then fails SI-2 when a grant outlived its expiry or an admin
membership has no record, and CP-1 when a grant was longer than allowed.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from seawall._errors import SeawallError

__all__ = [
    "ElevationError",
    "ElevationRecord",
    "active_grants",
    "grant",
    "parse_duration",
    "records",
    "sweep",
]

_COLUMNS = "id, action, grantee, admin_role, reason, expires_at, recorded_at, actor, grant_id"
_INSERT_GRANT = (
    "INSERT INTO seawall_audit.elevations (action, grantee, admin_role, reason, expires_at)"
    " VALUES ('grant', %s, %s, %s, now() + %s) RETURNING"
    " id, action, grantee, admin_role, reason, expires_at, recorded_at, actor, grant_id"
)
_INSERT_REVOKE = (
    "INSERT INTO seawall_audit.elevations"
    " (action, grantee, admin_role, reason, expires_at, grant_id)"
    " VALUES ('revoke', %s, %s, %s, %s, %s) RETURNING"
    " id, action, grantee, admin_role, reason, expires_at, recorded_at, actor, grant_id"
)
_DURATION = re.compile(r"^(\d+)\s*(s|m|h|d)$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

_SCHEMA_SQL = """
CREATE SCHEMA IF NOT EXISTS seawall_audit;
CREATE TABLE IF NOT EXISTS seawall_audit.elevations (
    id          bigserial PRIMARY KEY,
    action      text NOT NULL CHECK (action IN ('grant', 'revoke')),
    grantee     text NOT NULL,
    admin_role  text NOT NULL,
    reason      text,
    expires_at  timestamptz,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL DEFAULT session_user,
    grant_id    bigint
);
CREATE OR REPLACE FUNCTION seawall_audit.refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'seawall_audit.elevations is append-only';
END
$$;
DROP TRIGGER IF EXISTS append_only ON seawall_audit.elevations;
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON seawall_audit.elevations
    FOR EACH ROW EXECUTE FUNCTION seawall_audit.refuse_change();
DROP TRIGGER IF EXISTS append_only_truncate ON seawall_audit.elevations;
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON seawall_audit.elevations
    FOR EACH STATEMENT EXECUTE FUNCTION seawall_audit.refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON seawall_audit.elevations FROM PUBLIC;
"""


class ElevationError(SeawallError):
    """A grant, sweep or list that could not be done (the reason says why)."""


@dataclass(frozen=True)
class ElevationRecord:
    """One row of the audit table."""

    id: int
    action: str
    grantee: str
    admin_role: str
    reason: str | None
    expires_at: str | None
    recorded_at: str
    actor: str
    grant_id: int | None


def parse_duration(text: str) -> dt.timedelta:
    """``30m``, ``2h``, ``45s``, ``1d`` -> timedelta; ElevationError otherwise."""
    match = _DURATION.match(text.strip())
    if not match or int(match.group(1)) <= 0:
        raise ElevationError(f"invalid duration {text!r}: use a number and s, m, h or d (e.g. 30m)")
    return dt.timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def _connect(dsn: str) -> Any:
    try:
        import psycopg
    except ImportError:
        raise ElevationError("elevation needs psycopg: pip install 'seawall[postgres]'") from None
    try:
        return psycopg.connect(dsn, connect_timeout=5, application_name="seawall-elevate")
    except psycopg.Error as exc:
        raise ElevationError(f"cannot connect: {str(exc).strip().splitlines()[0]}") from None


def _log(path: Path | None, entry: dict[str, Any]) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, sort_keys=True) + "\n")


def _row(record: tuple[Any, ...]) -> ElevationRecord:
    values = list(record)
    for index in (5, 6):
        if isinstance(values[index], dt.datetime):
            values[index] = values[index].isoformat()
    return ElevationRecord(*values)


def grant(
    dsn: str,
    *,
    user: str,
    admin_role: str,
    duration: dt.timedelta,
    reason: str,
    max_duration: dt.timedelta,
    audit_log: Path | None,
) -> ElevationRecord:
    """Grant ``admin_role`` to ``user`` until now + ``duration``, recorded in both audit trails."""
    from psycopg import sql

    if not reason.strip():
        raise ElevationError("a reason is required (--reason)")
    if duration > max_duration:
        raise ElevationError(
            f"{duration} is longer than the allowed {max_duration} (max_elevation_minutes)"
        )
    with _connect(dsn) as connection:
        try:
            connection.execute(_SCHEMA_SQL)
            connection.execute(
                sql.SQL("GRANT {} TO {}").format(sql.Identifier(admin_role), sql.Identifier(user))
            )
            row = connection.execute(
                _INSERT_GRANT,
                (user, admin_role, reason.strip(), duration),
            ).fetchone()
            connection.commit()
        except Exception as exc:
            connection.rollback()
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ElevationError(f"grant failed: {message}") from None
    record = _row(row)
    _log(audit_log, {**asdict(record), "os_user": getpass.getuser()})
    return record


def records(dsn: str) -> list[ElevationRecord]:
    """Every audit record, oldest first (empty when no grant was ever made)."""
    with _connect(dsn) as connection:
        exists = connection.execute("SELECT to_regclass('seawall_audit.elevations')").fetchone()[0]
        if exists is None:
            return []
        rows = connection.execute(
            f"SELECT {_COLUMNS} FROM seawall_audit.elevations ORDER BY id"  # noqa: S608 - constant
        ).fetchall()
    return [_row(row) for row in rows]


def active_grants(history: list[ElevationRecord]) -> list[ElevationRecord]:
    """Grants no revoke record closes."""
    revoked = {r.grant_id for r in history if r.action == "revoke"}
    return [r for r in history if r.action == "grant" and r.id not in revoked]


def sweep(dsn: str, *, audit_log: Path | None) -> list[ElevationRecord]:
    """Revoke every expired, still-active grant; returns the revoke records written."""
    from psycopg import sql

    written: list[ElevationRecord] = []
    history = records(dsn)
    now = dt.datetime.now(dt.UTC)
    with _connect(dsn) as connection:
        for item in active_grants(history):
            if item.expires_at is None or dt.datetime.fromisoformat(item.expires_at) > now:
                continue
            try:
                connection.execute(
                    sql.SQL("REVOKE {} FROM {}").format(
                        sql.Identifier(item.admin_role), sql.Identifier(item.grantee)
                    )
                )
                row = connection.execute(
                    _INSERT_REVOKE,
                    (item.grantee, item.admin_role, "expired", item.expires_at, item.id),
                ).fetchone()
                connection.commit()
            except Exception as exc:
                connection.rollback()
                raise ElevationError(f"revoking grant {item.id} failed: {exc}") from None
            record = _row(row)
            written.append(record)
            _log(audit_log, {**asdict(record), "os_user": getpass.getuser()})
    return written
