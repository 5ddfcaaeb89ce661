"""Probe TLS endpoints: protocol versions, TLS 1.2 cipher suites, certificate, HSTS.

Handshakes use Python's ssl module (OpenSSL) at security level 0 so that old
protocols and weak suites a server still accepts can be seen. What this
OpenSSL build cannot offer at all (SSLv2, SSLv3, RC4, 3DES, NULL and EXPORT
suites) is reported as not testable rather than as absent. Every connection
has connect and read timeouts; an unreachable endpoint is an error result for
that endpoint, never a hang. Endpoints are probed concurrently.
"""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import struct
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from seawall.collectors import CollectContext, Collected, CollectorIssue

__all__ = ["Certificate", "EndpointFacts", "TlsEndpoint", "TlsEvidence", "collect", "probe"]

_VERSIONS = (
    ("TLSv1.0", "TLSv1"),
    ("TLSv1.1", "TLSv1_1"),
    ("TLSv1.2", "TLSv1_2"),
    ("TLSv1.3", "TLSv1_3"),
)
_NOT_TESTABLE = (
    "SSLv2 and SSLv3, and RC4, 3DES, NULL and EXPORT suites, are not in this OpenSSL build "
    "and cannot be offered by the probe; TLS 1.3 suites are not enumerated; OCSP stapling "
    "is not checked (Python's ssl cannot request it)"
)
_DEFAULT_PORTS = {"https": 443, "tls": 443, "postgres": 5432, "smtp": 25}


@dataclass(frozen=True)
class TlsEndpoint:
    """A configured endpoint."""

    host: str
    port: int
    server_name: str | None = None
    protocol: str = "https"  # https, tls, postgres or smtp
    edge: bool = False
    ca_file: str | None = None
    min_grade: str | None = None  # default: A+ for edges, A otherwise
    connect_timeout: float = 3.0
    read_timeout: float = 5.0

    @property
    def resource(self) -> str:
        """How findings name this endpoint."""
        return f"tls://{self.host}:{self.port}"

    @property
    def name(self) -> str:
        """The name the certificate must match (SNI)."""
        return self.server_name or self.host


@dataclass(frozen=True)
class Certificate:
    """Facts about the leaf certificate."""

    subject: str
    issuer: str
    names: tuple[str, ...]
    key_type: str
    key_bits: int
    signature_algorithm: str
    not_after: str
    days_to_expiry: int
    self_signed: bool


@dataclass(frozen=True)
class EndpointFacts:
    """Everything the probe learned about one endpoint."""

    endpoint: TlsEndpoint
    reachable: bool
    error: str | None = None
    versions: dict[str, bool] = field(default_factory=dict)
    ciphers_tls12: tuple[str, ...] = ()
    negotiated: str | None = None
    certificate: Certificate | None = None
    trusted: bool = False
    trust_error: str | None = None
    hostname_ok: bool = False
    hsts_max_age: int | None = None
    hsts_include_subdomains: bool = False
    hsts_preload: bool = False
    hsts_checked: bool = False
    not_testable: str = _NOT_TESTABLE


@dataclass(frozen=True)
class TlsEvidence:
    """Facts for every configured endpoint (unreachable ones carry their error)."""

    endpoints: tuple[EndpointFacts, ...]

    def stats(self) -> dict[str, object]:
        """Per-endpoint grades, for the report (JSON `endpoints`)."""
        from seawall._tls_grade import grade

        rows = []
        for facts in self.endpoints:
            result = grade(facts)
            rows.append(
                {
                    "resource": facts.endpoint.resource,
                    "server_name": facts.endpoint.name,
                    "edge": facts.endpoint.edge,
                    "grade": result.letter,
                    "caps": list(result.reasons),
                    "protocols": facts.versions,
                    "negotiated": facts.negotiated,
                    "weak_ciphers": [c for c in facts.ciphers_tls12 if weak_cipher(c)],
                    "days_to_expiry": facts.certificate.days_to_expiry
                    if facts.certificate
                    else None,
                    "hsts_max_age": facts.hsts_max_age,
                    "error": facts.error,
                }
            )
        return {"endpoints": rows}


def _certificate_row(facts: EndpointFacts) -> dict[str, object] | None:
    cert = facts.certificate
    if cert is None:
        return None
    return {
        "subject": cert.subject,
        "issuer": cert.issuer,
        "names": list(cert.names),
        "key": f"{cert.key_type} {cert.key_bits}",
        "signature_hash": cert.signature_algorithm,
        "not_after": cert.not_after,
        "self_signed": cert.self_signed,
    }


