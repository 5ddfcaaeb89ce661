"""TLS grading after the SSL Labs rating guide, from probe facts (pure, no I/O).

Letters A+ … F, plus T (certificate not trusted: unknown issuer, self-signed,
expired) and M (certificate does not match the name). Rules applied, each
listed as a reason when it bites:

- no TLS at all, anonymous suites or suites without encryption: F;
- no TLS 1.2 and no TLS 1.3: capped at C;
- TLS 1.0 or 1.1 offered: capped at B;
- a TLS 1.2 suite without forward secrecy, an RSA key under 2048 bits, or a
  SHA-1 certificate signature: capped at B;
- warnings (keep A, prevent A+): CBC suites with SHA-1, no HSTS or HSTS
  max-age under 6 months (HTTPS only; other protocols top out at A);
- A+ needs none of the above and HSTS max-age of at least 15,552,000 s.
"""

from __future__ import annotations

from dataclasses import dataclass

from seawall.collectors.tls import EndpointFacts, weak_cipher

__all__ = ["HSTS_MIN_AGE", "Grade", "grade", "meets"]

HSTS_MIN_AGE = 15_552_000  # 180 days
_ORDER = ["F", "C", "B", "A", "A+"]


@dataclass(frozen=True)
class Grade:
    """A letter, what it would be with a trusted matching certificate, and why."""

    letter: str
    without_trust_issues: str
    reasons: tuple[str, ...]


def _cap(current: str, limit: str) -> str:
    return limit if _ORDER.index(limit) < _ORDER.index(current) else current


def grade(facts: EndpointFacts) -> Grade:
    """Grade one endpoint; an unreachable one is F with the reason."""
    if not facts.reachable:
        return Grade("F", "F", (facts.error or "unreachable",))
    reasons: list[str] = []
    letter = "A+"
    versions = facts.versions
    if not any(versions.values()):
        return Grade("F", "F", ("no TLS protocol version accepted",))
    kinds = {weak_cipher(c) or "" for c in facts.ciphers_tls12}
    fatal = sorted(kinds & {"anonymous key exchange", "no encryption"})
    if fatal:
        reasons.append("accepts suites with " + " and ".join(fatal))
        letter = "F"
    if not versions.get("TLSv1.2") and not versions.get("TLSv1.3"):
        reasons.append("neither TLS 1.2 nor TLS 1.3 offered (cap C)")
        letter = _cap(letter, "C")
    old = [v for v in ("TLSv1.0", "TLSv1.1") if versions.get(v)]
    if old:
        reasons.append(f"{' and '.join(old)} offered (cap B)")
        letter = _cap(letter, "B")
    if any(weak_cipher(c) == "broken cipher" for c in facts.ciphers_tls12):
        reasons.append("RC4 or 3DES suites accepted (cap C)")
        letter = _cap(letter, "C")
    no_fs = [c for c in facts.ciphers_tls12 if weak_cipher(c) == "no forward secrecy"]
    if no_fs:
        reasons.append(
            f"{len(no_fs)} TLS 1.2 suite(s) without forward secrecy, e.g. {no_fs[0]} (cap B)"
        )
        letter = _cap(letter, "B")
    certificate = facts.certificate
    if certificate is not None:
        if certificate.key_type == "RSA" and certificate.key_bits < 2048:
            reasons.append(f"RSA key of {certificate.key_bits} bits (cap B)")
            letter = _cap(letter, "B")
        if certificate.signature_algorithm in ("sha1", "md5"):
            reasons.append(f"certificate signed with {certificate.signature_algorithm} (cap B)")
            letter = _cap(letter, "B")
    warnings = []
    cbc = [c for c in facts.ciphers_tls12 if weak_cipher(c) == "CBC with SHA-1"]
    if cbc:
        warnings.append(f"{len(cbc)} CBC suite(s) with SHA-1, e.g. {cbc[0]}")
    if facts.endpoint.protocol == "https":
        if facts.hsts_max_age is None:
            warnings.append("no HSTS header")
        elif facts.hsts_max_age < HSTS_MIN_AGE:
            warnings.append(f"HSTS max-age {facts.hsts_max_age} is under 6 months")
    else:
        warnings.append(
            f"{facts.endpoint.protocol} endpoint: HSTS does not apply, so A is the top grade"
        )
    if warnings and letter == "A+":
        letter = "A"
    reasons.extend(f"{w} (no A+)" for w in warnings)
    final = letter
    if certificate is not None and certificate.days_to_expiry < 0:
        reasons.append("certificate expired (T)")
        final = "T"
    elif not facts.trusted:
        reasons.append(f"certificate not trusted: {facts.trust_error} (T)")
        final = "T"
    elif not facts.hostname_ok:
        reasons.append(f"certificate does not match {facts.endpoint.name} (M)")
        final = "M"
    return Grade(final, letter, tuple(reasons))


def meets(letter: str, required: str) -> bool:
    """True when ``letter`` is at least ``required`` (T and M never meet a requirement)."""
    if letter not in _ORDER:
        return False
    return _ORDER.index(letter) >= _ORDER.index(required)
