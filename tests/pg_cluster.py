"""A real, throwaway PostgreSQL 15 cluster for the tests (initdb + pg_ctl, free port).

Run as root (CI), the server runs as the `postgres` system user: initdb refuses
root. The cluster has pg_stat_statements preloaded, ssl on with a certificate
the tests generate, and is removed afterwards.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def require_postgres() -> None:
    """Skip (locally) or fail (in CI) when the server binaries are missing."""
    import pytest

    if _bin_dir() is None:
        message = "PostgreSQL server binaries not found (Debian: apt-get install postgresql-15)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _certificate(directory: Path, days: int) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    (directory / "server.crt").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (directory / "server.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )


class PgCluster:
    """Start with :meth:`start`, make databases with :meth:`database`, then :meth:`stop`."""

    def __init__(self, cert_days: int = 10) -> None:
        binaries = _bin_dir()
        if binaries is None:
            raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql")
        self.bin = binaries
        self.port = _free_port()
        self.password = secrets.token_hex(12)
        self.base = Path(tempfile.mkdtemp(prefix="seawall-pg-"))
        self.data = self.base / "data"
        self.as_root = os.geteuid() == 0
        self.cert_days = cert_days

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> PgCluster:
        password_file = self.base / "pw"
        password_file.write_text(self.password)
        if self.as_root:
            shutil.chown(self.base, "postgres")
            shutil.chown(password_file, "postgres")
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--pwfile", str(password_file),
            "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-instructions",
        )  # fmt: skip
        _certificate(self.data, self.cert_days)
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.base}'\n"
                "shared_preload_libraries = 'pg_stat_statements'\n"
                "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n"
                "ssl_min_protocol_version = 'TLSv1.2'\nfsync = off\n"
            )
        if self.as_root:
            for path in (self.data / "server.crt", self.data / "server.key"):
                shutil.chown(path, "postgres")
        (self.data / "server.key").chmod(0o600)
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.base / "log"), "-w", "-t", "60", "start"
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(self.dsn("postgres"), connect_timeout=2):
                    break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def dsn(self, database: str, user: str = "postgres", password: str | None = None) -> str:
        secret = self.password if password is None else password
        return f"postgresql://{user}:{secret}@127.0.0.1:{self.port}/{database}?sslmode=prefer"

    def execute(self, database: str, sql: str) -> None:
        with psycopg.connect(self.dsn(database), autocommit=True) as connection:
            connection.execute(sql)  # type: ignore[arg-type]

    def database(self, name: str, sql: str = "") -> str:
        """A fresh database with ``sql`` applied; returns its DSN."""
        self.execute("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.execute("postgres", f'CREATE DATABASE "{name}"')
        self.execute(name, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        if sql:
            self.execute(name, sql)
        return self.dsn(name)