def weak_cipher(name: str) -> str | None:
    """Why a TLS 1.2 suite is weak, or None."""
    upper = name.upper()
    if upper.startswith(("ADH-", "AECDH-")) or "-ANON-" in upper:
        return "anonymous key exchange"
    if "NULL" in upper or "EXP" in upper.split("-"):
        return "no encryption"
    if "RC4" in upper or "DES-CBC3" in upper or "3DES" in upper:
        return "broken cipher"
    if not upper.startswith(("ECDHE-", "DHE-")) and "PSK" not in upper:
        return "no forward secrecy"
    if upper.endswith("-SHA") and ("CBC" in upper or "AES" in upper or "CAMELLIA" in upper):
        return "CBC with SHA-1"
    return None


def _context(verify: bool, endpoint: TlsEndpoint) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if verify:
        context.check_hostname = True
        context.verify_mode = ssl.CERT_REQUIRED
        if endpoint.ca_file:
            context.load_verify_locations(endpoint.ca_file)
        else:
            context.load_default_certs()
    else:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.0/1.1 on purpose
        context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    context.set_ciphers("ALL:@SECLEVEL=0")
    return context


def _open(endpoint: TlsEndpoint, context: ssl.SSLContext) -> ssl.SSLSocket:
    raw = socket.create_connection((endpoint.host, endpoint.port), timeout=endpoint.connect_timeout)
    try:
        raw.settimeout(endpoint.read_timeout)
        if endpoint.protocol == "postgres":
            raw.sendall(struct.pack("!ii", 8, 80877103))
            if raw.recv(1) != b"S":
                raise ssl.SSLError("server refused the Postgres SSLRequest (TLS not offered)")
        elif endpoint.protocol == "smtp":
            _smtp_starttls(raw)
        return context.wrap_socket(raw, server_hostname=endpoint.name)
    except BaseException:
        raw.close()
        raise


def _smtp_starttls(raw: socket.socket) -> None:
    def reply() -> bytes:
        data = b""
        while not data.endswith(b"\r\n") or data.split(b"\r\n")[-2][3:4] == b"-":
            chunk = raw.recv(4096)
            if not chunk:
                break
            data += chunk
        return data

    reply()
    raw.sendall(b"EHLO seawall.invalid\r\n")
    reply()
    raw.sendall(b"STARTTLS\r\n")
    if not reply().startswith(b"220"):
        raise ssl.SSLError("server refused STARTTLS")


def _handshake(
    endpoint: TlsEndpoint, context: ssl.SSLContext
) -> tuple[str | None, tuple[Any, ...] | None, bytes | None]:
    with _open(endpoint, context) as tls:
        return tls.version(), tls.cipher(), tls.getpeercert(binary_form=True)


def _certificate(der: bytes) -> Certificate:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    cert = x509.load_der_x509_certificate(der)
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        key_type, bits = "RSA", key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key_type, bits = f"EC {key.curve.name}", key.curve.key_size
    elif isinstance(key, dsa.DSAPublicKey):
        key_type, bits = "DSA", key.key_size
    elif isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        key_type, bits = type(key).__name__.replace("PublicKey", ""), 256
    else:
        key_type, bits = type(key).__name__, 0
    try:
        names = tuple(
            cert.extensions.get_extension_for_class(
                x509.SubjectAlternativeName
            ).value.get_values_for_type(x509.DNSName)
        )
    except x509.ExtensionNotFound:
        names = ()
    algorithm = cert.signature_hash_algorithm.name if cert.signature_hash_algorithm else "none"
    not_after = cert.not_valid_after_utc
    return Certificate(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        names=names,
        key_type=key_type,
        key_bits=bits,
        signature_algorithm=algorithm,
        not_after=not_after.isoformat(),
        days_to_expiry=(not_after - dt.datetime.now(dt.UTC)).days,
        self_signed=cert.subject == cert.issuer,
    )


def _versions(endpoint: TlsEndpoint) -> dict[str, bool]:
    offered = {}
    for label, attribute in _VERSIONS:
        context = _context(False, endpoint)
        version = getattr(ssl.TLSVersion, attribute)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = version
            context.maximum_version = version
        try:
            _handshake(endpoint, context)
            offered[label] = True
        except (OSError, ssl.SSLError):
            offered[label] = False
    return offered


