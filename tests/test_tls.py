"""TLS grading against real servers on 127.0.0.1 with certificates made by the tests."""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import run_cli
from tls_servers import CA, TlsServer

YEAR_HSTS = "max-age=31536000; includeSubDomains"


@pytest.fixture(scope="module")
def ca() -> CA:
    return CA()


@pytest.fixture(scope="module")
def servers(ca: CA) -> Iterator[dict[str, TlsServer]]:
    made = {
        "a_plus": TlsServer(ca.leaf("localhost"), minimum=ssl.TLSVersion.TLSv1_3, hsts=YEAR_HSTS),
        "a": TlsServer(ca.leaf("localhost")),
        "short_hsts": TlsServer(ca.leaf("localhost"), hsts="max-age=300"),
        "tls10": TlsServer(
            ca.leaf("localhost"),
            minimum=ssl.TLSVersion.TLSv1,
            hsts=YEAR_HSTS,
            ciphers="ECDHE+AESGCM:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA",
        ),
        "no_tls12": TlsServer(
            ca.leaf("localhost"),
            minimum=ssl.TLSVersion.TLSv1,
            maximum=ssl.TLSVersion.TLSv1_1,
            ciphers="ECDHE-ECDSA-AES128-SHA",
        ),
        "self_signed": TlsServer(ca.leaf("localhost", self_signed=True), hsts=YEAR_HSTS),
        "wrong_name": TlsServer(ca.leaf("other.example"), hsts=YEAR_HSTS),
        "expired": TlsServer(ca.leaf("localhost", days=-1), hsts=YEAR_HSTS),
        "expiring": TlsServer(ca.leaf("localhost", days=9), hsts=YEAR_HSTS),
        "no_fs": TlsServer(
            ca.leaf("localhost", rsa_bits=2048),
            hsts=YEAR_HSTS,
            ciphers="ECDHE+AESGCM:AES128-GCM-SHA256",
        ),
    }
    yield made
    for server in made.values():
        server.close()


def probe(ca: CA, server: TlsServer, *args: str) -> tuple[int, dict[str, Any]]:
    result = run_cli(
        "tls",
        f"127.0.0.1:{server.port}",
        "--server-name",
        "localhost",
        "--ca-file",
        str(ca.path),
        "--format",
        "json",
        *args,
    )
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize(
    ("name", "edge", "grade", "reason"),
    [
        ("a_plus", True, "A+", None),
        ("a", False, "A", "no HSTS header"),
        ("short_hsts", True, "A", "under 6 months"),
        ("tls10", True, "B", "TLSv1.0 and TLSv1.1 offered"),
        ("no_tls12", False, "C", "neither TLS 1.2 nor TLS 1.3"),
        ("self_signed", True, "T", "not trusted"),
        ("wrong_name", True, "M", "does not match localhost"),
        ("expired", True, "T", "expired"),
        ("no_fs", True, "B", "without forward secrecy"),
    ],
)
def test_grades(
    ca: CA, servers: dict[str, TlsServer], name: str, edge: bool, grade: str, reason: str | None
) -> None:
    _, report = probe(ca, servers[name], *(["--edge"] if edge else []))
    [endpoint] = report["endpoints"]
    assert endpoint["grade"] == grade, endpoint["caps"]
    if reason:
        assert any(reason in cap for cap in endpoint["caps"]), endpoint["caps"]
    failing = [f for f in report["findings"] if f["check"] == "ED1-002"]
    required = "A+" if edge else "A"
    assert bool(failing) == (grade not in (required, "A+")), failing
    if failing:
        assert failing[0]["resource"] == f"tls://127.0.0.1:{servers[name].port}"


def test_protocol_and_cipher_facts(ca: CA, servers: dict[str, TlsServer]) -> None:
    _, report = probe(ca, servers["tls10"])
    [endpoint] = report["endpoints"]
    assert endpoint["protocols"] == {
        "TLSv1.0": True,
        "TLSv1.1": True,
        "TLSv1.2": True,
        "TLSv1.3": True,
    }
    assert any("SHA" in c for c in endpoint["weak_ciphers"])
    _, modern = probe(ca, servers["a_plus"], "--edge")
    assert modern["endpoints"][0]["protocols"] == {
        "TLSv1.0": False,
        "TLSv1.1": False,
        "TLSv1.2": False,
        "TLSv1.3": True,
    }
    assert modern["endpoints"][0]["negotiated"] == "TLSv1.3"


def test_certificate_expiry(ca: CA, servers: dict[str, TlsServer]) -> None:
    code, report = probe(ca, servers["expiring"], "--edge")
    [expiry] = [f for f in report["findings"] if f["check"] == "ED1-003"]
    assert expiry["severity"] == "high" and "expires in" in expiry["message"]
    assert code == 1
    _, healthy = probe(ca, servers["a_plus"], "--edge")
    assert [f for f in healthy["findings"] if f["check"] == "ED1-003"] == []


def test_unreachable_endpoint_is_an_error_not_a_hang(ca: CA, servers: dict[str, TlsServer]) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    result = run_cli(
        "tls",
        f"127.0.0.1:{port}",
        f"127.0.0.1:{servers['a'].port}",
        "--server-name",
        "localhost",
        "--ca-file",
        str(ca.path),
        "--format",
        "json",
    )
    report = json.loads(result.stdout)
    assert report["errors"] and f"tls://127.0.0.1:{port}" in report["errors"][0]["path"]
    grades = {e["resource"]: e["grade"] for e in report["endpoints"]}
    assert grades[f"tls://127.0.0.1:{servers['a'].port}"] == "A"  # the other endpoint still probed
    assert result.exit_code == 1


def test_postgres_starttls(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pg_cluster import PgCluster, require_postgres

    require_postgres()
    cluster = PgCluster(cert_days=40).start()
    try:
        result = run_cli(
            "tls",
            f"127.0.0.1:{cluster.port}",
            "--protocol",
            "postgres",
            "--server-name",
            "localhost",
            "--format",
            "json",
        )
        [endpoint] = json.loads(result.stdout)["endpoints"]
        assert endpoint["grade"] == "T"  # its certificate is self-signed
        assert endpoint["protocols"]["TLSv1.2"] and endpoint["protocols"]["TLSv1.3"]
        assert not endpoint["protocols"]["TLSv1.1"]
        assert 38 <= endpoint["days_to_expiry"] <= 40
    finally:
        cluster.stop()


def test_config_targets_in_scan(ca: CA, servers: dict[str, TlsServer], tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "seawall.toml").write_text(
        f'[[tls]]\nhost = "127.0.0.1"\nport = {servers["tls10"].port}\nserver_name = "localhost"\nedge = true\nca_file = "{ca.path}"\n'
    )
    result = run_cli("scan", str(tmp_path), "--format", "json", "--select", "ED-1")
    report = json.loads(result.stdout)
    assert report["endpoints"][0]["grade"] == "B"
    assert [f["check"] for f in report["findings"]] == ["ED1-002"]
    (tmp_path / "seawall.toml").write_text('[[tls]]\nhost = "x"\nprotocol = "gopher"\n')
    assert run_cli("scan", str(tmp_path)).exit_code == 2
