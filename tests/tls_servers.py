"""Real TLS servers on 127.0.0.1 for the tests, with certificates made here."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import tempfile
import threading
import warnings
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

_DIR = Path(tempfile.mkdtemp(prefix="seawall-tls-"))


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


class CA:
    """A throwaway certificate authority."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(_name("Seawall Test CA"))
            .issuer_name(_name("Seawall Test CA"))
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(True, False, False, False, False, True, True, False, False),
                critical=True,
            )
            .sign(self.key, hashes.SHA256())
        )
        self.path = _DIR / "ca.pem"
        self.path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def leaf(
        self, name: str, days: int = 90, self_signed: bool = False, rsa_bits: int | None = None
    ) -> tuple[Path, Path]:
        key = (
            rsa.generate_private_key(65537, rsa_bits)
            if rsa_bits
            else ec.generate_private_key(ec.SECP256R1())
        )
        now = dt.datetime.now(dt.UTC)
        start = now - dt.timedelta(days=1) if days >= 0 else now - dt.timedelta(days=30)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name) if self_signed else self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        )
        cert = builder.sign(key if self_signed else self.key, hashes.SHA256())
        stem = _DIR / f"{name}-{days}-{int(self_signed)}-{rsa_bits}"
        cert_path, key_path = stem.with_suffix(".crt"), stem.with_suffix(".key")
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return cert_path, key_path


class TlsServer:
    """A threaded TLS (and minimal HTTP) server with chosen versions, suites and headers."""

    def __init__(
        self,
        cert: tuple[Path, Path],
        minimum: ssl.TLSVersion = ssl.TLSVersion.TLSv1_2,
        maximum: ssl.TLSVersion = ssl.TLSVersion.TLSv1_3,
        ciphers: str | None = None,
        hsts: str | None = None,
    ) -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*cert)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = minimum
            context.maximum_version = maximum
        context.set_ciphers((ciphers or "ECDHE+AESGCM:ECDHE+CHACHA20") + ":@SECLEVEL=0")
        self.context = context
        self.hsts = hsts
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(128)
        self.port = self.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection: socket.socket) -> None:
        connection.settimeout(5)
        try:
            with self.context.wrap_socket(connection, server_side=True) as tls:
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = tls.recv(4096)
                    if not chunk:
                        return
                    request += chunk
                headers = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n"
                if self.hsts:
                    headers += f"Strict-Transport-Security: {self.hsts}\r\n"
                tls.sendall((headers + "\r\nok").encode())
        except (OSError, ssl.SSLError):
            connection.close()

    def close(self) -> None:
        self.socket.close()