def _tls12_ciphers(endpoint: TlsEndpoint) -> tuple[str, ...]:
    """Accepted TLS 1.2 suites, by elimination: offer all, remove the one chosen, repeat."""
    probe_context = _context(False, endpoint)
    candidates = [c["name"] for c in probe_context.get_ciphers() if c["protocol"] != "TLSv1.3"]
    accepted: list[str] = []
    for _ in range(len(candidates)):
        context = _context(False, endpoint)
        context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1_2
        try:
            context.set_ciphers(":".join(candidates) + ":@SECLEVEL=0")
            _version, cipher, _der = _handshake(endpoint, context)
        except (OSError, ssl.SSLError):
            break
        if cipher is None or cipher[0] not in candidates:
            break
        accepted.append(cipher[0])
        candidates.remove(cipher[0])
        if not candidates:
            break
    return tuple(accepted)


def _hsts(endpoint: TlsEndpoint) -> tuple[int | None, bool, bool]:
    context = _context(False, endpoint)
    with _open(endpoint, context) as tls:
        request = (
            f"GET / HTTP/1.1\r\nHost: {endpoint.name}\r\nUser-Agent: seawall\r\n"
            "Connection: close\r\n\r\n"
        )
        tls.sendall(request.encode())
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = tls.recv(4096)
            if not chunk:
                break
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() != "strict-transport-security":
            continue
        max_age = None
        directives = [d.strip().lower() for d in value.split(";")]
        for directive in directives:
            if directive.startswith("max-age="):
                try:
                    max_age = int(directive.split("=", 1)[1].strip('"'))
                except ValueError:
                    max_age = None
        return max_age, "includesubdomains" in directives, "preload" in directives
    return None, False, False


def probe(endpoint: TlsEndpoint) -> EndpointFacts:
    """All facts for one endpoint; connection failures become ``error``, not exceptions."""
    trusted, trust_error, hostname_ok = False, None, False
    try:
        version, _cipher, der = _handshake(endpoint, _context(True, endpoint))
        trusted, hostname_ok = True, True
    except ssl.SSLCertVerificationError as exc:
        trust_error = exc.verify_message or str(exc)
        hostname_ok = exc.verify_code != 62  # X509_V_ERR_HOSTNAME_MISMATCH
        trusted = exc.verify_code == 62  # the chain itself verified; only the name is wrong
        try:
            version, _cipher, der = _handshake(endpoint, _context(False, endpoint))
        except (OSError, ssl.SSLError) as inner:
            return EndpointFacts(endpoint, reachable=False, error=f"TLS handshake failed: {inner}")
    except (OSError, ssl.SSLError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return EndpointFacts(
            endpoint, reachable=False, error=f"cannot connect or handshake: {reason}"
        )
    certificate = _certificate(der) if der else None
    versions = _versions(endpoint)
    ciphers = _tls12_ciphers(endpoint) if versions.get("TLSv1.2") else ()
    hsts: tuple[int | None, bool, bool] = (None, False, False)
    checked = False
    if endpoint.protocol == "https":
        try:
            hsts = _hsts(endpoint)
            checked = True
        except (OSError, ssl.SSLError):
            checked = False
    return EndpointFacts(
        endpoint=endpoint,
        reachable=True,
        versions=versions,
        ciphers_tls12=ciphers,
        negotiated=version,
        certificate=certificate,
        trusted=trusted,
        trust_error=trust_error,
        hostname_ok=hostname_ok,
        hsts_max_age=hsts[0],
        hsts_include_subdomains=hsts[1],
        hsts_preload=hsts[2],
        hsts_checked=checked,
    )


def probe_all(endpoints: tuple[TlsEndpoint, ...], workers: int = 32) -> tuple[EndpointFacts, ...]:
    """Probe endpoints concurrently (handshakes release the GIL)."""
    if not endpoints:
        return ()
    with ThreadPoolExecutor(max_workers=min(workers, len(endpoints))) as pool:
        return tuple(pool.map(probe, endpoints))


def default_port(protocol: str) -> int:
    """The usual port for a protocol."""
    return _DEFAULT_PORTS.get(protocol, 443)


def collect(context: CollectContext) -> Collected:
    """Probe every configured endpoint; unreachable ones are issues for that endpoint."""
    facts = probe_all(context.options.tls)
    issues = tuple(
        CollectorIssue(f.endpoint.resource, f.error or "unreachable")
        for f in facts
        if not f.reachable
    )
    return Collected(TlsEvidence(facts), issues)
