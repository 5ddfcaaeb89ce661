"""ED1-001: PostgreSQL without TLS, with old protocol versions, or with an expiring certificate."""

from __future__ import annotations

import dataclasses

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._pg import judge_targets, violation
from seawall.collectors.postgres import PgSnapshot, PostgresEvidence

META = CheckMeta(
    id="ED1-001",
    control="ED-1",
    severity=Severity.HIGH,
    title="PostgreSQL transport encryption is weak",
    rationale=(
        "The baseline asks for TLS in transit, internal services included. With ssl off every "
        "query and password crosses the network in clear; TLS 1.0/1.1 are broken; an expired "
        "certificate breaks verifying clients or trains them to skip verification."
    ),
    remediation="ssl = on, ssl_min_protocol_version = 'TLSv1.3' (at least TLSv1.2), and renew the server certificate well before expiry.",
    needs=(EvidenceKind.POSTGRES,),
    verify_clause="SSL Labs A+ rating.",
    references=("https://www.postgresql.org/docs/15/ssl-tcp.html",),
    example_fail=(("postgresql.conf", "ssl = off\n"),),
    example_pass=(("postgresql.conf", "ssl = on\nssl_min_protocol_version = 'TLSv1.3'\n"),),
)

_ORDER = {"TLSv1": 0, "TLSv1.1": 1, "TLSv1.2": 2, "TLSv1.3": 3}


def _judge(snapshot: PgSnapshot) -> list[Violation]:
    settings = snapshot.settings()
    found = []
    if settings.get("ssl") != "on":
        return [
            violation(
                snapshot, "setting:ssl", "ssl is off: connections are not encrypted", "ssl-off"
            )
        ]
    minimum = settings.get("ssl_min_protocol_version", "TLSv1.2")
    rank = _ORDER.get(minimum, 2)
    if rank < 2:
        found.append(
            violation(
                snapshot,
                "setting:ssl_min_protocol_version",
                f"ssl_min_protocol_version is {minimum}: TLS 1.0/1.1 are accepted",
                f"min-protocol:{minimum}",
            )
        )
    elif rank == 2:
        found.append(
            violation(
                snapshot,
                "setting:ssl_min_protocol_version",
                "ssl_min_protocol_version is TLSv1.2; the baseline prefers TLS 1.3",
                "min-protocol:TLSv1.2",
                severity=Severity.LOW,
            )
        )
    tls = snapshot.tls
    if tls is not None and tls.offered and tls.days_to_expiry is not None:
        if tls.days_to_expiry <= 14:
            found.append(
                violation(
                    snapshot,
                    "certificate",
                    f"server certificate expires in {tls.days_to_expiry} day(s) (negotiated {tls.protocol})",
                    "cert-expiry-14",
                )
            )
        elif tls.days_to_expiry <= 30:
            found.append(
                violation(
                    snapshot,
                    "certificate",
                    f"server certificate expires in {tls.days_to_expiry} days (negotiated {tls.protocol})",
                    "cert-expiry-30",
                    severity=Severity.MEDIUM,
                )
            )
    return found


def _facts(snapshot: PgSnapshot) -> str | None:
    tls = snapshot.tls
    if tls is None:
        return None
    if not tls.offered:
        return f"{snapshot.target.name}: TLS not offered" + (
            f" ({tls.problem})" if tls.problem else ""
        )
    return (
        f"{snapshot.target.name}: negotiated {tls.protocol}; "
        f"certificate expires in {tls.days_to_expiry} days"
    )


def run(evidence: Evidence) -> CheckOutcome:
    """ssl setting, minimum protocol, and the live certificate's expiry (always reported)."""
    outcome = judge_targets(evidence, _judge)
    postgres: PostgresEvidence = evidence[EvidenceKind.POSTGRES]
    notes = tuple(note for note in (_facts(s) for s in postgres.snapshots) if note)
    return dataclasses.replace(outcome, notes=notes)
